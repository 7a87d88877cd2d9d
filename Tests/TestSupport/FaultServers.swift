import Foundation
import Synchronization

/// Accepts TCP connections and never answers. With `recording`, it also reads what arrives
/// (`received`); without, connections wait in the listen queue.
public final class SilentServer: @unchecked Sendable {
    // @unchecked: the descriptor is set once in init and closed once in stop; the rest is under `state`.
    public let port: Int
    private var descriptor: Int32
    private let state = Mutex<(text: String, connections: [Int32])>(("", []))

    public init(recording: Bool = false) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard ok, listen(descriptor, 16) == 0 else { throw ProcessFailure("cannot listen") }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        if recording { Thread.detachNewThread { [self] in acceptAndRead(descriptor) } }
    }

    /// What the connections sent so far (`recording` only).
    public var received: String { state.withLock { $0.text } }

    private func acceptAndRead(_ listener: Int32) {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            state.withLock { $0.connections.append(connection) }
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = read(connection, &buffer, buffer.count)
                    guard count > 0 else { close(connection); return }
                    state.withLock { $0.text += String(decoding: buffer[..<count], as: UTF8.self) }
                }
            }
        }
    }

    public func stop() {
        if descriptor >= 0 { shutdown(descriptor, Int32(SHUT_RDWR)); close(descriptor); descriptor = -1 }
        state.withLock { state in
            // Each reader closes its own connection when its read ends.
            for connection in state.connections { shutdown(connection, Int32(SHUT_RDWR)) }
            state.connections = []
        }
    }
}

/// A PostgreSQL server of a test's own (initdb + pg_ctl through scripts/lib.sh), for faults that
/// would disturb the shared test server: restarts, stops.
public final class PrivatePostgres: Sendable {
    public let directory: URL
    public let port: Int
    let bin: String

    /// Closes every inherited descriptor above 2 first: the server that pg_ctl leaves running must
    /// not keep the test's pipes open (the test would wait for their end forever).
    static let closeInherited = "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\" 2>/dev/null; done; "

    static var libScript: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/lib.sh")
    }

    public var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable" }

    public init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("private-pg-\(UUID().uuidString.prefix(8))")
        // The output goes to a file: the server started in the background must not hold our pipes.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("private-pg-\(UUID().uuidString.prefix(8)).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try await runProduct("/bin/bash", ["-c", Self.closeInherited + "(source '\(Self.libScript.path)' && start_throwaway_postgres '\(directory.path)' >/dev/null && echo \"$PG_PORT $PG_BIN\") > '\(output.path)' 2>&1"])
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        let parts = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard result.status == 0, parts.count == 2, let port = Int(parts[0]) else { throw ProcessFailure("PostgreSQL did not start: \(text)") }
        self.port = port
        bin = parts[1]
    }

    /// `pg_ctl restart -m fast`: every connection is dropped.
    public func restart() async throws {
        let result = try await pgctl("-w -t 60 -m fast restart")
        guard result.status == 0 else { throw ProcessFailure("restart failed: \(result.stderr)") }
    }

    /// `pg_ctl stop -m fast`: the server is gone, its folder stays (`stop()` removes it).
    public func halt() async throws {
        let result = try await pgctl("-w -t 60 -m fast stop")
        guard result.status == 0 else { throw ProcessFailure("stop failed: \(result.stderr)") }
    }

    public func stop() async {
        _ = try? await runProduct("/bin/bash", ["-c", "(source '\(Self.libScript.path)' && PG_DIR='\(directory.path)' PG_BIN='\(bin)' stop_throwaway_postgres) >/dev/null 2>&1"])
    }

    private func pgctl(_ arguments: String) async throws -> CommandResult {
        let command = Self.closeInherited + "'\(bin)/pg_ctl' -D '\(directory.path)/data' -l '\(directory.path)/server.log' \(arguments) > '\(directory.path)/pgctl.out' 2>&1"
        return getuid() == 0
            ? try await runProduct("/bin/su", ["postgres", "-s", "/bin/bash", "-c", command])
            : try await runProduct("/bin/bash", ["-c", command])
    }
}

/// The hostile package corpus (hostile_corpus.py): archives that must all be refused.
public enum HostileCorpus {
    public struct Case: Decodable, Sendable {
        public let name: String
        public let file: String
        public let fragment: String
        public let bytes: Int
    }

    /// Writes the corpus into `folder` and lists it.
    public static func write(to folder: URL) async throws -> [Case] {
        guard let script = Bundle.module.url(forResource: "hostile_corpus", withExtension: "py") else { throw ProcessFailure("hostile_corpus.py is missing") }
        let result = try await runProduct("/usr/bin/python3", [script.path, folder.path])
        guard result.status == 0 else { throw ProcessFailure("hostile_corpus.py failed: \(result.stderr)") }
        return try JSONDecoder().decode([Case].self, from: Data(contentsOf: folder.appendingPathComponent("corpus.json")))
    }
}
