import Foundation
import VaporCSQLite

/// One SQLite connection with its own thread, on the C library sqlite-nio builds (SQLite 3 with
/// FTS5; the same copy for every connection in the process, so POSIX locks stay consistent).
///
/// `perform` runs work on the connection's thread; `run` executes one statement on the calling
/// thread and is only called from work on that thread, or by the task that holds the writer lock
/// (see ``SQLiteDatabase``). Statements are prepared once and kept (up to `cacheLimit`).
final class SQLiteThreadConnection: @unchecked Sendable {
    let thread: SerialThreadExecutor
    /// Touched only by `run`/`close`, which the callers serialise (one thread or the writer lock).
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private static let cacheLimit = 128
    private let description: String
    private var walHook: WALHook?

    // Macros Swift does not import: "copy the bytes now", and the extended constraint codes.
    private static let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    private static let SQLITE_CONSTRAINT_UNIQUE = SQLITE_CONSTRAINT | (8 << 8)
    private static let SQLITE_CONSTRAINT_PRIMARYKEY = SQLITE_CONSTRAINT | (6 << 8)
    private static let SQLITE_CONSTRAINT_FOREIGNKEY = SQLITE_CONSTRAINT | (3 << 8)

    private static let initialized: Bool = {
        sqlite_nio_sqlite3_initialize() == SQLITE_OK
    }()

    private init(thread: SerialThreadExecutor, description: String) {
        self.thread = thread
        self.description = description
    }

    /// Opens (and creates) the database at `path`, or a private in-memory database.
    static func open(path: String?, name: String) async throws -> SQLiteThreadConnection {
        let connection = SQLiteThreadConnection(thread: SerialThreadExecutor(name: name), description: path ?? ":memory:")
        do {
            try await connection.perform { try connection.openHandle(path: path ?? ":memory:") }
        } catch {
            connection.thread.stop()
            throw error
        }
        return connection
    }

