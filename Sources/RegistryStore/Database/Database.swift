/// The SQL dialect of a backend. Statements are written once with `?` placeholders; the
/// PostgreSQL backend numbers them. Dialect differences in the schema live in the migrations.
public enum SQLDialect: String, Sendable, CaseIterable {
    case sqlite
    case postgres
}

/// Runs statements on one connection; inside a transaction every call shares it.
public protocol DatabaseExecutor: Sendable {
    var dialect: SQLDialect { get }
    /// Runs one statement and returns its rows (use `RETURNING` to read back inserted ids).
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [DatabaseRow]
}

extension DatabaseExecutor {
    public func query(_ sql: String, _ binds: SQLValue...) async throws -> [DatabaseRow] {
        try await query(sql, binds)
    }

    /// Runs one statement and ignores its rows.
    public func execute(_ sql: String, _ binds: [SQLValue] = []) async throws {
        _ = try await query(sql, binds)
    }

    public func execute(_ sql: String, _ binds: SQLValue...) async throws {
        _ = try await query(sql, binds)
    }

    /// The first row, or nil.
    public func first(_ sql: String, _ binds: [SQLValue]) async throws -> DatabaseRow? {
        try await query(sql, binds).first
    }

    public func first(_ sql: String, _ binds: SQLValue...) async throws -> DatabaseRow? {
        try await query(sql, binds).first
    }

    /// Inserts `rows` (each the values of `columns`) with up to `perStatement` rows a statement;
    /// `suffix` follows the values (`ON CONFLICT … DO NOTHING`). Every statement is a round trip
    /// to the database's thread or server, and a package's files were two each.
    /// `insert` that returns what `returning` names of every row inserted (in no promised order).
    public func insertReturning(into table: String, columns: [String], rows: [[SQLValue]], returning: String, perStatement: Int = 100) async throws -> [DatabaseRow] {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var result: [DatabaseRow] = []
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            start += chunk.count
            let values = Array(repeating: row, count: chunk.count).joined(separator: ", ")
            result += try await query("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(values) RETURNING \(returning)", chunk.flatMap { $0 })
        }
        return result
    }

    public func insert(into table: String, columns: [String], rows: [[SQLValue]], suffix: String = "", perStatement: Int = 100) async throws {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            start += chunk.count
            let values = Array(repeating: row, count: chunk.count).joined(separator: ", ")
            try await execute("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(values)\(suffix.isEmpty ? "" : " " + suffix)", chunk.flatMap { $0 })
        }
    }
}

/// A database: one of the two backends. Stores are written against this protocol only.
public protocol Database: DatabaseExecutor {
    /// Runs `body` in one transaction on one connection: committed when it returns,
    /// rolled back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any DatabaseExecutor) async throws -> T) async throws -> T
    /// Checks that the database answers.
    func ping() async throws
    /// Closes every connection. The database must not be used afterwards.
    func close() async
    /// A description for logs that never contains a password.
    var redactedDescription: String { get }
    /// How many connections the backend may use at once.
    var poolSize: Int { get }
}
