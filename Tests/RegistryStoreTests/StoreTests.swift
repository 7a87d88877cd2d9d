import Foundation
@testable import RegistryStore
import Shared
import Testing
import TestSupport

@Suite("Stores")
struct StoreTests {
    @Test("users: create, find without case, list with escaped search, role and status", arguments: TestDatabases.backends)
    func users(backend: TestBackend) async throws {
        try await TestDatabases.withMigratedDatabase(backend) { registry in
            let users = registry.users
            let alice = try await users.create(NewUser(username: "Alice", email: "Alice@Example.com", displayName: "Alice A.", passwordHash: "h"))
            _ = try await users.create(NewUser(username: "bob_100", email: "bob@example.com", passwordHash: nil))
            _ = try await users.create(NewUser(username: "carol", email: "carol@example.org", passwordHash: nil, role: .admin))

            #expect(try await users.find(email: "alice@EXAMPLE.com")?.id == alice.id)
            #expect(try await users.find(username: "ALICE")?.id == alice.id)
            #expect(try await users.find(id: 424_242) == nil)
            await #expect(throws: UserStore.Failure.usernameTaken) {
                _ = try await users.create(NewUser(username: "alice", email: "new@example.com", passwordHash: nil))
            }
            await #expect(throws: UserStore.Failure.emailTaken) {
                _ = try await users.create(NewUser(username: "alice2", email: "ALICE@example.com", passwordHash: nil))
            }

            let all = try await users.list(PageRequest(page: 1, size: 2))
            #expect(all.total == 3)
            #expect(all.users.map(\.username) == ["Alice", "bob_100"])
            #expect(try await users.list(PageRequest(page: 2, size: 2)).users.map(\.username) == ["carol"])
            #expect(try await users.list(PageRequest(), matching: "example.org").users.map(\.username) == ["carol"])
            // `_` and `%` are literal characters in a search, not wildcards.
            #expect(try await users.list(PageRequest(), matching: "b_1").users.map(\.username) == ["bob_100"])
            #expect(try await users.list(PageRequest(), matching: "%").total == 0)
            #expect(try await users.list(PageRequest(), matching: "_").users.map(\.username) == ["bob_100"])

            #expect(try await users.activeAdminCount() == 1)
            let promoted = try await users.setRole(id: alice.id, role: .admin)
            #expect(promoted?.role == .admin)
            #expect(try await users.activeAdminCount() == 2)
            let disabled = try await users.setActive(id: alice.id, active: false)
            #expect(disabled?.isActive == false)
            #expect(try await users.activeAdminCount() == 1)
            #expect(try await users.setRole(id: 999_999, role: .user) == nil)