    private func openHandle(path: String) throws {
        guard Self.initialized else { throw DatabaseError.unavailable("SQLite could not be initialised") }
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
        var opened: OpaquePointer?
        let code = sqlite_nio_sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let message = opened.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite_nio_sqlite3_errstr(code))
            sqlite_nio_sqlite3_close_v2(opened)
            throw DatabaseError.unavailable("cannot open SQLite database \(path): \(message)")
        }
        handle = opened
    }

    /// Calls `onCommit` with the number of pages in the write-ahead log after each commit, on
    /// the committing thread (`sqlite3_wal_hook`; it replaces SQLite's automatic checkpoint). When
    /// the log holds `checkpointHere` pages or more, it is also checkpointed right there (PASSIVE),
    /// as SQLite's own checkpoint would at 1,000. Call on the connection's thread.
    func onWALCommit(checkpointHere: Int32, _ onCommit: @escaping @Sendable (Int32) -> Void) throws {
        guard let handle else { throw DatabaseError.unavailable("the SQLite connection to \(description) is closed") }
        walHook = WALHook(checkpointHere: checkpointHere, onCommit: onCommit)
        let context = Unmanaged.passUnretained(walHook!).toOpaque()
        _ = sqlite_nio_sqlite3_wal_hook(handle, { context, database, name, pages in
            guard let context else { return SQLITE_OK }
            let hook = Unmanaged<WALHook>.fromOpaque(context).takeUnretainedValue()
            if pages >= hook.checkpointHere {
                _ = sqlite_nio_sqlite3_wal_checkpoint_v2(database, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            }
            hook.onCommit(pages)
            return SQLITE_OK
        }, context)
    }

    /// What `onWALCommit` installed; kept alive by the connection, which SQLite's hook points to.
    private final class WALHook: Sendable {
        let checkpointHere: Int32
        let onCommit: @Sendable (Int32) -> Void
        init(checkpointHere: Int32, onCommit: @escaping @Sendable (Int32) -> Void) {
            self.checkpointHere = checkpointHere
            self.onCommit = onCommit
        }
    }

    /// Runs `body` on the connection's thread.
    func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withTaskExecutorPreference(thread) {
            try body()
        }
    }

    /// Executes `sql` (every statement in it; the rows are the last one's) with `binds` for its
    /// `?` placeholders.
    func run(_ sql: String, _ binds: [SQLValue]) throws -> [DatabaseRow] {
        guard let handle else { throw DatabaseError.unavailable("the SQLite connection to \(description) is closed") }
        if let cached = statements[sql] {
            defer { Self.release(cached, binds) }
            return try execute(cached, binds, handle)
        }
        var rows: [DatabaseRow] = []
        var remaining = Substring(sql)
        var first = true
        while !remaining.allSatisfy(\.isWhitespace) {
            var statement: OpaquePointer?
            var consumed = 0
            let code = remaining.withCString { start -> Int32 in
                var tail: UnsafePointer<CChar>?
                let code = sqlite_nio_sqlite3_prepare_v3(handle, start, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
                if let tail { consumed = tail - start }
                return code
            }
            guard code == SQLITE_OK else { throw error(code, handle) }
            // The bytes after this statement, as a substring of the original text.
            let rest = String(decoding: remaining.utf8.dropFirst(consumed), as: UTF8.self)
            guard let statement else {
                // Only a comment or whitespace was left.
                remaining = Substring(rest)
                continue
            }
            let single = first && rest.allSatisfy(\.isWhitespace)
            if single && statements.count < Self.cacheLimit {
                statements[sql] = statement
                defer { Self.release(statement, binds) }
                return try execute(statement, binds, handle)
            }
            defer { sqlite_nio_sqlite3_finalize(statement) }
            // Placeholders belong to the first statement of a script; the others take none.
            rows = try execute(statement, first ? binds : [], handle)
            first = false
            remaining = Substring(rest)
        }
        return rows
    }

    /// Readies a kept statement for its next use. Its values stay bound (every use binds all of
    /// them again): clearing them would make SQLite prepare again, on its next use, each statement
    /// whose plan looked at a value (a join on `a.id = ?` does) — unless one was large, whose copy
    /// is not kept.
    private static func release(_ statement: OpaquePointer, _ binds: [SQLValue]) {
        sqlite_nio_sqlite3_reset(statement)
        let large = binds.contains { value in
            switch value {
            case .text(let text): text.utf8.count > 16_384
            case .blob(let bytes): bytes.count > 16_384
            default: false
            }
        }
        if large { sqlite_nio_sqlite3_clear_bindings(statement) }
    }

    private func execute(_ statement: OpaquePointer, _ binds: [SQLValue], _ handle: OpaquePointer) throws -> [DatabaseRow] {
        let expected = Int(sqlite_nio_sqlite3_bind_parameter_count(statement))
        guard binds.count == expected else {
            throw DatabaseError.backend("SQLite: the statement takes \(expected) values, \(binds.count) were given")
        }
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32 = switch value {
            case .null: sqlite_nio_sqlite3_bind_null(statement, index)
            case .int(let value): sqlite_nio_sqlite3_bind_int64(statement, index, value)
            case .double(let value): sqlite_nio_sqlite3_bind_double(statement, index, value)
            case .bool(let value): sqlite_nio_sqlite3_bind_int64(statement, index, value ? 1 : 0)
            case .text(let text): Self.bind(text, at: index, to: statement)
            case .date(let date): Self.bind(SQLTimestamp.format(date), at: index, to: statement)
            case .blob(let bytes):
                bytes.withUnsafeBytes { buffer in
                    // An empty blob is a zero-length blob, not NULL (a nil pointer would bind NULL).
                    buffer.isEmpty ? sqlite_nio_sqlite3_bind_zeroblob(statement, index, 0)
                        : sqlite_nio_sqlite3_bind_blob64(statement, index, buffer.baseAddress, UInt64(buffer.count), Self.SQLITE_TRANSIENT)
                }
            }
            guard code == SQLITE_OK else { throw error(code, handle) }
        }
        let columnCount = sqlite_nio_sqlite3_column_count(statement)
        var names: [String] = []
        names.reserveCapacity(Int(columnCount))
        for column in 0..<columnCount {
            names.append(sqlite_nio_sqlite3_column_name(statement, column).map { String(cString: $0) } ?? "column\(column)")
        }
        var rows: [DatabaseRow] = []
        while true {
            let code = sqlite_nio_sqlite3_step(statement)
            if code == SQLITE_DONE { return rows }
            guard code == SQLITE_ROW else { throw error(code, handle) }
            var values: [String: SQLValue] = Dictionary(minimumCapacity: names.count)
            for column in 0..<columnCount {
                values[names[Int(column)]] = Self.value(statement, column)
            }
            rows.append(DatabaseRow(values: values))
        }
    }

    private static func bind(_ text: String, at index: Int32, to statement: OpaquePointer) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                // An empty string is bound from a real pointer: a nil one would bind NULL.
                chars.isEmpty ? sqlite_nio_sqlite3_bind_text(statement, index, "", 0, Self.SQLITE_TRANSIENT)
                    : sqlite_nio_sqlite3_bind_text64(statement, index, chars.baseAddress, UInt64(chars.count), Self.SQLITE_TRANSIENT, UInt8(SQLITE_UTF8))
            }
        }
    }

    private static func value(_ statement: OpaquePointer, _ column: Int32) -> SQLValue {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .int(sqlite_nio_sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT:
            return .double(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            guard let bytes = sqlite_nio_sqlite3_column_blob(statement, column) else { return .blob([]) }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    /// The library's error for `code`, as a ``DatabaseError``.
    private func error(_ code: Int32, _ handle: OpaquePointer) -> DatabaseError {
        let message = sqlite_nio_sqlite3_errmsg(handle).map { String(cString: $0) } ?? String(cString: sqlite_nio_sqlite3_errstr(code))
        return Self.translate(code: sqlite_nio_sqlite3_extended_errcode(handle), message: message)
    }

    /// Maps an (extended) result code to the error kinds the stores handle.
    static func translate(code: Int32, message: String) -> DatabaseError {
        switch code {
        case Self.SQLITE_CONSTRAINT_UNIQUE, Self.SQLITE_CONSTRAINT_PRIMARYKEY:
            // "UNIQUE constraint failed: index 'users_email_lower_key'" or "...: users.username"
            let constraint = message.split(separator: ":", maxSplits: 1).last
                .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "index ", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
            return .uniqueViolation(constraint: constraint)
        case Self.SQLITE_CONSTRAINT_FOREIGNKEY:
            return .foreignKeyViolation
        default:
            break
        }
        let unavailable = { (reason: String) in DatabaseError.unavailable("\(reason): \(message)") }
        switch code & 0xff {
        case SQLITE_CONSTRAINT: return .constraintViolation(message)
        case SQLITE_BUSY: return unavailable("busy")
        case SQLITE_LOCKED: return unavailable("locked")
        case SQLITE_CANTOPEN: return unavailable("cannot open")
        case SQLITE_IOERR: return unavailable("I/O error")
        case SQLITE_FULL: return unavailable("disk full")
        case SQLITE_READONLY: return unavailable("read-only")
        default: return .backend("SQLite: \(message) (code \(code))")
        }
    }

    /// How often SQLite prepared the kept statement `sql` again (tests check that it does not).
    func timesPreparedAgain(_ sql: String) async throws -> Int32? {
        try await perform { [self] in
            statements[sql].map { sqlite_nio_sqlite3_stmt_status($0, SQLITE_STMTSTATUS_REPREPARE, 0) }
        }
    }

    /// Finalises the kept statements, closes the connection and ends its thread.
    func close() async throws {
        defer { thread.stop() }
        try await perform { [self] in
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements.removeAll()
            if let handle {
                let code = sqlite_nio_sqlite3_close_v2(handle)
                self.handle = nil
                guard code == SQLITE_OK else { throw Self.translate(code: code, message: "closing \(description) failed") }
            }
        }
    }
}
