import Foundation
import Shared
import Testing
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `agenthub` against a live `agenthub-server`, in a temporary HOME and project.
@Suite("agenthub commands against a live server")
struct CLICommandTests {
    static let binary: [UInt8] = (0..<3000).map { UInt8(($0 * 13 + 5) % 256) }

    struct Setup {
        let server: ServerProcess
        let home: TemporaryDirectory
        let project: TemporaryDirectory
        let data: TemporaryDirectory
        let key: String
        var environment: [String: String] { ["HOME": home.url.path, "SKILLS_REGISTRY_URL": server.baseURL.absoluteString, "SKILLS_REGISTRY_API_KEY": key] }

        func agenthub(_ arguments: String...) async throws -> CommandResult {
            try await runProduct("agenthub", arguments, environment: environment, in: project.url)
        }

        func agenthub(input: String, environment: [String: String], _ arguments: String...) async throws -> CommandResult {
            let file = home.url.appendingPathComponent("stdin-\(UUID().uuidString)")
            try input.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            return try await runProduct("/bin/sh", ["-c", "exec \"$0\" \"$@\" < \"\(file.path)\"", try BuiltProduct.url("agenthub").path] + arguments, environment: environment, in: project.url)
        }

        /// Publishes `files` as a new version of a `kind` with the user's key; the HTTP status.
        @discardableResult
        func publish(_ kind: String, _ files: [PackageFile]) async throws -> Int {
            let archive = try PackageArchive.pack(try AssetPackage(files: files, limits: .default))
            return try await CLICommandTests.call(server.baseURL, "POST", "api/v1/assets/\(kind)", body: Data(archive), headers: ["Content-Type": "application/gzip", "X-API-Key": key]).0
        }

        func agenthub(environment extra: [String: String], _ arguments: [String]) async throws -> CommandResult {
            try await runProduct("agenthub", arguments, environment: environment.merging(extra) { $1 }, in: project.url)
        }

        func stop() async throws {
            try await server.stop()
            home.remove(); project.remove(); data.remove()
        }
    }

    static let adminKey = "admin-key-for-cli-tests-0123456789abcdef"

    static func call(_ baseURL: URL, _ method: String, _ path: String, body: Data?, headers: [String: String]) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    static func setUp(environment extra: [String: String] = [:]) async throws -> Setup {
        let data = try TemporaryDirectory()
        let server = try await ServerProcess.start(environment: ["DATA_DIR": data.url.path, "BCRYPT_COST": "4", "LOG_LEVEL": "warning", "ADMIN_PASSWORD": "admin-password-1", "ADMIN_API_KEY": adminKey].merging(extra) { $1 })
        func call(_ method: String, _ path: String, body: Data, headers: [String: String]) async throws -> (Int, [String: Any]) {
            try await CLICommandTests.call(server.baseURL, method, path, body: body, headers: headers)
        }
        let (_, registered) = try await call("POST", "api/v1/auth/register", body: try JSONSerialization.data(withJSONObject: ["username": "cli-user", "email": "cli@example.com", "password": "password-123"]), headers: ["Content-Type": "application/json"])
        let key = try #require(registered["api_key"] as? String)
        for version in ["1.0.0", "1.1.0"] {
            let files = [
                PackageFile(path: "SKILL.md", text: "---\nname: pdf\ndescription: Work with PDF files\nversion: \(version)\ntags: [pdf]\n---\n# PDF \(version)\n"),
                PackageFile(path: "logo.bin", contents: binary),
                PackageFile(path: "run.sh", contents: Array("#!/bin/sh\n".utf8), executable: true),
            ]
            let archive = try PackageArchive.pack(try AssetPackage(files: files, limits: .default))
            let (status, _) = try await call("POST", "api/v1/assets/skill", body: Data(archive), headers: ["Content-Type": "application/gzip", "X-API-Key": key])
            #expect(status == 201)
        }
        return Setup(server: server, home: try TemporaryDirectory(), project: try TemporaryDirectory(), data: data, key: key)
    }

