import Synchronization

/// A database that counts the changes made through it, so that answers kept in memory can tell
/// whether they may be stale.
///
/// The count goes up after every statement that is not a read and after every transaction, so an
/// answer built from what was read *after* taking ``generation`` is current for as long as the
/// count stays the same — for changes made through this process. Another process writing to the
/// same database is not seen here; callers bound the age of what they keep for that.
public final class ChangeCountingDatabase: Database {
    public let base: any Database
    private let changes = Atomic<UInt64>(0)

    public init(_ base: any Database) {
        self.base = base
    }

    /// The number of changes so far; take it before reading what will be kept.
    public var generation: UInt64 { changes.load(ordering: .acquiring) }

    public var dialect: SQLDialect { base.dialect }
    public var redactedDescription: String { base.redactedDescription }
    public var poolSize: Int { base.poolSize }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [DatabaseRow] {
        // Counted when the statement is over, whether it failed or not: a reader that started
        // before it may have seen the old rows.
        defer { if !SQLStatement.isRead(sql) { changed() } }
        return try await base.query(sql, binds)
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any DatabaseExecutor) async throws -> T) async throws -> T {
        defer { changed() }
        return try await base.transaction(body)
    }

    public func ping() async throws { try await base.ping() }
    public func close() async { await base.close() }

    private func changed() {
        changes.add(1, ordering: .releasing)
    }
}

/// What a statement does, from its first word.
enum SQLStatement {
    /// `SELECT` and `WITH` (every CTE here reads) — the statements a SQLite reader connection may run.
    static func isRead(_ sql: String) -> Bool {
        let head = sql.drop(while: { $0.isWhitespace }).prefix(6).uppercased()
        return head.hasPrefix("SELECT") || head.hasPrefix("WITH")
    }
}
