import Foundation
import Logging

/// A migration recorded in `schema_migrations`.
public struct AppliedMigration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let checksum: String
    public let appliedAt: Date
}

/// Where the database stands against the migrations this binary knows.
public struct MigrationStatus: Sendable {
    public let applied: [AppliedMigration]
    public let pending: [Migration]
    /// Applied versions that this binary has no file for (a newer server migrated the database).
    public let unknown: [Int]
    /// Applied migrations whose file changed since.
    public let modified: [Migration]

    public var currentVersion: Int { applied.map(\.version).max() ?? 0 }
    public var isUpToDate: Bool { pending.isEmpty && unknown.isEmpty && modified.isEmpty }
}

/// Applies and reverts migrations, one transaction each, recording them in `schema_migrations`.
/// On PostgreSQL an advisory lock keeps two servers from migrating at once.
public struct MigrationRunner: Sendable {
    public let database: any Database
    public let migrations: [Migration]
    private let logger: Logger
    private static let advisoryLockKey: Int64 = 0x4147_4E54_4855_42

    public init(database: any Database, migrations: [Migration], logger: Logger) {
        self.database = database
        self.migrations = migrations
        self.logger = logger
    }

    /// Reads where the database stands; writes nothing (the readiness probe calls it).
    public func status() async throws -> MigrationStatus {
        let applied = try await tableExists() ? try await appliedMigrations(on: database) : []
        let byVersion = Dictionary(uniqueKeysWithValues: applied.map { ($0.version, $0) })
        let known = Set(migrations.map(\.version))
        let pending = migrations.filter { byVersion[$0.version] == nil }
        let unknown = applied.map(\.version).filter { !known.contains($0) }
        let modified = migrations.filter { migration in
            guard let record = byVersion[migration.version] else { return false }
            return record.checksum != migration.checksum(for: database.dialect)
        }
        return MigrationStatus(applied: applied, pending: pending, unknown: unknown, modified: modified)
    }

    /// Applies pending migrations in order, up to `target` (all when nil). Returns what was applied.
    @discardableResult
    public func up(to target: Int? = nil) async throws -> [Migration] {
        try await ensureTable()
        let current = try await status()
        if !current.modified.isEmpty { throw MigrationError.modified(current.modified.map(\.identifier)) }
        if !current.unknown.isEmpty { throw MigrationError.unknownApplied(current.unknown) }
        var done: [Migration] = []
        for migration in current.pending where target.map({ migration.version <= $0 }) ?? true {
            let ran = try await database.transaction { executor in
                try await lock(executor)
                // Another server may have applied it while we waited for the lock.
                if try await executor.first("SELECT version FROM schema_migrations WHERE version = ?", .int(Int64(migration.version))) != nil {
                    return false
                }
                try await run(migration.upSQL(for: executor.dialect), of: migration, on: executor)
                try await executor.execute(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    .int(Int64(migration.version)), .text(migration.name), .text(migration.checksum(for: executor.dialect)), .date(Date())
                )
                return true
            }
            if ran {
                logger.info("applied migration \(migration.identifier)")
                done.append(migration)
            }
        }
        return done
    }

    /// Reverts the last `steps` applied migrations, newest first. Returns what was reverted.
    @discardableResult
    public func down(steps: Int = 1) async throws -> [Migration] {
        precondition(steps >= 0)
        try await ensureTable()
        let current = try await status()
        if !current.unknown.isEmpty { throw MigrationError.unknownApplied(current.unknown) }
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        let targets = current.applied.map(\.version).sorted(by: >).prefix(steps).compactMap { byVersion[$0] }
        var done: [Migration] = []
        for migration in targets {
            try await database.transaction { executor in
                try await lock(executor)
                try await run(migration.downSQL(for: executor.dialect), of: migration, on: executor)
                try await executor.execute("DELETE FROM schema_migrations WHERE version = ?", .int(Int64(migration.version)))
            }
            logger.info("reverted migration \(migration.identifier)")
            done.append(migration)
        }
        return done
    }

    private func ensureTable() async throws {
        let sql = switch database.dialect {
        case .sqlite:
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)"
        case .postgres:
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        }
        try await database.transaction { executor in
            try await lock(executor)
            try await executor.execute(sql)
        }
    }

    private func tableExists() async throws -> Bool {
        let sql = switch database.dialect {
        case .sqlite: "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        case .postgres: "SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations'"
        }
        return try await database.first(sql, [])?.int("n") ?? 0 > 0
    }

    private func lock(_ executor: any DatabaseExecutor) async throws {
        if executor.dialect == .postgres {
            try await executor.execute("SELECT pg_advisory_xact_lock(?)", .int(Self.advisoryLockKey))
        }
    }

    private func appliedMigrations(on executor: any DatabaseExecutor) async throws -> [AppliedMigration] {
        try await executor.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").map { row in
            AppliedMigration(
                version: Int(try row.int("version")),
                name: try row.string("name"),
                checksum: try row.string("checksum"),
                appliedAt: try row.date("applied_at")
            )
        }
    }

    private func run(_ sql: String, of migration: Migration, on executor: any DatabaseExecutor) async throws {
        for statement in Migration.statements(in: sql) {
            do {
                try await executor.execute(statement)
            } catch {
                throw MigrationError.failed(migration: migration.identifier, statement: statement, reason: "\(error)")
            }
        }
    }
}