    @Test("config set, get and show; the file is 0600 and the key is masked; bad keys and values are refused")
    func config() async throws {
        let setup = try await Self.setUp()
        defer { Task { try? await setup.stop() } }
        #expect(try await setup.agenthub("config", "set", "client.agent", "kiro").status == 0)
        #expect(try await setup.agenthub("config", "get", "client.agent").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "kiro")
        let file = setup.home.url.appendingPathComponent(".skills-registry/config.toml")
        #expect((try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try await setup.agenthub("config", "set", "registry.api_key", "sr_secretsecretsecret").status == 0)
        let show = try await setup.agenthub("config", "show")
        #expect(!show.stdout.contains(setup.key) && !show.stdout.contains("secretsecret"), "the key is masked")
        #expect(show.stdout.contains(setup.server.baseURL.absoluteString), "the environment overrides the file")
        let badKey = try await setup.agenthub("config", "set", "colour", "blue")
        #expect(badKey.status == 1 && badKey.stderr.contains("unknown key"))
        let badURL = try await setup.agenthub("config", "set", "registry.url", "ftp://x")
        #expect(badURL.status == 1 && badURL.stderr.contains("http(s)"))
        #expect(try await setup.agenthub("config", "set", "client.agent", "emacs").status == 1)
    }

    @Test("find and info: tables, JSON, versions and digests")
    func findAndInfo() async throws {
        let setup = try await Self.setUp()
        defer { Task { try? await setup.stop() } }
        let find = try await setup.agenthub("find", "pdf")
        #expect(find.status == 0)
        #expect(find.stdout.contains("pdf") && find.stdout.contains("1.1.0"))
        let json = try await setup.agenthub("find", "pdf", "--json")
        let page = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((page?["items"] as? [[String: Any]])?.first?["name"] as? String == "pdf")
        #expect(try await setup.agenthub("find", "zzz-nothing").stdout.contains("Nothing found"))
        let info = try await setup.agenthub("info", "pdf")
        #expect(info.status == 0)
        #expect(info.stdout.contains("1.0.0") && info.stdout.contains("sha256:"))
        let missing = try await setup.agenthub("info", "nope")
        #expect(missing.status == 1 && missing.stderr.contains("no skill, agent or tool named 'nope'"))
    }

