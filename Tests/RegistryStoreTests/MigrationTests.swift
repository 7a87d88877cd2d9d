import Foundation
import Logging
import RegistryStore
import Testing
import TestSupport

@Suite("Migrations")
struct MigrationTests {
    static let allTables: Set<String> = [
        "users", "api_keys", "assets", "asset_versions", "blobs", "version_files", "asset_tags",
        "asset_references", "install_events", "sync_sources", "sync_runs", "sync_diagnostics", "audit_log",
    ]

    static func tables(_ database: any Database) async throws -> Set<String> {
        try await names(database, sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                        postgres: "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()")
    }

    static func indexes(_ database: any Database) async throws -> Set<String> {
        try await names(database, sqlite: "SELECT name FROM sqlite_master WHERE type = 'index'",
                        postgres: "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()")
    }

    private static func names(_ database: any Database, sqlite: String, postgres: String) async throws -> Set<String> {
        let sql = switch database.dialect {
        case .sqlite: sqlite
        case .postgres: postgres
        }
        return Set(try await database.query(sql, []).map { try $0.string("name") })
    }

    @Test("every migration goes up, down and up again", arguments: TestDatabases.backends)
    func upDownUp(backend: TestBackend) async throws {
        try await TestDatabases.withDatabaseURL(backend) { url in
            try await TestDatabases.withOpened(url) { registry, runner in
                #expect(!runner.migrations.isEmpty)

                let before = try await runner.status()
                #expect(before.applied.isEmpty)
                #expect(before.pending.count == runner.migrations.count)

                let applied = try await runner.up()
                #expect(applied.map(\.version) == runner.migrations.map(\.version))
                #expect(try await Self.tables(registry.database).isSuperset(of: Self.allTables))
                let up = try await runner.status()
                #expect(up.isUpToDate)
                #expect(up.currentVersion == runner.migrations.count)

                // Each one down, newest first, then all up again.
                for expected in runner.migrations.reversed() {
                    let reverted = try await runner.down(steps: 1)
                    #expect(reverted.map(\.version) == [expected.version])
                }
                #expect(try await Self.tables(registry.database).intersection(Self.allTables).isEmpty)
                #expect(try await runner.status().currentVersion == 0)
                #expect(try await runner.down(steps: 1).isEmpty)

                try await runner.up()
                #expect(try await Self.tables(registry.database).isSuperset(of: Self.allTables))
                #expect(try await runner.up().isEmpty, "a second up applies nothing")
            }
        }
    }

    @Test("up --to stops at a version and down N reverts N", arguments: TestDatabases.backends)
    func partial(backend: TestBackend) async throws {
        try await TestDatabases.withDatabaseURL(backend) { url in
            try await TestDatabases.withOpened(url) { registry, runner in
                try await runner.up(to: 1)
                #expect(try await runner.status().currentVersion == 1)
                try await runner.up()
                let reverted = try await runner.down(steps: runner.migrations.count + 5)
                #expect(reverted.count == runner.migrations.count)
            }
        }
    }

    @Test("0003 drops the two SHA-256 indexes no query reads, and down brings them back", arguments: TestDatabases.backends)
    func unusedIndexesDropped(backend: TestBackend) async throws {
        let dropped: Set = ["asset_versions_digest_idx", "version_files_sha256_idx"]
        try await TestDatabases.withDatabaseURL(backend) { url in
            try await TestDatabases.withOpened(url) { registry, runner in
                try await runner.up(to: 2)
                let before = try await Self.indexes(registry.database)
                #expect(before.isSuperset(of: dropped))
                try await runner.up(to: 3)
                let after = try await Self.indexes(registry.database)
                #expect(after.isDisjoint(with: dropped))
                #expect(after == before.subtracting(dropped), "nothing else is dropped")
                #expect(try await runner.down(steps: 1).map(\.version) == [3])
                #expect(try await Self.indexes(registry.database) == before)
            }
        }
    }

