import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A product built by `swift build` (next to the test bundle).
public enum BuiltProduct {
    public static func url(_ name: String) throws -> URL {
        if name.hasPrefix("/") { return URL(fileURLWithPath: name) }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        throw ProcessFailure("\(name) is not built next to the tests: run `swift build --build-tests` first (scripts/test.sh does)")
    }
}

public struct ProcessFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The output of a finished command.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Starts a built product with `environment` added to this process's, collecting its output.
func launch(_ name: String, _ arguments: [String], environment: [String: String], in folder: URL? = nil) throws -> (Process, stdout: OutputCollector, stderr: OutputCollector) {
    let process = Process()
    if let folder { process.currentDirectoryURL = folder }
    process.executableURL = try BuiltProduct.url(name)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let stdout = OutputCollector(out.fileHandleForReading)
    let stderr = OutputCollector(err.fileHandleForReading)
    try process.run()
    return (process, stdout, stderr)
}

/// Runs a built product to completion with `environment` added to this process's.
public func runProduct(_ name: String, _ arguments: [String], environment: [String: String] = [:], in folder: URL? = nil, timeout: Duration = .seconds(120)) async throws -> CommandResult {
    let (process, stdout, stderr) = try launch(name, arguments, environment: environment, in: folder)
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now > deadline {
            process.terminate()
            throw ProcessFailure("\(name) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: stdout.finish(), stderr: stderr.finish())
}

/// Collects what a pipe delivers, readable while the process still runs.
public final class OutputCollector: Sendable {
    private let text = Mutex("")
    private let handle: FileHandle

    public init(_ handle: FileHandle) {
        self.handle = handle
        handle.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if !data.isEmpty { self?.text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        }
    }

    public var current: String { text.withLock { $0 } }

    /// Stops reading and returns everything, including what was still buffered.
    public func finish() -> String {
        handle.readabilityHandler = nil
        let rest = (try? handle.readToEnd()) ?? nil
        if let rest, !rest.isEmpty { text.withLock { $0 += String(decoding: rest, as: UTF8.self) } }
        return current
    }
}

/// `agenthub-server` running as a real process on a free port (`PORT=0`).
public final class ServerProcess: Sendable {
    public let port: Int
    private let process: Process
    public let stdout: OutputCollector
    public let stderr: OutputCollector

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// The process's resident memory now, in bytes (VmRSS), and its peak (VmHWM).
    public var memory: (resident: Int, peak: Int) {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    /// Starts the server and waits for its "listening on" line.
    public static func start(environment: [String: String], timeout: Duration = .seconds(120)) async throws -> ServerProcess {
        let (process, stdout, stderr) = try launch("agenthub-server", ["serve"], environment: ["HOST": "127.0.0.1", "PORT": "0"].merging(environment) { $1 })
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = stdout.current.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
               let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
                return ServerProcess(port: port, process: process, stdout: stdout, stderr: stderr)
            }
            if !process.isRunning {
                throw ProcessFailure("agenthub-server exited with \(process.terminationStatus) before listening:\n\(stderr.finish())")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        process.terminate()
        throw ProcessFailure("agenthub-server did not start listening within \(timeout):\n\(stderr.current)")
    }

    private init(port: Int, process: Process, stdout: OutputCollector, stderr: OutputCollector) {
        self.port = port
        self.process = process
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Sends `signal` (SIGTERM by default) and waits for the exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async throws -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                throw ProcessFailure("agenthub-server did not stop within \(timeout) of signal \(signal)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        _ = stdout.finish()
        _ = stderr.finish()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// One HTTP request to a test server: the status and the answer's JSON object (empty when the
/// answer is not one). `headers` may carry `X-API-Key` or `Authorization`.
public func httpJSON(_ base: URL, _ method: String, _ path: String, body: Data? = nil, contentType: String = "application/json", headers: [String: String] = [:]) async throws -> (status: Int, json: [String: Any]) {
    var request = URLRequest(url: base.appendingPathComponent(path), timeoutInterval: 30)
    request.httpMethod = method
    request.httpBody = body
    if body != nil { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let (data, response) = try await URLSession.shared.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
}

/// `value` as a JSON body.
public func jsonBody(_ value: Any) throws -> Data {
    try JSONSerialization.data(withJSONObject: value)
}