            try await users.recordLogin(id: alice.id)
            #expect(try await users.find(id: alice.id)?.lastLoginAt != nil)
        }
    }

    @Test("API keys: found by prefix, revoked per owner, legacy keys revoked together", arguments: TestDatabases.backends)
    func apiKeys(backend: TestBackend) async throws {
        try await TestDatabases.withMigratedDatabase(backend) { registry in
            let owner = try await registry.users.create(NewUser(username: "owner", email: "owner@example.com", passwordHash: nil))
            let other = try await registry.users.create(NewUser(username: "other", email: "other@example.com", passwordHash: nil))
            let keys = registry.apiKeys
            let legacy = try await keys.create(userId: owner.id, name: "default", lookupPrefix: "sr_AAAAAAAAA", keyHash: "h1", isLegacy: true)
            let named = try await keys.create(userId: owner.id, name: "ci", lookupPrefix: "sr_BBBBBBBBB", keyHash: "h2")

            #expect(try await keys.active(lookupPrefix: "sr_BBBBBBBBB").map(\.id) == [named.id])
            #expect(try await keys.active(userId: owner.id).count == 2)
            #expect(try await keys.revoke(id: named.id, userId: other.id) == false, "someone else's key is not revoked")
            #expect(try await keys.revoke(id: named.id, userId: owner.id) == true)
            #expect(try await keys.revoke(id: named.id, userId: owner.id) == false, "revoking twice")
            #expect(try await keys.active(lookupPrefix: "sr_BBBBBBBBB").isEmpty)
            #expect(try await keys.find(id: named.id)?.isRevoked == true)

            #expect(try await keys.revokeLegacy(userId: owner.id) == [legacy.id])
            #expect(try await keys.active(userId: owner.id).isEmpty)
            try await keys.touch(id: legacy.id)
            #expect(try await keys.find(id: legacy.id)?.lastUsedAt != nil)
        }
    }

    @Test("sync diagnostics: written 100 per statement, in order, every field kept; none is nothing", arguments: TestDatabases.backends)
    func syncDiagnostics(backend: TestBackend) async throws {
        try await TestDatabases.withMigratedDatabase(backend) { registry in
            let source = try await registry.sync.createSource(SyncSourceFields(name: "s", url: "https://git.example/r.git", branch: nil, subPath: nil, credentialKind: "none",
                                                                               credentialsCiphertext: nil, intervalSeconds: 3600, enabled: true), ownerId: nil)
            let run = try await registry.sync.startRun(sourceId: source.id, trigger: "manual")
            try await registry.sync.addDiagnostics(runId: run.id, [])
            #expect(try await registry.sync.diagnostics(runId: run.id).isEmpty)
            var written: [NewSyncDiagnostic] = []
            for index in 0..<250 {
                let kind: AssetKind? = index % 2 == 0 ? .skill : nil
                let name: String? = index % 3 == 0 ? "skill-\(index)" : nil
                let severity = index % 5 == 0 ? "error" : "info"
                let at = Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
                written.append(NewSyncDiagnostic(kind: kind, name: name, path: "skills/\(index)", severity: severity, message: "message \(index) ✓", at: at))
            }
            try await registry.sync.addDiagnostics(runId: run.id, written)
            try await registry.sync.addDiagnostic(runId: run.id, path: "last", severity: "warning", message: String(repeating: "x", count: 5000))
            let read = try await registry.sync.diagnostics(runId: run.id)
            #expect(read.count == 251)
            #expect(read.prefix(250).map(\.path) == written.map(\.path))
            #expect(read.prefix(250).map(\.message) == written.map(\.message))
            #expect(read.prefix(250).map(\.assetKind) == written.map(\.kind))
            #expect(read.prefix(250).map(\.assetName) == written.map(\.name))
            #expect(read.prefix(250).map(\.severity) == written.map(\.severity))
            #expect(read.prefix(250).map(\.createdAt) == written.map(\.createdAt))
            #expect(read.last?.message.count == 4000, "messages are cut at 4,000 characters")
            #expect(Set(read.map(\.runId)) == [run.id])
        }
    }

    @Test("assets: which names are taken, per kind, over more than one chunk, by a seek on (kind, name)", arguments: TestDatabases.backends)
    func existingNames(backend: TestBackend) async throws {
        try await TestDatabases.withMigratedDatabase(backend) { registry in
            let owner = try await registry.users.create(NewUser(username: "owner", email: "owner@example.com", passwordHash: nil))
            // 250 skills and 3 agents taken; one agent shares a skill's name.
            let taken = (0..<250).map { NewAsset(kind: .skill, name: "taken-\($0)", description: "", ownerId: owner.id, origin: .sync, syncSourceId: nil) }
                + ["taken-7", "helper", "reviewer"].map { NewAsset(kind: .agent, name: $0, description: "", ownerId: owner.id, origin: .upload, syncSourceId: nil) }
            _ = try await registry.transaction { try await $0.assets.insert(taken) }
            let asked = (0..<300).map { NewAsset.Key(kind: .skill, name: $0 % 2 == 0 ? "taken-\($0)" : "free-\($0)") }
                + [NewAsset.Key(kind: .agent, name: "taken-7"), NewAsset.Key(kind: .agent, name: "taken-8"), NewAsset.Key(kind: .tool, name: "helper"),
                   NewAsset.Key(kind: .agent, name: "reviewer"), NewAsset.Key(kind: .skill, name: "taken-0")]
            let expected = Set((0..<250).filter { $0 % 2 == 0 }.map { NewAsset.Key(kind: .skill, name: "taken-\($0)") })
                .union([NewAsset.Key(kind: .agent, name: "taken-7"), NewAsset.Key(kind: .agent, name: "reviewer")])
            #expect(try await registry.assets.existing(asked) == expected)
            #expect(try await registry.assets.existing([]).isEmpty)

            // The statement seeks the unique index: by name alone it read every asset.
            let names = ["taken-1", "taken-2"]
            if backend == .sqlite {
                let plan = try await registry.database.query("EXPLAIN QUERY PLAN " + AssetStore.existingSQL(names: names.count), [.text("skill")] + names.map(SQLValue.text))
                let details = try plan.map { try $0.string("detail") }
                #expect(details.contains { $0.contains("SEARCH assets USING COVERING INDEX") && $0.contains("kind=? AND name=?") }, "plan: \(details)")
                #expect(!details.contains { $0.hasPrefix("SCAN") }, "plan: \(details)")
            }
        }
    }

    @Test("audit log: newest first, paged, filtered by action", arguments: TestDatabases.backends)
    func audit(backend: TestBackend) async throws {
        try await TestDatabases.withMigratedDatabase(backend) { registry in
            for index in 0..<5 {
                try await registry.audit.record(AuditEvent(actorUserId: nil, actor: "system", action: index.isMultiple(of: 2) ? "a.even" : "a.odd", targetId: String(index), detail: "{\"i\":\(index)}"))
            }
            let page = try await registry.audit.list(PageRequest(page: 1, size: 2))
            #expect(page.total == 5)
            #expect(page.records.map(\.event.targetId) == ["4", "3"])
            let odd = try await registry.audit.list(PageRequest(), action: "a.odd")
            #expect(odd.records.map(\.event.targetId) == ["3", "1"])
        }
    }

    @Test("SQLite: the folder is created, WAL and foreign keys are on, with a busy timeout and temporary storage in memory")
    func sqlitePragmas() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("nested/deeper/agenthub.db").path
        let database = try await SQLiteDatabase.open(path: path, logger: TestDatabases.logger)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try await database.first("PRAGMA journal_mode", [])?.string("journal_mode") == "wal")
        // Pragmas are per connection: check one inside a transaction (the writer) and one outside (a reader).
        let writerForeignKeys = try await database.transaction { try await $0.first("PRAGMA foreign_keys", [])?.int("foreign_keys") }
        #expect(writerForeignKeys == 1)
        #expect(try await database.first("SELECT 1 AS one", [])?.int("one") == 1)
        let busy = try await database.transaction { try await $0.first("PRAGMA busy_timeout", [])?.int("timeout") }
        #expect((busy ?? 0) >= 1000)
        // Statement journals and temporary tables in memory (2), on the writer and on a reader: a
        // multi-row INSERT inside a sync's transaction journals every page it changes, and on disk
        // that was thousands of writes to /var/tmp per first sync.
        let writerTempStore = try await database.transaction { try await $0.first("PRAGMA temp_store", [])?.int("temp_store") }
        #expect(writerTempStore == 2)
        #expect(try await database.first("PRAGMA temp_store", [])?.int("temp_store") == 2)
        await database.close()
    }

    @Test("SQLite: concurrent writers are serialised, readers see committed data")
    func sqliteConcurrency() async throws {
        try await TestDatabases.withMigratedDatabase(.sqlite) { registry in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        _ = try await registry.users.create(NewUser(username: "user\(index)", email: "user\(index)@example.com", passwordHash: nil))
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await registry.users.count() == 40)
        }
    }

    @Test("DATABASE_URL forms are parsed; bad ones are refused with a hint; passwords never shown")
    func databaseURLs() throws {
        #expect(try DatabaseURL("sqlite:///var/lib/agenthub/a.db") == .sqlite(path: "/var/lib/agenthub/a.db"))
        #expect(try DatabaseURL("sqlite://data/a.db") == .sqlite(path: "data/a.db"))
        #expect(try DatabaseURL("sqlite::memory:") == .sqliteMemory)
        let postgres = try DatabaseURL("postgresql://agent:s3cr%40t@db.internal:6543/registry?sslmode=disable")
        guard case .postgres(let url) = postgres else {
            Issue.record("not parsed as PostgreSQL")
            return
        }
        #expect(url.host == "db.internal")
        #expect(url.port == 6543)
        #expect(url.username == "agent")
        #expect(url.password == "s3cr@t")
        #expect(url.database == "registry")
        #expect(url.sslMode == .disable)
        #expect(!postgres.redacted.contains("s3cr"))
        #expect(try DatabaseURL("postgres://u@h/d") .dialect == .postgres)

        for bad in ["mysql://u:p@h/d", "postgres://h/d", "postgres://u@h", "postgres://u@h/d?sslmode=bogus", "sqlite://", "http://x"] {
            #expect(throws: DatabaseError.self, "\(bad)") { try DatabaseURL(bad) }
        }
        do {
            _ = try DatabaseURL("mysql://user:hunter2@h/d")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
            #expect("\(error)".contains("postgres://"))
        }
    }

    @Test("PostgreSQL placeholders are numbered outside quotes and comments")
    func placeholders() {
        #expect(PostgresDatabase.numberPlaceholders("SELECT ? , '?', \"a?\" -- ?\n, ?") == "SELECT $1 , '?', \"a?\" -- ?\n, $2")
    }
}
