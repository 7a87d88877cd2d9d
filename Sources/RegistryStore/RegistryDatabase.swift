import Logging
import Shared

/// The registry's database with its stores. `transaction` hands out the same stores bound to one
/// transaction, so a multi-step change (a user, their first key, the audit entry) commits as one.
public struct RegistryDatabase: Sendable {
    public let database: any Database
    private let counted: ChangeCountingDatabase

    /// Every statement goes through a ``ChangeCountingDatabase`` (the one given, or one made around it).
    public init(database: any Database) {
        counted = database as? ChangeCountingDatabase ?? ChangeCountingDatabase(database)
        self.database = counted
    }

    /// Changes made through this process so far (see ``ChangeCountingDatabase/generation``).
    public var changeGeneration: UInt64 { counted.generation }

    public var dialect: SQLDialect { database.dialect }
    public var users: UserStore { UserStore(database) }
    public var apiKeys: APIKeyStore { APIKeyStore(database) }
    public var audit: AuditLog { AuditLog(database) }
    public var assets: AssetStore { AssetStore(database) }
    public var sync: SyncStore { SyncStore(database) }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Stores) async throws -> T) async throws -> T {
        try await database.transaction { executor in
            try await body(Stores(executor))
        }
    }

    /// The stores bound to one executor (a transaction).
    public struct Stores: Sendable {
        public let executor: any DatabaseExecutor
        init(_ executor: any DatabaseExecutor) { self.executor = executor }
        public var users: UserStore { UserStore(executor) }
        public var apiKeys: APIKeyStore { APIKeyStore(executor) }
        public var audit: AuditLog { AuditLog(executor) }
        public var assets: AssetStore { AssetStore(executor) }
        public var sync: SyncStore { SyncStore(executor) }
    }

    /// Opens the database at `url` and returns it with the migration runner for this binary's migrations.
    public static func open(url: DatabaseURL, migrationsDirectory: String?, acquireTimeout: Duration? = nil, logger: Logger) async throws -> (RegistryDatabase, MigrationRunner) {
        let folder = try MigrationDirectory.locate(explicit: migrationsDirectory)
        let migrations = try MigrationDirectory.load(from: folder)
        let database = ChangeCountingDatabase(try await url.open(acquireTimeout: acquireTimeout, logger: logger))
        return (RegistryDatabase(database: database), MigrationRunner(database: database, migrations: migrations, logger: logger))
    }
}