    @Test("add verifies, caches and links or copies into the agent's folder; list, remove; an exact cached version installs offline")
    func addListRemove() async throws {
        let setup = try await Self.setUp()
        defer { Task { try? await setup.stop() } }
        let added = try await setup.agenthub("add", "pdf")
        #expect(added.status == 0, "\(added.stderr)")
        let installed = setup.project.url.appendingPathComponent(".claude/skills/pdf")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: installed.path)) != nil, "linked into the cache")
        #expect(try Data(contentsOf: installed.appendingPathComponent("logo.bin")) == Data(Self.binary), "binary files arrive byte for byte")
        #expect(FileManager.default.isExecutableFile(atPath: installed.appendingPathComponent("run.sh").path))
        let lock = try JSONSerialization.jsonObject(with: Data(contentsOf: setup.project.url.appendingPathComponent("agenthub.lock"))) as? [String: Any]
        let entry = try #require((lock?["entries"] as? [[String: Any]])?.first)
        #expect(entry["version"] as? String == "1.1.0")
        #expect((entry["digest"] as? String)?.hasPrefix("sha256:") == true)

        let copied = try await setup.agenthub("add", "pdf@1.0.0", "--agent", "kiro", "--copy")
        #expect(copied.status == 0, "\(copied.stderr)")
        let kiro = setup.project.url.appendingPathComponent(".kiro/skills/pdf")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: kiro.path)) == nil && FileManager.default.fileExists(atPath: kiro.appendingPathComponent("SKILL.md").path))
        #expect(try String(contentsOf: kiro.appendingPathComponent("SKILL.md"), encoding: .utf8).contains("version: 1.0.0"))
        #expect(try await setup.agenthub("add", "pdf", "--global", "--agent", "codex").status == 0)
        #expect(FileManager.default.fileExists(atPath: setup.home.url.appendingPathComponent(".agents/skills/pdf/SKILL.md").path))

        let list = try await setup.agenthub("list", "--json")
        #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.count == 2)

        // Someone's own folder is never overwritten.
        try FileManager.default.createDirectory(at: setup.project.url.appendingPathComponent(".cursor/skills/pdf"), withIntermediateDirectories: true)
        let refused = try await setup.agenthub("add", "pdf", "--agent", "cursor")
        #expect(refused.status == 1 && refused.stderr.contains("not installed by agenthub"))

        #expect(try await setup.agenthub("remove", "pdf", "--agent", "kiro").status == 0)
        #expect(!FileManager.default.fileExists(atPath: kiro.path))
        #expect(try await setup.agenthub("remove", "nothing").status == 1)

        // Offline: the server is gone; a cached exact version still installs, anything else explains.
        try await setup.server.stop()
        let offline = try await setup.agenthub("add", "pdf@1.0.0", "--agent", "generic")
        #expect(offline.status == 0, "\(offline.stderr)")
        let unreachable = try await setup.agenthub("add", "pdf@9.9.9")
        #expect(unreachable.status == 1 && unreachable.stderr.contains("cannot reach"))
        #expect(try await setup.agenthub("add", "Bad_Name").status == 1)
    }

    @Test("installs are counted: on the open connection after a download, by a detached helper after a cached add, which never waits for it")
    func installRecords() async throws {
        let setup = try await Self.setUp()
        defer { Task { try? await setup.stop() } }
        func installs() async throws -> Int {
            let (_, body) = try await Self.call(setup.server.baseURL, "GET", "api/v1/assets/skill/pdf", body: nil, headers: [:])
            return (body["asset"] as? [String: Any])?["installs"] as? Int ?? -1
        }
        func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                if try await condition() { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return false
        }
        #expect(try await installs() == 0)
        // A download: the record is sent on the same connection before the command returns.
        #expect(try await setup.agenthub("add", "pdf@1.0.0").status == 0)
        #expect(try await installs() == 1)

        // From the cache, by another user (one user's repeat within a day is not counted again).
        let (_, registered) = try await Self.call(setup.server.baseURL, "POST", "api/v1/auth/register", body: try JSONSerialization.data(withJSONObject: ["username": "second", "email": "second@example.com", "password": "password-123"]), headers: ["Content-Type": "application/json"])
        let other = try #require(registered["api_key"] as? String)
        let cached = try await setup.agenthub(environment: ["SKILLS_REGISTRY_API_KEY": other], ["add", "pdf@1.0.0", "--agent", "kiro"])
        #expect(cached.status == 0, "\(cached.stderr)")
        #expect(try await eventually { try await installs() == 2 }, "the detached helper recorded the cached install")

        // The helper holds none of the command's files: against a registry that takes the request
        // and never answers (the helper waits 30 s), the command's output still ends at once.
        let silent = try SilentServer(recording: true)
        defer { silent.stop() }
        let started = ContinuousClock.now
        let unanswered = try await setup.agenthub(environment: ["SKILLS_REGISTRY_URL": "http://127.0.0.1:\(silent.port)"], ["add", "pdf@1.0.0", "--agent", "cursor"])
        #expect(unanswered.status == 0, "\(unanswered.stderr)")
        #expect(ContinuousClock.now - started < .seconds(15), "the command's output did not wait for the helper")
        #expect(try await eventually { silent.received.contains("POST /api/v1/assets/skill/pdf/installs") })

        // The helper takes only records as agenthub writes them, and is not in the help.
        for bad in ["skill/../1.0.0/claude", "skill/pdf/1.0/claude", "skill/pdf/1.0.0/emacs", "plugin/pdf/1.0.0/claude", "skill/pdf/1.0.0"] {
            let refused = try await setup.agenthub("record-installs", bad)
            #expect(refused.status == 64 && refused.stderr.contains("KIND/NAME/VERSION/AGENT"), "\(bad): \(refused.stderr)")
        }
        #expect(try await setup.agenthub("record-installs").status == 64)
        #expect(try await installs() == 2, "refused records count nothing")
        #expect(!(try await setup.agenthub("--help")).stdout.contains("record-installs"))
    }

    @Test("login creates and stores a key; verify finds edits; install --frozen refuses changes and install restores them")
    func loginVerifyInstall() async throws {
        let setup = try await Self.setUp()
        defer { Task { try? await setup.stop() } }
        var environment = setup.environment
        environment["SKILLS_REGISTRY_API_KEY"] = nil
        let login = try await setup.agenthub(input: "password-123\n", environment: environment, "login", "--email", "cli@example.com")
        #expect(login.status == 0, "\(login.stderr)")
        let config = try String(contentsOf: setup.home.url.appendingPathComponent(".skills-registry/config.toml"), encoding: .utf8)
        #expect(config.contains("sr_"))
        #expect(!config.contains("password-123"))
        let wrong = try await setup.agenthub(input: "wrong-password\n", environment: environment, "login", "--email", "cli@example.com")
        #expect(wrong.status == 1 && wrong.stderr.contains("401"))

        #expect(try await setup.agenthub("add", "pdf", "--copy").status == 0)
        #expect(try await setup.agenthub("verify").status == 0)
        #expect(try await setup.agenthub("install", "--frozen").status == 0)
        let skill = setup.project.url.appendingPathComponent(".claude/skills/pdf/SKILL.md")
        try "edited locally\n".write(to: skill, atomically: true, encoding: .utf8)
        let verify = try await setup.agenthub("verify")
        #expect(verify.status == 1 && verify.stdout.contains("modified"))
        let frozen = try await setup.agenthub("install", "--frozen")
        #expect(frozen.status == 1 && frozen.stderr.contains("would change"))
        #expect(try String(contentsOf: skill, encoding: .utf8) == "edited locally\n", "--frozen changed nothing")
        #expect(try await setup.agenthub("install").status == 0)
        #expect(try String(contentsOf: skill, encoding: .utf8).contains("name: pdf"))
        #expect(try await setup.agenthub("verify").status == 0)
    }

    @Test("publish validates locally, leaves out .git, node_modules and secrets, packs and uploads; --dry-run sends nothing")
    func publish() async throws {
        let setup = try await Self.setUp()
        defer { Task { try? await setup.stop() } }
        let folder = setup.project.url.appendingPathComponent("my-skill")
        for (path, text) in [
            "SKILL.md": "---\nname: my-skill\ndescription: Mine\nversion: 0.1.0\n---\nBody\n",
            "scripts/run.py": "print(1)\n", ".env": "TOKEN=secret\n", "deploy.pem": "-----BEGIN PRIVATE KEY-----\n",
            ".git/config": "[core]\n", "node_modules/x/index.js": "x\n",
        ] {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let dry = try await setup.agenthub("publish", "my-skill", "--dry-run", "--json")
        #expect(dry.status == 0, "\(dry.stderr)")
        let plan = try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any]
        #expect(plan?["files"] as? [String] == ["SKILL.md", "scripts/run.py"])
        #expect((plan?["skipped"] as? [String])?.count == 4)
        #expect(try await setup.agenthub("info", "my-skill").status == 1, "a dry run uploads nothing")

        let published = try await setup.agenthub("publish", "my-skill")
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.contains("published my-skill 0.1.0") || published.stdout.contains("my-skill"))
        #expect(try await setup.agenthub("publish", "my-skill").stdout.contains("nothing changed"))
        let info = try await setup.agenthub("info", "my-skill", "--json")
        #expect(!info.stdout.contains("TOKEN=secret"))

        try "---\nname: Bad Name\ndescription: x\n---\n".write(to: folder.appendingPathComponent("SKILL.md"), atomically: true, encoding: .utf8)
        let bad = try await setup.agenthub("publish", "my-skill")
        #expect(bad.status == 1 && bad.stderr.contains("'name'"))
        #expect(try await setup.agenthub("publish", "no-such-folder").status == 1)
    }
}

