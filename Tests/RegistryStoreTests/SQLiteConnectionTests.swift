import Foundation
@testable import RegistryStore
import Testing
import TestSupport

/// The SQLite backend's own connections: values, scripts, errors and threads, against a real file.
@Suite("SQLite connections")
struct SQLiteConnectionTests {
    private func withDatabase(_ body: (SQLiteDatabase) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try await SQLiteDatabase.open(path: folder.url.appendingPathComponent("agenthub.db").path, logger: TestDatabases.logger)
        do {
            try await body(database)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    @Test("a transaction runs on the writer's thread from BEGIN to COMMIT, across awaits")
    func transactionThread() async throws {
        try await withDatabase { database in
            #expect(!database.isOnWriterThread)
            let onWriter = try await database.transaction { executor -> [Bool] in
                var seen = [database.isOnWriterThread]
                try await executor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
                seen.append(database.isOnWriterThread)
                for index in 0..<20 {
                    try await executor.execute("INSERT INTO t (name) VALUES (?)", .text("n\(index)"))
                    await Task.yield()
                    seen.append(database.isOnWriterThread)
                }
                return seen
            }
            #expect(onWriter.count == 22 && onWriter.allSatisfy { $0 })
            #expect(!database.isOnWriterThread)
            // A read outside the transaction goes to a reader and sees the committed rows.
            #expect(try await database.first("SELECT count(*) AS n FROM t", [])?.int("n") == 20)
        }
    }

    @Test("values round-trip exactly: empty is not NULL, text is UTF-8, integers are 64-bit, blobs keep zeros")
    func values() async throws {
        try await withDatabase { database in
            try await database.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, t TEXT, b BLOB, i INTEGER, d REAL)")
            let rows: [[SQLValue]] = [
                [.int(1), .text(""), .blob([]), .int(Int64.max), .double(-0.5)],
                [.int(2), .null, .null, .int(Int64.min), .null],
                [.int(3), .text("zürich ✓ 🚀 \"quoted\" 'single'"), .blob([0, 1, 0, 255]), .bool(true), .double(1e300)],
            ]
            try await database.insert(into: "v", columns: ["id", "t", "b", "i", "d"], rows: rows)
            for read in [true, false] {
                // Once through a reader, once through the writer (inside a transaction).
                let found = read ? try await database.query("SELECT * FROM v ORDER BY id", [])
                    : try await database.transaction { try await $0.query("SELECT * FROM v ORDER BY id", []) }
                #expect(found.count == 3)
                #expect(found[0]["t"] == .text("") && found[0]["b"] == .blob([]) && found[0]["i"] == .int(Int64.max) && found[0]["d"] == .double(-0.5))
                #expect(found[1]["t"] == .null && found[1]["b"] == .null && found[1]["i"] == .int(Int64.min) && found[1]["d"] == .null)
                #expect(found[2]["t"] == .text("zürich ✓ 🚀 \"quoted\" 'single'") && found[2]["b"] == .blob([0, 1, 0, 255]) && found[2]["i"] == .int(1))
            }
            // Empty text and NULL are told apart by the database too.
            #expect(try await database.first("SELECT count(*) AS n FROM v WHERE t = ''", [])?.int("n") == 1)
            #expect(try await database.first("SELECT count(*) AS n FROM v WHERE t IS NULL", [])?.int("n") == 1)
        }
    }

    @Test("a script runs every statement; the placeholders are the first statement's")
    func scripts() async throws {
        try await withDatabase { database in
            try await database.execute("""
                CREATE TABLE a (x INTEGER);
                -- a comment between statements
                CREATE TABLE b (y INTEGER);
                INSERT INTO b (y) VALUES (7);
                """)
            #expect(try await database.first("SELECT y FROM b", [])?.int("y") == 7)
            try await database.execute("INSERT INTO a (x) VALUES (?); INSERT INTO a (x) VALUES (2)", .int(1))
            #expect(try await database.query("SELECT x FROM a ORDER BY x", []).map { try $0.int("x") } == [1, 2])
        }
    }

    @Test("errors keep their kind, leave nothing behind, and a failed statement can run again")
    func errors() async throws {
        try await withDatabase { database in
            try await database.execute("""
                CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE CHECK (length(name) > 1));
                CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id));
                """)
            let insert = "INSERT INTO parent (name) VALUES (?)"
            try await database.execute(insert, .text("one"))
            await #expect { try await database.execute(insert, .text("one")) } throws: { error in
                guard case DatabaseError.uniqueViolation(let constraint) = error else { return false }
                return constraint == "parent.name"
            }
            await #expect { try await database.execute(insert, .text("x")) } throws: { error in
                guard case DatabaseError.constraintViolation(let message) = error else { return false }
                return message.contains("CHECK")
            }
            await #expect { try await database.execute("INSERT INTO child (parent_id) VALUES (?)", .int(99)) } throws: { error in
                guard case DatabaseError.foreignKeyViolation = error else { return false }
                return true
            }
            await #expect { try await database.execute("SELEC nonsense") } throws: { error in
                guard case DatabaseError.backend(let message) = error else { return false }
                return message.contains("syntax error")
            }
            // A failure inside a transaction rolls back what the transaction wrote before it.
            await #expect(throws: DatabaseError.self) {
                try await database.transaction { executor in
                    try await executor.execute(insert, .text("two"))
                    try await executor.execute(insert, .text("one"))
                }
            }
            #expect(try await database.query("SELECT name FROM parent ORDER BY id", []).map { try $0.string("name") } == ["one"])
            // The statement that failed (kept prepared) runs again with new values.
            try await database.execute(insert, .text("three"))
            #expect(try await database.first("SELECT count(*) AS n FROM parent", [])?.int("n") == 2)
        }
    }

    @Test("a kept statement is not prepared again for new values; a wrong number of values is refused")
    func keptStatements() async throws {
        try await withDatabase { database in
            try await database.execute("CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            try await database.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES owners (id), name TEXT NOT NULL)")
            try await database.insert(into: "owners", columns: ["id", "name"], rows: [[.int(1), .text("ann")]])
            try await database.insert(into: "items", columns: ["id", "owner_id", "name"], rows: (1...50).map { [.int(Int64($0)), .int(1), .text("item \($0)")] })
            // A join on `id = ?`: SQLite's plan looks at the value, and clearing the values after
            // each use made it prepare the statement again every time.
            let sql = "SELECT i.name, o.name AS owner FROM items i JOIN owners o ON o.id = i.owner_id WHERE i.id = ?"
            let names = try await database.transaction { executor in
                var names: [String] = []
                for id in 1...50 { names.append(try await executor.first(sql, [.int(Int64(id))])?.string("name") ?? "") }
                return names
            }
            #expect(names == (1...50).map { "item \($0)" }, "each use saw its own value")
            // Twice at most, not once per use: SQLite plans again when a value moves between 0/1
            // and larger ones (the first value, then 2).
            let again = try #require(try await database.writerTimesPreparedAgain(sql))
            #expect(again <= 2, "prepared again \(again) times")

            await #expect {
                try await database.transaction { try await $0.execute("INSERT INTO owners (id, name) VALUES (?, ?)", [.int(2)]) }
            } throws: { error in
                guard case DatabaseError.backend(let message) = error else { return false }
                return message.contains("takes 2 values, 1 were given")
            }
            #expect(try await database.first("SELECT count(*) AS n FROM owners", [])?.int("n") == 1, "nothing was written")
        }
    }

    @Test("a closed database refuses statements with a clear error")
    func closed() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try await SQLiteDatabase.open(path: folder.url.appendingPathComponent("a.db").path, logger: TestDatabases.logger)
        try await database.execute("CREATE TABLE t (x INTEGER)")
        await database.close()
        await #expect { try await database.execute("INSERT INTO t (x) VALUES (1)") } throws: { error in
            guard case DatabaseError.unavailable(let message) = error else { return false }
            return message.contains("closed")
        }
    }

    @Test("a file that is not a database is refused when opened")
    func notADatabase() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("not.db").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        await #expect(throws: DatabaseError.self) {
            _ = try await SQLiteDatabase.open(path: path, logger: TestDatabases.logger)
        }
    }

    @Test("the write-ahead log is copied into the database file in the background while the writer goes on; everything written is there after reopening")
    func backgroundCheckpoint() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("agenthub.db").path
        let database = try await SQLiteDatabase.open(path: path, logger: TestDatabases.logger)
        try await database.execute("CREATE TABLE chunk (id INTEGER PRIMARY KEY, content BLOB NOT NULL)")
        let startSize = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        // About 12 MB in 30 transactions: some 3,000 pages of 4 KB through the log.
        let content = SQLValue.blob((0..<(400 * 1024)).map { UInt8(truncatingIfNeeded: $0 * 7) })
        for _ in 0..<30 {
            try await database.transaction { executor in
                try await executor.execute("INSERT INTO chunk (content) VALUES (?)", content)
            }
        }
        // The commits past 1,000 pages in the log asked for checkpoints; one asked while another
        // ran is not lost, so the last of them copies what the first did not (about 12 MB less
        // what stays in the log below 1,000 pages). Wait for it, up to 10 s.
        var size = 0
        var waited = 0
        repeat {
            if waited > 0 { try await Task.sleep(for: .milliseconds(50)) }
            size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            waited += 1
        } while size <= startSize + 7 * 1024 * 1024 && waited < 200
        #expect(database.backgroundCheckpoints > 0, "no checkpoint ran in the background")
        // The pages reached the database file while it is open (the writer never checkpoints below 20,000 pages).
        #expect(size > startSize + 7 * 1024 * 1024, "database file \(startSize) -> \(size) bytes")
        #expect(try await database.first("SELECT count(*) AS n FROM chunk", [])?.int("n") == 30)
        await database.close()

        let reopened = try await SQLiteDatabase.open(path: path, logger: TestDatabases.logger)
        #expect(try await reopened.first("SELECT count(*) AS n, sum(length(content)) AS bytes FROM chunk", [])?.int("n") == 30)
        #expect(try await reopened.first("SELECT sum(length(content)) AS bytes FROM chunk", [])?.int("bytes") == 30 * 400 * 1024)
        await reopened.close()
    }
}
