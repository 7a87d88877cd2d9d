import Foundation
import Logging
import Synchronization

/// The SQLite backend: one writer connection behind a FIFO lock (SQLite allows one writer at a
/// time) and, for a file, a few reader connections that WAL lets run beside it.
///
/// Each connection has its own thread (``SQLiteThreadConnection``). A transaction runs on the
/// writer's thread from `BEGIN` to `COMMIT` — the stores' code between statements included — so
/// its statements cost no thread switch each; a single statement outside a transaction is one
/// round trip to its connection's thread.
public final class SQLiteDatabase: Database {
    public let dialect = SQLDialect.sqlite
    public let path: String?
    private let writer: SQLiteThreadConnection
    private let writerLock = AsyncLock()
    private let readers: [SQLiteThreadConnection]
    /// The writer and its readers.
    public var poolSize: Int { readers.count + 1 }
    private let nextReader = Atomic<Int>(0)
    private let logger: Logger

    /// Opens (and creates) the database at `path`, or a private in-memory database when `path` is nil.
    public static func open(path: String?, readerCount: Int = 2, busyTimeoutMilliseconds: Int = 5000, logger: Logger) async throws -> SQLiteDatabase {
        if let path {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw DatabaseError.unavailable("cannot create the folder \(folder.path) for the SQLite database: \(error.localizedDescription)")
            }
        }
        let writer = try await SQLiteThreadConnection.open(path: path, name: "sqlite-writer")
        var readers: [SQLiteThreadConnection] = []
        do {
            try await Self.configure(writer, busyTimeout: busyTimeoutMilliseconds, isWriter: path != nil)
            if path != nil {
                for index in 0..<readerCount {
                    let reader = try await SQLiteThreadConnection.open(path: path, name: "sqlite-reader-\(index)")
                    readers.append(reader)
                    try await Self.configure(reader, busyTimeout: busyTimeoutMilliseconds, isWriter: false)
                }
            }
        } catch {
            for connection in [writer] + readers { try? await connection.close() }
            throw DatabaseError.unavailable("cannot configure SQLite database \(path ?? ":memory:"): \(error)")
        }
        return SQLiteDatabase(path: path, writer: writer, readers: readers, logger: logger)
    }

    private init(path: String?, writer: SQLiteThreadConnection, readers: [SQLiteThreadConnection], logger: Logger) {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.logger = logger
    }

    /// The page cache of each connection, in KiB (`PRAGMA cache_size` takes a negative size).
    static let cacheKiB = 16 * 1024

    private static func configure(_ connection: SQLiteThreadConnection, busyTimeout: Int, isWriter: Bool) async throws {
        try await connection.perform {
            if isWriter {
                _ = try connection.run("PRAGMA journal_mode = WAL", [])
                _ = try connection.run("PRAGMA synchronous = NORMAL", [])
            }
            _ = try connection.run("PRAGMA foreign_keys = ON", [])
            // 16 MB of pages per connection instead of SQLite's 2 MB: a search at 100,000 assets
            // reads ~4 MB (the index entries and rows of ~1,000 matches), and with 2 MB every search
            // read them all again from the file (three quarters of its time in pread).
            _ = try connection.run("PRAGMA cache_size = -\(cacheKiB)", [])
            _ = try connection.run("PRAGMA busy_timeout = \(busyTimeout)", [])
        }
    }

    public var redactedDescription: String { "sqlite:\(path ?? ":memory:")" }

    /// Reads outside a transaction go to a reader connection; everything else waits for the writer.
    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [DatabaseRow] {
        if !readers.isEmpty, SQLStatement.isRead(sql) {
            let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
            let reader = readers[abs(index) % readers.count]
            return try await reader.perform { try reader.run(sql, binds) }
        }
        let writer = self.writer
        return try await writerLock.withLock {
            try await writer.perform { try writer.run(sql, binds) }
        }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any DatabaseExecutor) async throws -> T) async throws -> T {
        let writer = self.writer, logger = self.logger
        return try await writerLock.withLock {
            try await withTaskExecutorPreference(writer.thread) {
                let executor = SQLiteTransactionExecutor(connection: writer)
                _ = try writer.run("BEGIN IMMEDIATE", [])
                do {
                    let result = try await body(executor)
                    _ = try writer.run("COMMIT", [])
                    return result
                } catch {
                    do {
                        _ = try writer.run("ROLLBACK", [])
                    } catch let rollbackError {
                        logger.error("rollback failed", metadata: ["error": "\(rollbackError)"])
                    }
                    throw error
                }
            }
        }
    }

    /// How often the writer prepared its kept statement `sql` again (for tests).
    func writerTimesPreparedAgain(_ sql: String) async throws -> Int32? {
        try await writer.timesPreparedAgain(sql)
    }

    /// True on the writer connection's thread (tests check that a transaction runs there).
    var isOnWriterThread: Bool { writer.thread.isCurrent }

    public func ping() async throws {
        _ = try await query("SELECT 1 AS one", [])
    }

    public func close() async {
        await writerLock.withLock {
            for connection in readers + [writer] {
                do { try await connection.close() } catch { logger.warning("closing SQLite connection failed: \(error)") }
            }
        }
    }
}

/// The writer inside a transaction: the transaction holds the writer lock and runs on the
/// writer's thread, so each statement is a plain call.
struct SQLiteTransactionExecutor: DatabaseExecutor {
    let connection: SQLiteThreadConnection
    var dialect: SQLDialect { .sqlite }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [DatabaseRow] {
        try connection.run(sql, binds)
    }
}
