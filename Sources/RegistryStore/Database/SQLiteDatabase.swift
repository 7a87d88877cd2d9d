import Foundation
import Logging
import NIOCore
import SQLiteNIO
import Synchronization

/// The SQLite backend: one writer connection behind a FIFO lock (SQLite allows one writer at a
/// time) and, for a file, a few reader connections that WAL lets run beside it.
public final class SQLiteDatabase: Database {
    public let dialect = SQLDialect.sqlite
    public let path: String?
    private let writer: SQLiteConnection
    private let writerLock = AsyncLock()
    private let readers: [SQLiteConnection]
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
        let storage: SQLiteConnection.Storage = path.map { .file(path: $0) } ?? .memory
        let writer: SQLiteConnection
        do {
            writer = try await SQLiteConnection.open(storage: storage, logger: logger)
        } catch {
            throw DatabaseError.unavailable("cannot open SQLite database \(path ?? ":memory:"): \(error)")
        }
        var readers: [SQLiteConnection] = []
        do {
            try await Self.configure(writer, busyTimeout: busyTimeoutMilliseconds, isWriter: path != nil)
            if path != nil {
                for _ in 0..<readerCount {
                    let reader = try await SQLiteConnection.open(storage: storage, logger: logger)
                    readers.append(reader)
                    try await Self.configure(reader, busyTimeout: busyTimeoutMilliseconds, isWriter: false)
                }
            }
        } catch {
            try? await writer.close()
            for reader in readers { try? await reader.close() }
            throw DatabaseError.unavailable("cannot configure SQLite database \(path ?? ":memory:"): \(error)")
        }
        return SQLiteDatabase(path: path, writer: writer, readers: readers, logger: logger)
    }

    private init(path: String?, writer: SQLiteConnection, readers: [SQLiteConnection], logger: Logger) {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.logger = logger
    }

    /// The page cache of each connection, in KiB (`PRAGMA cache_size` takes a negative size).
    static let cacheKiB = 16 * 1024

    private static func configure(_ connection: SQLiteConnection, busyTimeout: Int, isWriter: Bool) async throws {
        if isWriter {
            _ = try await connection.query("PRAGMA journal_mode = WAL", [])
            _ = try await connection.query("PRAGMA synchronous = NORMAL", [])
        }
        _ = try await connection.query("PRAGMA foreign_keys = ON", [])
        // 16 MB of pages per connection instead of SQLite's 2 MB: a search at 100,000 assets
        // reads ~4 MB (the index entries and rows of ~1,000 matches), and with 2 MB every search
        // read them all again from the file (three quarters of its time in pread).
        _ = try await connection.query("PRAGMA cache_size = -\(cacheKiB)", [])
        _ = try await connection.query("PRAGMA busy_timeout = \(busyTimeout)", [])
    }

    public var redactedDescription: String { "sqlite:\(path ?? ":memory:")" }

    /// Reads outside a transaction go to a reader connection; everything else waits for the writer.
    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [DatabaseRow] {
        if !readers.isEmpty, SQLStatement.isRead(sql) {
            let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
            return try await Self.run(sql, binds, on: readers[abs(index) % readers.count])
        }
        return try await writerLock.withLock {
            try await Self.run(sql, binds, on: writer)
        }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any DatabaseExecutor) async throws -> T) async throws -> T {
        try await writerLock.withLock {
            let executor = SQLiteConnectionExecutor(connection: writer)
            _ = try await Self.run("BEGIN IMMEDIATE", [], on: writer)
            do {
                let result = try await body(executor)
                _ = try await Self.run("COMMIT", [], on: writer)
                return result
            } catch {
                do {
                    _ = try await Self.run("ROLLBACK", [], on: writer)
                } catch let rollbackError {
                    logger.error("rollback failed", metadata: ["error": "\(rollbackError)"])
                }
                throw error
            }
        }
    }

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

    static func run(_ sql: String, _ binds: [SQLValue], on connection: SQLiteConnection) async throws -> [DatabaseRow] {
        let data = binds.map(Self.encode)
        do {
            let rows = try await connection.query(sql, data)
            return rows.map(Self.decode)
        } catch let error as SQLiteError {
            throw Self.translate(error)
        }
    }

    static func encode(_ value: SQLValue) -> SQLiteData {
        switch value {
        case .null: .null
        case .int(let value): .integer(Int(value))
        case .double(let value): .float(value)
        case .text(let value): .text(value)
        case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
        case .bool(let value): .integer(value ? 1 : 0)
        case .date(let date): .text(SQLTimestamp.format(date))
        }
    }

    static func decode(_ row: SQLiteRow) -> DatabaseRow {
        var values: [String: SQLValue] = [:]
        for column in row.columns {
            values[column.name] = switch column.data {
            case .integer(let value): .int(Int64(value))
            case .float(let value): .double(value)
            case .text(let value): .text(value)
            case .blob(var buffer): .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .null: .null
            }
        }
        return DatabaseRow(values: values)
    }

    static func translate(_ error: SQLiteError) -> DatabaseError {
        switch error.reason {
        case .constraintUniqueFailed, .constraintPrimaryKeyFailed:
            // "UNIQUE constraint failed: index 'users_email_lower_key'" or "...: users.username"
            let constraint = error.message.split(separator: ":", maxSplits: 1).last
                .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "index ", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
            return .uniqueViolation(constraint: constraint)
        case .constraintForeignKeyFailed:
            return .foreignKeyViolation
        case .constraintNotNullFailed, .constraintCheckFailed, .constraint:
            return .constraintViolation(error.message)
        case .busy, .locked, .cantOpen, .ioError, .full:
            return .unavailable("\(error.reason): \(error.message)")
        default:
            return .backend("SQLite: \(error.description)")
        }
    }
}

/// The writer connection inside a transaction; the transaction holds the writer lock.
struct SQLiteConnectionExecutor: DatabaseExecutor {
    let connection: SQLiteConnection
    var dialect: SQLDialect { .sqlite }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [DatabaseRow] {
        try await SQLiteDatabase.run(sql, binds, on: connection)
    }
}