    @Test("an applied migration that was edited is refused", arguments: TestDatabases.backends)
    func editedMigrationRefused(backend: TestBackend) async throws {
        try await TestDatabases.withDatabaseURL(backend) { url in
            try await TestDatabases.withOpened(url) { registry, runner in
                try await runner.up()
                let first = runner.migrations[0]
                let edited = Migration(
                    version: first.version, name: first.name,
                    up: [.sqlite: first.upSQL(for: .sqlite) + "\n-- edited", .postgres: first.upSQL(for: .postgres) + "\n-- edited"],
                    down: [.sqlite: first.downSQL(for: .sqlite), .postgres: first.downSQL(for: .postgres)]
                )
                let tampered = MigrationRunner(database: registry.database, migrations: [edited] + runner.migrations.dropFirst(), logger: TestDatabases.logger)
                let status = try await tampered.status()
                #expect(status.modified.map(\.version) == [first.version])
                await #expect(throws: MigrationError.self) { try await tampered.up() }
            }
        }
    }

    @Test("a database migrated by a newer server is reported, not touched", arguments: TestDatabases.backends)
    func unknownMigration(backend: TestBackend) async throws {
        try await TestDatabases.withDatabaseURL(backend) { url in
            try await TestDatabases.withOpened(url) { registry, runner in
                try await runner.up()
                try await registry.database.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)", .int(999), .text("future"), .text("x"), .date(Date()))
                let status = try await runner.status()
                #expect(status.unknown == [999])
                #expect(!status.isUpToDate)
                await #expect(throws: MigrationError.self) { try await runner.up() }
            }
        }
    }

    @Test("the folder is checked: names, gaps and missing files")
    func folderValidation() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let fileManager = FileManager.default
        func write(_ path: String, _ text: String) throws {
            let url = folder.url.appendingPathComponent(path)
            try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try write("0001_first/up.sql", "CREATE TABLE a (id INTEGER);")
        try write("0001_first/down.sql", "DROP TABLE a;")
        #expect(try MigrationDirectory.load(from: folder.url).count == 1)

        try write("0003_third/up.sql", "CREATE TABLE c (id INTEGER);")
        try write("0003_third/down.sql", "DROP TABLE c;")
        #expect(throws: MigrationError.self) { try MigrationDirectory.load(from: folder.url) }
        try fileManager.removeItem(at: folder.url.appendingPathComponent("0003_third"))

        try write("0002_second/up.sql", "CREATE TABLE b (id INTEGER);")
        #expect(throws: MigrationError.self) { try MigrationDirectory.load(from: folder.url) }
        try write("0002_second/down.sqlite.sql", "DROP TABLE b;")
        #expect(throws: MigrationError.self, "postgres has no down file") { try MigrationDirectory.load(from: folder.url) }
        try write("0002_second/down.postgres.sql", "DROP TABLE b CASCADE;")
        let loaded = try MigrationDirectory.load(from: folder.url)
        #expect(loaded[1].downSQL(for: .postgres).contains("CASCADE"))
        #expect(!loaded[1].downSQL(for: .sqlite).contains("CASCADE"))

        try write("0004-Bad Name/up.sql", "SELECT 1;")
        #expect(throws: MigrationError.self) { try MigrationDirectory.load(from: folder.url) }
    }

    @Test("statements are split on semicolons outside quotes, comments and trigger bodies")
    func splitter() {
        let sql = """
            -- a comment; with a semicolon
            CREATE TABLE t (a TEXT DEFAULT 'x;y');
            /* block; comment */ INSERT INTO t VALUES ('it''s; fine');
            CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN
                UPDATE t SET a = 'z' WHERE a = 'q';
                DELETE FROM t WHERE a = 'r';
            END;
            SELECT 1
            """
        let statements = Migration.statements(in: sql)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("DEFAULT 'x;y')"))
        #expect(statements[1].contains("'it''s; fine'"))
        #expect(statements[2].hasPrefix("CREATE TRIGGER"))
        #expect(statements[2].hasSuffix("END"))
        #expect(statements[3] == "SELECT 1")
    }
}
