import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

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
    /// Copies the write-ahead log back into the database file off the writer's thread.
    private let checkpointer: Checkpointer?
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
        var checkpointer: Checkpointer?
        if path != nil {
            do {
                let connection = try await SQLiteThreadConnection.open(path: path, name: "sqlite-checkpoint")
                try await Self.configure(connection, busyTimeout: busyTimeoutMilliseconds, isWriter: false)
                try await connection.perform {
                    #if canImport(Glibc)
                    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                    #endif
                }
                let background = Checkpointer(connection: connection, logger: logger)
                try await writer.perform {
                    try writer.onWALCommit(checkpointHere: Checkpointer.writerCheckpointPages) { pages in
                        if pages >= Checkpointer.backgroundCheckpointPages { background.request() }
                    }
                }
                checkpointer = background
            } catch {
                for connection in [writer] + readers { try? await connection.close() }
                throw DatabaseError.unavailable("cannot configure SQLite database \(path ?? ":memory:"): \(error)")
            }
        }
        return SQLiteDatabase(path: path, writer: writer, readers: readers, checkpointer: checkpointer, logger: logger)
    }

    private init(path: String?, writer: SQLiteThreadConnection, readers: [SQLiteThreadConnection], checkpointer: Checkpointer?, logger: Logger) {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.checkpointer = checkpointer
        self.logger = logger
    }

    /// How many checkpoints ran in the background (for tests).
    var backgroundCheckpoints: Int { checkpointer?.completed.load(ordering: .relaxed) ?? 0 }

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
            // Statement journals and temporary tables in memory. A multi-row INSERT inside a
            // transaction (a sync stores 32 packages a statement per table) keeps the first version
            // of each page it changes in a statement journal, which SQLite spills to a file in
            // /var/tmp past 64 KiB: a first sync of 500 skills into 100,000 wrote 9.5 MB there in
            // 4,400 writes on the writer's thread (docs/benchmarks.md).
            _ = try connection.run("PRAGMA temp_store = MEMORY", [])
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
            if let checkpointer { await checkpointer.close() }
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

/// Checkpoints the write-ahead log on a connection of its own, at background priority (nice 10),
/// when the writer's commits have put `backgroundCheckpointPages` pages in it. SQLite's automatic
/// checkpoint ran inside the committing transaction, on the writer's thread, and with the file
/// on a disk its two `fsync`s were a fifth of storing a sync's packages; a PASSIVE checkpoint from
/// another connection waits for no reader or writer. Should it fall behind (a reader holding an
/// old snapshot keeps it from finishing), the writer checkpoints itself at `writerCheckpointPages`.
final class Checkpointer: Sendable {
    static let backgroundCheckpointPages: Int32 = 1000
    static let writerCheckpointPages: Int32 = 20_000
    private let connection: SQLiteThreadConnection
    private let logger: Logger
    /// A checkpoint is running (or its task is starting).
    private let pending = Atomic<Bool>(false)
    /// A commit asked for a checkpoint that has not started yet.
    private let wanted = Atomic<Bool>(false)
    private let closed = Atomic<Bool>(false)
    let completed = Atomic<Int>(0)

    init(connection: SQLiteThreadConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Asks for a checkpoint. One that arrives while a checkpoint runs is not dropped: the
    /// running one goes again when it is done, so the pages of the last commits reach the file
    /// even when no commit follows them.
    func request() {
        guard !closed.load(ordering: .relaxed) else { return }
        wanted.store(true, ordering: .releasing)
        startIfIdle()
    }

    private func startIfIdle() {
        guard pending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let connection = self.connection
        Task {
            while wanted.exchange(false, ordering: .acquiringAndReleasing), !closed.load(ordering: .relaxed) {
                do {
                    _ = try await connection.perform { try connection.run("PRAGMA wal_checkpoint(PASSIVE)", []) }
                    completed.add(1, ordering: .relaxed)
                } catch {
                    if !closed.load(ordering: .relaxed) { logger.warning("background checkpoint failed: \(error)") }
                }
            }
            pending.store(false, ordering: .releasing)
            // A request between the last look and the store above found the task still running.
            if wanted.load(ordering: .acquiring), !closed.load(ordering: .relaxed) { startIfIdle() }
        }
    }

    func close() async {
        closed.store(true, ordering: .relaxed)
        do { try await connection.close() } catch { logger.warning("closing the SQLite checkpoint connection failed: \(error)") }
    }
}
