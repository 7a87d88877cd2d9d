import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
@testable import RegistryServer
@testable import RegistryStore
import Shared
import SyncWorker
import Testing
import TestSupport

/// `agenthub-server db-copy` and `backup`, run as the real binary.
@Suite("Operations: db-copy and backup")
struct DatabaseCopyTests {
    static let binary: [UInt8] = (0..<4096).map { UInt8(($0 * 7 + 3) % 256) }

    /// A registry with something in every table.
    static func populate(_ app: TestApp, fixture: GitFixture) async throws {
        let owner = try await app.register("copy-owner", password: "owner-password-1")
        let reader = try await app.register("copy-reader")
        #expect(try await app.publishArchive(.skill, TestApp.skill("pdf", version: "1.0.0", tags: ["pdf", "docs"], extra: [PackageFile(path: "logo.bin", contents: binary)]), key: owner.apiKey).status == .created)
        #expect(try await app.publishArchive(.skill, TestApp.skill("pdf", version: "1.1.0", tags: ["pdf", "docs"]), key: owner.apiKey).status == .created)
        #expect(try await app.publishArchive(.tool, [PackageFile(path: "mcp.json", text: #"{"name": "gh", "description": "GitHub", "command": "npx", "env": {"TOKEN": "x"}}"#)], key: owner.apiKey).status == .created)
        #expect(try await app.publishArchive(.agent, [PackageFile(path: "AGENT.md", text: "---\nname: reviewer\ndescription: Reviews\nskills: [pdf]\nmcps: [gh]\n---\nPrompt\n")], key: owner.apiKey).status == .created)
        #expect(try await app.request(.post, "/api/v1/assets/skill/pdf/versions/1.0.0/yank", auth: .apiKey(owner.apiKey), json: ["reason": "old"]).status == .ok)
        #expect(try await app.request(.post, "/api/v1/assets/skill/pdf/installs", auth: .apiKey(reader.apiKey), json: ["version": "1.1.0", "agent_type": "claude"]).status.code < 300)
        let source = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "team", "url": fixture.fileURL("team"), "token": "sealed-token-value"])
        #expect(source.status == .created)
        _ = try await SyncTests.syncNow(app, source: try #require(source.json["id"] as? Int))
    }

    /// Every row of every table, values normalised across backends (dates to milliseconds, booleans to 0/1).
    static func dump(_ database: any Database) async throws -> [String: [[String]]] {
        var result: [String: [[String]]] = [:]
        for (table, key) in RegistryCopier.tables {
            let columns = try await RegistryCopier.columns(table, in: database).keys.filter { !RegistryCopier.derived($0) }.sorted()
            result[table] = try await database.query("SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(key)", []).map { row in
                columns.map { column in
                    switch row[column] {
                    case .null: "null"
                    case .int(let value): String(value)
                    case .double(let value): String(value)
                    case .bool(let value): value ? "1" : "0"
                    case .blob(let bytes): "blob:" + SHA256Hex.hex(bytes)
                    case .date(let date): "date:" + String(Int64((date.timeIntervalSince1970 * 1000).rounded()))
                    case .text(let text): column.hasSuffix("_at") ? SQLTimestamp.parse(text).map { "date:" + String(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? text : text
                    }
                }
            }
        }
        return result
    }

    /// Table by table, row by row: every row arrives unchanged.
    static func compare(_ copied: [String: [[String]]], _ original: [String: [[String]]]) {
        #expect(copied.keys.sorted() == original.keys.sorted())
        for (table, rows) in original {
            let other = copied[table] ?? []
            #expect(other.count == rows.count, "\(table): \(other.count) rows, expected \(rows.count)")
            for (index, row) in rows.enumerated() where index < other.count && other[index] != row {
                Issue.record("\(table) row \(index): \(other[index]) instead of \(row)")
            }
        }
    }

    @Test("a populated SQLite registry copied into an empty database (PostgreSQL in CI) and back is the same, row for row, and serves", arguments: TestDatabases.backends)
    func roundTrip(backend: TestBackend) async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("team", files: ["a/SKILL.md": "---\nname: synced-skill\ndescription: From git\n---\n", "b/SKILL.md": "---\nname: [broken\n---\n"])
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let sourceURL = DatabaseURL.sqlite(path: data.url.appendingPathComponent("source.db").path)
        try await TestApp.run(url: sourceURL, dataDirectory: data.url, environment: ["SYNC_ALLOW_FILE_URLS": "true"]) { (app: TestApp) async throws in
            try await Self.populate(app, fixture: fixture)
        }
        let original = try await TestDatabases.withOpened(sourceURL) { registry, _ in try await Self.dump(registry.database) }
        #expect((original["blobs"]?.count ?? 0) >= 3 && (original["sync_diagnostics"]?.count ?? 0) >= 2 && (original["install_events"]?.count ?? 0) == 1)

        try await TestDatabases.withDatabaseURL(backend) { targetURL in
            let copy = try await runProduct("agenthub-server", ["db-copy", "--from", sourceURL.connectionString, "--to", targetURL.connectionString, "--json"], environment: ["LOG_LEVEL": "error"])
            #expect(copy.status == 0, "\(copy.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(copy.stdout.utf8)) as? [String: Any])
            #expect(report["versions_verified"] as? Int == original["asset_versions"]?.count)
            Self.compare(try await TestDatabases.withOpened(targetURL) { registry, _ in try await Self.dump(registry.database) }, original)
            if case .postgres = targetURL {
                // The copied tables have statistics at once: a table never analyzed (nor vacuumed)
                // has reltuples -1, and these few rows are below autovacuum's threshold.
                let unanalyzed = try await TestDatabases.withOpened(targetURL) { registry, _ in
                    try await registry.database.query("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND reltuples < 0 ORDER BY relname", []).map { try $0.string("relname") }
                }
                #expect(unanalyzed.filter { name in RegistryCopier.tables.contains { $0.name == name } }.isEmpty, "not analyzed: \(unanalyzed)")
            }

            // Copying again into the now full target is refused and changes nothing.
            let again = try await runProduct("agenthub-server", ["db-copy", "--from", sourceURL.connectionString, "--to", targetURL.connectionString], environment: ["LOG_LEVEL": "error"])
            #expect(again.status == 1 && again.stderr.contains("not empty"))

            // The copy serves: passwords, keys, packages, search, sealed credentials, new ids.
            try await TestApp.run(url: targetURL, dataDirectory: data.url) { (app: TestApp) async throws in
                let login = try await app.request(.post, "/api/v1/auth/login", json: ["email": "copy-owner@example.com", "password": "owner-password-1"])
                #expect(login.status == .ok)
                let download = try await app.request(.get, "/api/v1/assets/skill/pdf/versions/1.0.0/download")
                let package = try PackageArchive.unpack(Array(download.body), limits: .default)
                #expect(package.file("logo.bin")?.contents == Self.binary && download.headers[HTTPField.Name("X-AgentHub-Digest")!] == package.digest)
                #expect((try await app.request(.get, "/api/v1/assets?q=pdf").json["items"] as? [[String: Any]])?.first?["name"] as? String == "pdf", "the search index was rebuilt")
                let source = try #require(try await app.services.registry.sync.sources().first)
                guard case .token(_, let token) = try app.services.sealer.open(try #require(source.credentialsCiphertext)) else { throw TestFailure("the sealed token did not open") }
                #expect(token == "sealed-token-value")
                let user = try await app.register("after-copy")
                #expect(user.id > 3, "new rows get new ids")
            }

            // And back into a fresh SQLite file: the round trip ends where it started.
            let back = data.url.appendingPathComponent("back.db").path
            let returned = try await runProduct("agenthub-server", ["db-copy", "--from", targetURL.connectionString, "--to", "sqlite://\(back)"], environment: ["LOG_LEVEL": "error"])
            #expect(returned.status == 0, "\(returned.stderr)")
            let expected = try await TestDatabases.withOpened(targetURL) { registry, _ in try await Self.dump(registry.database) }
            Self.compare(try await TestDatabases.withOpened(.sqlite(path: back)) { registry, _ in try await Self.dump(registry.database) }, expected)
        }
    }

    @Test("backup writes a consistent, checked snapshot while the server serves and publishes; an existing file is refused")
    func backup() async throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let server = try await ServerProcess.start(environment: ["DATA_DIR": data.url.path, "BCRYPT_COST": "4", "ADMIN_PASSWORD": "admin-password-1", "LOG_LEVEL": "error"])
        let registered = try await httpJSON(server.baseURL, "POST", "api/v1/auth/register", body: try jsonBody(["username": "backup-user", "email": "backup@example.com", "password": "password-123"]))
        let key = try #require(registered.json["api_key"] as? String)
        func publish(_ version: Int) async throws -> Int {
            let archive = Data(try PackageArchive.pack(try AssetPackage(files: TestApp.skill("busy", version: "1.0.\(version)"), limits: .default)))
            return try await httpJSON(server.baseURL, "POST", "api/v1/assets/skill", body: archive, contentType: "application/gzip", headers: ["X-API-Key": key]).status
        }
        #expect(try await publish(0) == 201)
        // Publishes keep going while the snapshot is taken.
        let writer = Task { for version in 1...30 { _ = try await publish(version) } }
        let snapshot = data.url.appendingPathComponent("backups/snapshot.db")
        let backup = try await runProduct("agenthub-server", ["backup", snapshot.path], environment: ["DATA_DIR": data.url.path, "LOG_LEVEL": "error"])
        try await writer.value
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("integrity ok"))
        let refused = try await runProduct("agenthub-server", ["backup", snapshot.path], environment: ["DATA_DIR": data.url.path, "LOG_LEVEL": "error"])
        #expect(refused.status == 1 && refused.stderr.contains("already exists"))
        _ = try await server.stop()

        // The snapshot is a whole registry: a prefix of the publishes, each complete.
        try await TestApp.run(url: .sqlite(path: snapshot.path), dataDirectory: data.url) { (app: TestApp) async throws in
            let detail = try await app.request(.get, "/api/v1/assets/skill/busy")
            let versions = try #require(detail.json["versions"] as? [[String: Any]])
            #expect(!versions.isEmpty && versions.count <= 31)
            for version in versions {
                let number = try #require(version["version"] as? String)
                let download = try await app.request(.get, "/api/v1/assets/skill/busy/versions/\(number)/download")
                #expect(download.status == .ok && download.headers[HTTPField.Name("X-AgentHub-Digest")!] == version["digest"] as? String)
            }
        }
        let postgres = try await runProduct("agenthub-server", ["backup", data.url.appendingPathComponent("x.db").path], environment: ["DATABASE_URL": "postgres://u:p@127.0.0.1:1/db", "LOG_LEVEL": "error"])
        #expect(postgres.status == 1 && postgres.stderr.contains("pg_dump"))
    }
}
