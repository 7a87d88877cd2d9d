import Foundation

/// Git repositories and real git servers on 127.0.0.1 for sync tests: `file://`, `git daemon`
/// and `git http-backend` behind basic auth.
public final class GitFixture: Sendable {
    public let root: URL
    /// Bare repositories served by the servers live here.
    public var served: URL { root.appendingPathComponent("served") }

    public init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("git-fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("served"), withIntermediateDirectories: true)
    }

    public func remove() { try? FileManager.default.removeItem(at: root) }

    /// Runs git with a fixed identity; throws with its output when it fails.
    @discardableResult
    public static func git(_ arguments: [String], in folder: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-c", "user.name=Fixture", "-c", "user.email=fixture@example.com", "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always"] + arguments
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ProcessFailure("git \(arguments.joined(separator: " ")) failed: \(output)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A working repository `name` with `files` committed, pushed to a bare `served/NAME.git`.
    /// Returns the working folder; `commit` adds more commits.
    @discardableResult
    public func repository(_ name: String, files: [String: String], symlinks: [String: String] = [:]) throws -> URL {
        let work = root.appendingPathComponent("work-\(name)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try Self.git(["init", "-q"], in: work)
        try Self.git(["init", "-q", "--bare", served.appendingPathComponent("\(name).git").path], in: root)
        try Self.git(["remote", "add", "origin", served.appendingPathComponent("\(name).git").path], in: work)
        try commit(name, files: files, symlinks: symlinks, message: "initial")
        return work
    }

    /// An empty bare repository, served.
    public func emptyRepository(_ name: String) throws {
        try Self.git(["init", "-q", "--bare", served.appendingPathComponent("\(name).git").path], in: root)
    }

    /// Writes `files` (nil content deletes), commits and pushes; returns the commit id.
    @discardableResult
    public func commit(_ name: String, files: [String: String?], symlinks: [String: String] = [:], message: String) throws -> String {
        let work = root.appendingPathComponent("work-\(name)")
        for (path, content) in files {
            let url = work.appendingPathComponent(path)
            if let content {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try content.write(to: url, atomically: true, encoding: .utf8)
            } else {
                try FileManager.default.removeItem(at: url)
            }
        }
        for (path, target) in symlinks {
            let url = work.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
        }
        try Self.git(["add", "-A"], in: work)
        try Self.git(["commit", "-q", "-m", message], in: work)
        try Self.git(["push", "-q", "origin", "HEAD:main"], in: work)
        return try Self.git(["rev-parse", "HEAD"], in: work)
    }

    public func fileURL(_ name: String) -> String { "file://" + served.appendingPathComponent("\(name).git").path }
}

/// A running server process, stopped by `stop()` (and on deinit).
public final class BackgroundServer: Sendable {
    public let port: Int
    private let process: Process
    /// A daemon that detached itself: stopped through its pid file.
    private let pidFile: URL?

    init(process: Process, port: Int, pidFile: URL? = nil) {
        self.process = process
        self.port = port
        self.pidFile = pidFile
    }

    /// SIGTERM, then SIGKILL after five seconds; never waits longer.
    public func stop() {
        if let pidFile, let text = try? String(contentsOf: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGTERM)
            try? FileManager.default.removeItem(at: pidFile)
            return
        }
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit { stop() }

    /// `git daemon` serving `fixture.served` on a free port: URLs `git://127.0.0.1:PORT/NAME.git`.
    public static func gitDaemon(_ fixture: GitFixture) async throws -> BackgroundServer {
        let port = try freePort()
        let process = Process()
        // git-daemon itself, not `git daemon`, which runs it as a child that SIGTERM does not reach.
        let execPath = try GitFixture.git(["--exec-path"], in: fixture.root)
        process.executableURL = URL(fileURLWithPath: execPath + "/git-daemon")
        process.arguments = ["--reuseaddr", "--base-path=\(fixture.served.path)", "--export-all", "--listen=127.0.0.1", "--port=\(port)", fixture.served.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await waitForPort(port, process: process)
        return BackgroundServer(process: process, port: port)
    }

    /// `git http-backend` behind basic auth (`credentials` "USER:TOKEN", USER '*' for any), on a
    /// free port: URLs `http://127.0.0.1:PORT/NAME.git`.
    public static func gitHTTP(_ fixture: GitFixture, credentials: String?, tls: (certificate: URL, key: URL)? = nil) async throws -> BackgroundServer {
        try await python("git_http_server", fixture: fixture) { portFile in
            [fixture.served.path, portFile, credentials ?? "-"] + (tls.map { [$0.certificate.path, $0.key.path] } ?? [])
        }
    }

    /// Runs one of the Python servers of the test resources and waits for the port it writes.
    static func python(_ name: String, fixture: GitFixture, arguments: (String) -> [String]) async throws -> BackgroundServer {
        guard let script = Bundle.module.url(forResource: name, withExtension: "py") else {
            throw ProcessFailure("\(name).py is missing from the test resources")
        }
        let portFile = fixture.root.appendingPathComponent("port-\(UUID().uuidString)")
        let process = Process()
        // The system Python, run directly: a version manager's shim would sit between us and the signal.
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "/usr/bin/env"
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = (python == "/usr/bin/env" ? ["python3"] : []) + [script.path] + arguments(portFile.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return BackgroundServer(process: process, port: port)
            }
            guard process.isRunning else { throw ProcessFailure("\(name) exited") }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        throw ProcessFailure("\(name) did not start")
    }

    /// A GitHub/GitLab API double answering recorded listing pages (`pages`: path -> pages).
    public static func apiPages(_ fixture: GitFixture, pages: [String: [[[String: Any]]]], token: String) async throws -> BackgroundServer {
        let pagesFile = fixture.root.appendingPathComponent("pages-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: pages).write(to: pagesFile)
        return try await python("api_pages_server", fixture: fixture) { portFile in [pagesFile.path, portFile, token] }
    }

    /// A registry double that answers downloads with hostile packages (see hostile_registry_server.py).
    public static func hostileRegistry(_ fixture: GitFixture) async throws -> BackgroundServer {
        try await python("hostile_registry_server", fixture: fixture) { portFile in [portFile] }
    }

    /// A self-signed certificate for `localhost` (mbedTLS does not match IP addresses), made with openssl.
    public static func localhostCertificate(in folder: URL) throws -> (certificate: URL, key: URL) {
        let certificate = folder.appendingPathComponent("localhost.pem"), key = folder.appendingPathComponent("localhost-key.pem")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-out", certificate.path, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ProcessFailure("openssl could not make a certificate") }
        return (certificate, key)
    }

    /// An OpenSSH server for `fixture.served` on a free port, with a fresh ed25519 host key and an
    /// ed25519 client key. URLs: `ssh://USER@127.0.0.1:PORT/ABSOLUTE/PATH/NAME.git`.
    public struct SSH: Sendable {
        public let server: BackgroundServer
        public let user: String
        public let clientPrivateKey: String
        public let hostFingerprint: String
        public func url(_ fixture: GitFixture, _ name: String) -> String {
            "ssh://\(user)@127.0.0.1:\(server.port)\(fixture.served.appendingPathComponent("\(name).git").path)"
        }
    }

    public static func sshd(_ fixture: GitFixture) async throws -> SSH {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") else {
            throw ProcessFailure("openssh-server is not installed (/usr/sbin/sshd); scripts/test.sh installs it")
        }
        let folder = fixture.root.appendingPathComponent("ssh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func keygen(_ name: String) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
            process.arguments = ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", folder.appendingPathComponent(name).path]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw ProcessFailure("ssh-keygen failed") }
        }
        try keygen("host")
        try keygen("client")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("client.pub"), to: folder.appendingPathComponent("authorized_keys"))
        let fingerprintProcess = Process()
        fingerprintProcess.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        fingerprintProcess.arguments = ["-lf", folder.appendingPathComponent("host.pub").path]
        let pipe = Pipe()
        fingerprintProcess.standardOutput = pipe
        try fingerprintProcess.run()
        let fingerprintLine = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        fingerprintProcess.waitUntilExit()
        guard let fingerprint = fingerprintLine.split(separator: " ").first(where: { $0.hasPrefix("SHA256:") }) else { throw ProcessFailure("no host key fingerprint") }
        let port = try freePort()
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(folder.appendingPathComponent("host").path)
            AuthorizedKeysFile \(folder.appendingPathComponent("authorized_keys").path)
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin yes
            UsePAM no
            StrictModes no
            PidFile \(folder.appendingPathComponent("sshd.pid").path)
            """
        try config.write(to: folder.appendingPathComponent("sshd_config"), atomically: true, encoding: .utf8)
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        // sshd detaches itself (no -D): a long-lived child of ours that forks per connection upsets
        // Foundation's child-process bookkeeping, so it must not stay our child.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/sshd")
        process.arguments = ["-f", folder.appendingPathComponent("sshd_config").path, "-E", folder.appendingPathComponent("sshd.log").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ProcessFailure("sshd did not start: \((try? String(contentsOf: folder.appendingPathComponent("sshd.log"), encoding: .utf8)) ?? "")") }
        try await waitForPort(port, process: nil)
        return SSH(
            server: BackgroundServer(process: process, port: port, pidFile: folder.appendingPathComponent("sshd.pid")),
            user: ProcessInfo.processInfo.environment["USER"] ?? NSUserName(),
            clientPrivateKey: try String(contentsOf: folder.appendingPathComponent("client"), encoding: .utf8),
            hostFingerprint: String(fingerprint)
        )
    }

    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw ProcessFailure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func waitForPort(_ port: Int, process: Process?) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(descriptor)
            if connected { return }
            if let process, !process.isRunning { throw ProcessFailure("the server exited before listening on \(port)") }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw ProcessFailure("nothing listens on \(port)")
    }
}
