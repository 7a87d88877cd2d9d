import Foundation
import Logging
import RegistryAuth
import RegistryStore
import Shared
import SyncWorker

/// Everything the routes need, opened and checked once at start: the database (migrated as the
/// configuration says), the secret, the admin account, and the auth services.
struct AppServices: Sendable {
    let configuration: ServerConfiguration
    let registry: RegistryDatabase
    let migrations: MigrationRunner
    let hasher: PasswordHasher
    let apiKeys: APIKeyService
    let tokens: TokenService
    let authenticator: Authenticator
    let loginLimiter: RateLimiter
    let registerLimiter: RateLimiter
    let publisher: PublishService
    let sealer: CredentialSealer
    let syncService: SyncService
    let metrics: ServerMetrics
    let responseCache: ResponseCache
    let logger: Logger

    var packageLimits: PackageLimits { configuration.packageLimits }

    /// Opens the database, applies the migration policy (SQLite: migrate; PostgreSQL: refuse
    /// pending migrations unless `AUTO_MIGRATE`), loads the secret and bootstraps the admin.
    static func prepare(_ configuration: ServerConfiguration, logger: Logger, announce: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }) async throws -> AppServices {
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        let (registry, migrations) = try await RegistryDatabase.open(url: configuration.databaseURL, migrationsDirectory: configuration.migrationsDirectory, acquireTimeout: configuration.databaseAcquireTimeout, logger: logger)
        do {
            try await applyMigrationPolicy(configuration, migrations, logger: logger)
            let secret = try SecretKeyStore.load(configured: configuration.secretKey, dataDirectory: configuration.dataDirectory)
            let hasher = PasswordHasher(cost: configuration.bcryptCost)
            let apiKeys = APIKeyService(hasher: hasher, cacheCapacity: configuration.apiKeyCacheSize, cacheTTL: configuration.apiKeyCacheTTL)
            let tokens = await TokenService(secret: secret, ttl: configuration.jwtTTL)
            var bootstrap = AdminBootstrap(configuration: configuration, registry: registry, hasher: hasher, logger: logger)
            bootstrap.announce = announce
            try await bootstrap.run()
            if let caFile = configuration.gitCAFile {
                try installCertificateAuthorities(caFile, dataDirectory: configuration.dataDirectory)
            }
            let publisher = PublishService(registry: registry, limits: configuration.packageLimits, rateLimiter: RateLimiter(limit: configuration.publishRateLimit, window: configuration.publishRateWindow))
            let sealer = CredentialSealer(secret: secret)
            let metrics = ServerMetrics()
            let services = AppServices(
                configuration: configuration,
                registry: registry,
                migrations: migrations,
                hasher: hasher,
                apiKeys: apiKeys,
                tokens: tokens,
                authenticator: Authenticator(registry: registry, apiKeys: apiKeys, tokens: tokens, adminAPIKey: configuration.adminAPIKey, adminUsername: configuration.adminUsername,
                                             recent: RecentIdentities(capacity: configuration.apiKeyCacheSize, lifetime: min(configuration.responseCacheLifetime, configuration.apiKeyCacheTTL))),
                loginLimiter: RateLimiter(limit: configuration.loginRateLimit, window: configuration.loginRateWindow),
                registerLimiter: RateLimiter(limit: configuration.registerRateLimit, window: configuration.registerRateWindow),
                publisher: publisher,
                sealer: sealer,
                syncService: SyncService(
                    registry: registry, git: LibGit2Client(), publisher: ServerSyncPublisher(publisher: publisher, registry: registry),
                    workDirectory: configuration.dataDirectory.appendingPathComponent("git"), limits: configuration.packageLimits,
                    timeout: configuration.syncTimeout, logger: logger,
                    credentials: { source in
                        guard let sealed = source.credentialsCiphertext else { return .none }
                        return try sealer.open(sealed)
                    },
                    finished: { run, elapsed in
                        metrics.recordSyncRun(status: run.status, seconds: elapsed.inSeconds)
                    }
                ),
                metrics: metrics,
                responseCache: ResponseCache(registry: registry, lifetime: configuration.responseCacheLifetime, maxBytes: configuration.responseCacheBytes),
                logger: logger
            )
            // Runs a crash or kill left "running" are recorded as interrupted; their sources sync again.
            try await services.syncService.recoverInterrupted()
            return services
        } catch {
            await registry.database.close()
            throw error
        }
    }

    static func applyMigrationPolicy(_ configuration: ServerConfiguration, _ migrations: MigrationRunner, logger: Logger) async throws {
        let status = try await migrations.status()
        if !status.modified.isEmpty { throw MigrationError.modified(status.modified.map(\.identifier)) }
        if !status.unknown.isEmpty { throw MigrationError.unknownApplied(status.unknown) }
        guard !status.pending.isEmpty else { return }
        if configuration.databaseURL.dialect == .sqlite || configuration.autoMigrate {
            let applied = try await migrations.up()
            logger.info("database migrated", metadata: ["applied": "\(applied.map(\.identifier))"])
        } else {
            throw MigrationError.pending(count: status.pending.count, command: "agenthub-server migrate up")
        }
    }

    /// Writes the system's CA bundle plus `file` into the data folder and points libgit2 at it.
    static func installCertificateAuthorities(_ file: String, dataDirectory: URL) throws {
        guard let extra = FileManager.default.contents(atPath: file), String(decoding: extra, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw ConfigurationError("GIT_CA_FILE \(file) is not a readable PEM file of certificates")
        }
        var bundle = FileManager.default.contents(atPath: "/etc/ssl/certs/ca-certificates.crt") ?? Data()
        bundle.append(Data("\n".utf8))
        bundle.append(extra)
        let path = dataDirectory.appendingPathComponent("git-ca-bundle.pem")
        try bundle.write(to: path, options: .atomic)
        try LibGit2.setCertificateAuthorities(file: path.path)
    }

    func shutdown() async {
        await registry.database.close()
    }
}
