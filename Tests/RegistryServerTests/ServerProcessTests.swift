import Foundation
import RegistryStore
import Testing
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `agenthub-server` as people run it: a real process, real HTTP on 127.0.0.1, SIGTERM.
@Suite("agenthub-server process")
struct ServerProcessTests {
    struct HTTPReply {
        let status: Int
        let json: [String: Any]
    }

    static func call(_ server: ServerProcess, _ method: String, _ path: String, json: [String: Any]? = nil, headers: [String: String] = [:]) async throws -> HTTPReply {
        var request = URLRequest(url: server.baseURL.appendingPathComponent(path))
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return HTTPReply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, json: object)
    }

    static func serverEnvironment(_ url: DatabaseURL, data: URL, extra: [String: String] = [:]) -> [String: String] {
        ["DATA_DIR": data.path, "DATABASE_URL": url.connectionString, "BCRYPT_COST": "4", "LOG_LEVEL": "warning", "ADMIN_PASSWORD": "admin-password-1"].merging(extra) { $1 }
    }

    @Test("serve, register, log in, create a key, /users/me with X-API-Key; SIGTERM exits 0; a restart keeps the data", arguments: TestDatabases.backends)
    func lifecycle(backend: TestBackend) async throws {
        try await TestDatabases.withDatabaseURL(backend) { url in
            let data = try TemporaryDirectory()
            defer { data.remove() }
            let environment = Self.serverEnvironment(url, data: data.url, extra: ["AUTO_MIGRATE": "true"])

            let first = try await ServerProcess.start(environment: environment)
            #expect(try await Self.call(first, "GET", "health").json["status"] as? String == "ok")
            let registered = try await Self.call(first, "POST", "api/v1/auth/register", json: ["username": "river", "email": "river@example.com", "password": "password-123"])
            #expect(registered.status == 201)
            let login = try await Self.call(first, "POST", "api/v1/auth/login", json: ["email": "river@example.com", "password": "password-123"])
            let token = try #require(login.json["token"] as? String)
            let created = try await Self.call(first, "POST", "api/v1/users/me/api-keys", json: ["name": "laptop"], headers: ["Authorization": "Bearer \(token)"])
            #expect(created.status == 201)
            let key = try #require(created.json["api_key"] as? String)
            let me = try await Self.call(first, "GET", "api/v1/users/me", headers: ["X-API-Key": key])
            #expect(me.json["username"] as? String == "river")
            #expect(try await first.stop(signal: SIGTERM) == 0, "a clean shutdown on SIGTERM")
            #expect(!first.stderr.current.contains(key), "the key is never logged")
            #expect(!first.stderr.current.contains("password-123"))

            let second = try await ServerProcess.start(environment: environment)
            #expect(try await Self.call(second, "GET", "api/v1/users/me", headers: ["X-API-Key": key]).json["username"] as? String == "river")
            #expect(try await Self.call(second, "POST", "api/v1/auth/login", json: ["email": "river@example.com", "password": "password-123"]).status == 200)
            #expect(try await Self.call(second, "GET", "ready").status == 200)
            #expect(try await second.stop() == 0)
        }
    }

    @Test("PostgreSQL: serve refuses pending migrations; migrate status, up and down work from the command line")
    func migrateCommands() async throws {
        guard TestDatabases.backends.contains(.postgres) else { return }
        try await TestDatabases.withDatabaseURL(.postgres) { url in
            let data = try TemporaryDirectory()
            defer { data.remove() }
            let environment = Self.serverEnvironment(url, data: data.url)

            let refused = try await runProduct("agenthub-server", ["serve"], environment: environment.merging(["PORT": "0"]) { $1 })
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("agenthub-server migrate up"))
            #expect(!refused.stderr.contains("password"), "\(refused.stderr)")

            let pending = try await runProduct("agenthub-server", ["migrate", "status"], environment: environment)
            #expect(pending.status == 3)
            #expect(pending.stdout.contains("pending"))
            let up = try await runProduct("agenthub-server", ["migrate", "up"], environment: environment)
            #expect(up.status == 0)
            #expect(up.stdout.contains("applied 0001_initial"))
            let status = try await runProduct("agenthub-server", ["migrate", "status", "--json"], environment: environment)
            #expect(status.status == 0)
            let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            #expect((json?["current"] as? Int ?? 0) >= 1)

            let server = try await ServerProcess.start(environment: environment)
            #expect(try await Self.call(server, "GET", "ready").status == 200)
            #expect(try await server.stop() == 0)

            let down = try await runProduct("agenthub-server", ["migrate", "down", "1"], environment: environment)
            #expect(down.status == 0)
            #expect(down.stdout.contains("reverted"))
            #expect(try await runProduct("agenthub-server", ["migrate", "down", "0"], environment: environment).status != 0)
        }
    }

    @Test("SQLite: migrate status, up and down from the command line")
    func sqliteMigrateCommands() async throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let environment = Self.serverEnvironment(.sqlite(path: data.url.appendingPathComponent("db/agenthub.db").path), data: data.url)
        let pending = try await runProduct("agenthub-server", ["migrate", "status"], environment: environment)
        #expect(pending.status == 3)
        #expect(pending.stdout.contains("0001_initial  pending"))
        let up = try await runProduct("agenthub-server", ["migrate", "up"], environment: environment)
        #expect(up.status == 0)
        #expect(try await runProduct("agenthub-server", ["migrate", "up"], environment: environment).stdout.contains("up to date"))
        #expect(try await runProduct("agenthub-server", ["migrate", "status"], environment: environment).status == 0)
        let down = try await runProduct("agenthub-server", ["migrate", "down"], environment: environment)
        #expect(down.status == 0)
        #expect(down.stdout.contains("reverted 0003_drop_unused_indexes"), "down reverts the newest migration only")
        let broken = try await runProduct("agenthub-server", ["migrate", "status"], environment: environment.merging(["MIGRATIONS_DIR": "/nonexistent/migrations"]) { $1 })
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("MIGRATIONS_DIR"))
    }

    @Test("sync --once exits 0 after a good sync and 1 with the error after a failed one")
    func syncOnce() async throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("once", files: ["skills/once/SKILL.md": "---\nname: once\ndescription: d\n---\n"])
        let environment = Self.serverEnvironment(.sqlite(path: data.url.appendingPathComponent("agenthub.db").path), data: data.url, extra: ["SYNC_ALLOW_FILE_URLS": "true", "ADMIN_API_KEY": "once-admin-key-0123456789abcdefghijklmn"])
        // A source is added through the API of a running server, as an admin would.
        let server = try await ServerProcess.start(environment: environment)
        let added = try await Self.call(server, "POST", "api/v1/admin/sync-sources", json: ["name": "once", "url": fixture.fileURL("once")], headers: ["X-API-Key": "once-admin-key-0123456789abcdefghijklmn"])
        #expect(added.status == 201)
        #expect(try await server.stop() == 0)

        let ok = try await runProduct("agenthub-server", ["sync", "--once"], environment: environment)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("succeeded"))
        #expect(ok.stdout.contains("1 new"))
        let json = try await runProduct("agenthub-server", ["sync", "--once", "--json"], environment: environment)
        #expect(json.status == 0)
        #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])?.first?["unchanged"] as? Int == 1)

        try FileManager.default.removeItem(at: fixture.served.appendingPathComponent("once.git"))
        let failed = try await runProduct("agenthub-server", ["sync", "--once"], environment: environment)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("sync failed"))
        #expect(try await runProduct("agenthub-server", ["sync", "--once", "--source", "99"], environment: environment).status == 1)
        #expect(try await runProduct("agenthub-server", ["sync"], environment: environment).status != 0, "--once is required")
    }

    @Test("SYNC_ENABLED: the server syncs due sources on its own")
    func scheduler() async throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("scheduled", files: ["skills/scheduled/SKILL.md": "---\nname: scheduled\ndescription: d\n---\n"])
        let key = "scheduler-admin-key-0123456789abcdefghij"
        let environment = Self.serverEnvironment(.sqlite(path: data.url.appendingPathComponent("agenthub.db").path), data: data.url, extra: ["SYNC_ALLOW_FILE_URLS": "true", "ADMIN_API_KEY": key, "SYNC_ENABLED": "true", "SYNC_INTERVAL": "1"])
        let server = try await ServerProcess.start(environment: environment)
        #expect(try await Self.call(server, "POST", "api/v1/admin/sync-sources", json: ["url": fixture.fileURL("scheduled")], headers: ["X-API-Key": key]).status == 201)
        var found = false
        for _ in 0..<100 where !found {
            found = try await Self.call(server, "GET", "api/v1/assets/skill/scheduled").status == 200
            if !found { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(found, "the scheduler synced the new source")
        #expect(try await server.stop() == 0, "and stops cleanly with the scheduler running")
    }

    @Test("PostgreSQL: two sync processes at once never sync the same source together")
    func twoWorkers() async throws {
        guard TestDatabases.backends.contains(.postgres) else { return }
        try await TestDatabases.withDatabaseURL(.postgres) { url in
            let data = try TemporaryDirectory()
            defer { data.remove() }
            let fixture = try GitFixture()
            defer { fixture.remove() }
            var files: [String: String] = [:]
            for index in 0..<40 { files["skills/s\(index)/SKILL.md"] = "---\nname: s\(index)\ndescription: skill \(index)\n---\n" }
            try fixture.repository("shared", files: files)
            let key = "two-workers-admin-key-0123456789abcdefgh"
            let environment = Self.serverEnvironment(url, data: data.url, extra: ["SYNC_ALLOW_FILE_URLS": "true", "ADMIN_API_KEY": key, "AUTO_MIGRATE": "true"])
            let server = try await ServerProcess.start(environment: environment)
            #expect(try await Self.call(server, "POST", "api/v1/admin/sync-sources", json: ["url": fixture.fileURL("shared")], headers: ["X-API-Key": key]).status == 201)
            #expect(try await server.stop() == 0)
            // Each process has its own data folder (own clones), as two servers would.
            let other = try TemporaryDirectory()
            defer { other.remove() }
            async let first = runProduct("agenthub-server", ["sync", "--once", "--json"], environment: environment)
            async let second = runProduct("agenthub-server", ["sync", "--once", "--json"], environment: environment.merging(["DATA_DIR": other.url.path]) { $1 })
            let results = try await [first, second]
            #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
            let runs = results.compactMap { try? JSONSerialization.jsonObject(with: Data($0.stdout.utf8)) as? [[String: Any]] }.flatMap { $0 }
            #expect(runs.count == 2)
            #expect(runs.reduce(0) { $0 + ($1["created"] as? Int ?? 0) } == 40, "the skills were created once: \(runs)")
            try await TestDatabases.withOpened(url) { (registry: RegistryDatabase, _: MigrationRunner) async throws in
                let rows = try await registry.database.query("SELECT started_at, finished_at, error FROM sync_runs ORDER BY started_at", [])
                let working = try rows.filter { $0.optionalString("error")?.hasPrefix("skipped") != true }.map { (try $0.date("started_at"), try $0.date("finished_at")) }
                for (index, run) in working.enumerated() where index > 0 {
                    #expect(run.0 >= working[index - 1].1, "runs that did work never overlapped")
                }
                #expect(try await registry.database.first("SELECT COUNT(*) AS n FROM asset_versions", [])?.int("n") == 40)
            }
        }
    }

    @Test("PostgreSQL: two servers on different ports serve the same data, and a due source is synced by one of them once")
    func twoServers() async throws {
        guard TestDatabases.backends.contains(.postgres) else { return }
        try await TestDatabases.withDatabaseURL(.postgres) { url in
            let fixture = try GitFixture()
            defer { fixture.remove() }
            var files: [String: String] = [:]
            for index in 0..<20 { files["skills/t\(index)/SKILL.md"] = "---\nname: t\(index)\ndescription: skill \(index)\n---\n" }
            try fixture.repository("replicated", files: files)
            let key = "two-servers-admin-key-0123456789abcdefgh"
            let first = try TemporaryDirectory(), second = try TemporaryDirectory()
            defer { first.remove(); second.remove() }
            // One SECRET_KEY for both, as replicas share it; each has its own data folder.
            let shared = ["SYNC_ALLOW_FILE_URLS": "true", "ADMIN_API_KEY": key, "AUTO_MIGRATE": "true", "SECRET_KEY": "replicas-share-this-secret-0123456789abcdef", "SYNC_ENABLED": "true", "SYNC_INTERVAL": "1"]
            let a = try await ServerProcess.start(environment: Self.serverEnvironment(url, data: first.url, extra: shared))
            let b = try await ServerProcess.start(environment: Self.serverEnvironment(url, data: second.url, extra: shared))
            #expect(a.port != b.port)

            // Registered on one, logged in and publishing on the other, read back on the first.
            let registered = try await Self.call(a, "POST", "api/v1/auth/register", json: ["username": "replica-user", "email": "replica@example.com", "password": "password-123"])
            #expect(registered.status == 201)
            let token = try #require(registered.json["token"] as? String)
            #expect(try await Self.call(b, "GET", "api/v1/users/me", headers: ["Authorization": "Bearer \(token)"]).status == 200, "a token from one replica works on the other")
            let published = try await Self.call(b, "POST", "api/v1/assets/skill", json: ["files": ["SKILL.md": "---\nname: shared-skill\ndescription: d\nversion: 1.0.0\n---\n"]], headers: ["Authorization": "Bearer \(token)"])
            #expect(published.status == 201)
            #expect(try await Self.call(a, "GET", "api/v1/assets/skill/shared-skill").status == 200)

            // Both schedulers look every second; the source is due once (its interval is an hour).
            #expect(try await Self.call(a, "POST", "api/v1/admin/sync-sources", json: ["url": fixture.fileURL("replicated")], headers: ["X-API-Key": key]).status == 201)
            var synced = false
            for _ in 0..<100 where !synced {
                let onB = try await Self.call(b, "GET", "api/v1/assets/skill/t19").status
                let onA = try await Self.call(a, "GET", "api/v1/assets/skill/t0").status
                synced = onA == 200 && onB == 200
                if !synced { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(synced, "the scheduled sync ran and both servers see its assets")
            try await Task.sleep(for: .seconds(3))
            #expect(try await a.stop() == 0)
            #expect(try await b.stop() == 0)
            try await TestDatabases.withOpened(url) { (registry: RegistryDatabase, _: MigrationRunner) async throws in
                let runs = try await registry.database.query("SELECT status, error FROM sync_runs", [])
                let working = runs.filter { $0.optionalString("error")?.hasPrefix("skipped") != true }
                #expect(working.count == 1, "one scheduled run did the work: \(runs.map { $0.values })")
                #expect(try await registry.database.first("SELECT COUNT(*) AS n FROM asset_versions", [])?.int("n") == 21)
            }
        }
    }

    @Test("bad configuration exits 2 with the variable's name")
    func badConfiguration() async throws {
        let result = try await runProduct("agenthub-server", ["serve"], environment: ["PORT": "not-a-port"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("PORT"))
    }

    @Test("env-doc prints the variables table")
    func envDoc() async throws {
        let result = try await runProduct("agenthub-server", ["env-doc"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("| `DATABASE_URL` |"))
        #expect(try await runProduct("agenthub-server", ["--version"]).stdout.contains("."))
    }
}
