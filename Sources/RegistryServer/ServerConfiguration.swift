import Foundation
import Logging
import RegistryStore
import Shared

/// Every setting of `agenthub-server`, read from the environment.
///
/// `ServerConfiguration.variables` is the single list of variables, defaults and meanings: the
/// README's table is printed from it by `agenthub-server env-doc` and a test keeps the two equal.
public struct ServerConfiguration: Sendable {
    /// One environment variable: its name, default (as shown to people) and meaning.
    public struct Variable: Sendable {
        public let name: String
        public let defaultValue: String
        public let meaning: String
    }

    public static let variables: [Variable] = [
        .init(name: "HOST", defaultValue: "127.0.0.1", meaning: "Address to listen on; `0.0.0.0` to accept connections from other machines (the container image sets it)."),
        .init(name: "PORT", defaultValue: "8000", meaning: "TCP port to listen on; `0` picks a free port and prints it."),
        .init(name: "DATA_DIR", defaultValue: "./data", meaning: "Folder for the SQLite database, the generated secret key and sync work trees; created if missing."),
        .init(name: "DATABASE_URL", defaultValue: "sqlite:///$DATA_DIR/agenthub.db", meaning: "`sqlite:///path`, `sqlite::memory:` or `postgres://user:password@host:5432/db?sslmode=disable\\|prefer\\|require`."),
        .init(name: "DATABASE_ACQUIRE_TIMEOUT_SECONDS", defaultValue: "30", meaning: "PostgreSQL: how long a request waits for a pooled connection (e.g. while the database restarts) before it is answered 503."),
        .init(name: "AUTO_MIGRATE", defaultValue: "false", meaning: "PostgreSQL only: apply pending migrations on start instead of refusing to serve. SQLite always migrates on start."),
        .init(name: "MIGRATIONS_DIR", defaultValue: "(found automatically)", meaning: "Folder of the migrations; by default `./alembic-equivalent-migrations`, then `share/agenthub/` beside the binary, then the source tree."),
        .init(name: "SECRET_KEY", defaultValue: "(generated)", meaning: "Signs login tokens (at least 32 characters). When unset, one is generated and kept in `$DATA_DIR/secret_key`; set it when several replicas share a database."),
        .init(name: "ADMIN_USERNAME", defaultValue: "admin", meaning: "User name of the administrator created on first start."),
        .init(name: "ADMIN_EMAIL", defaultValue: "admin@agenthub.local", meaning: "E-mail of that administrator."),
        .init(name: "ADMIN_PASSWORD", defaultValue: "(generated)", meaning: "Password of that administrator. When unset, one is generated and printed once at creation. When set, it also resets a changed password on start."),
        .init(name: "ADMIN_API_KEY", defaultValue: "(none)", meaning: "A key (at least 32 characters) that acts as the administrator, compared in constant time. Changing it revokes the old one."),
        .init(name: "REGISTRATION_ENABLED", defaultValue: "true", meaning: "Whether anyone may create an account with `POST /api/v1/auth/register` (and the AgentHub client's password-less `/auth/api-key`)."),
        .init(name: "JWT_TTL_SECONDS", defaultValue: "86400", meaning: "Lifetime of a login token (24 h)."),
        .init(name: "BCRYPT_COST", defaultValue: "12", meaning: "bcrypt work factor for passwords and API keys (4 to 16)."),
        .init(name: "API_KEY_CACHE_SIZE", defaultValue: "10000", meaning: "How many verified API keys are remembered in memory, so that repeated requests cost no bcrypt check."),
        .init(name: "API_KEY_CACHE_TTL_SECONDS", defaultValue: "300", meaning: "How long a verified API key is remembered."),
        .init(name: "RESPONSE_CACHE_SECONDS", defaultValue: "1", meaning: "How long answers of the public read routes (search and browse, asset detail, downloads, the AgentHub lists, item and install) and the identity an API key proved are kept in memory. A change made through this server shows at once; one made by another process (a second replica, `sync --once`) within this time (an answer older than it is given once more while it is made again). 0 turns both off."),
        .init(name: "RESPONSE_CACHE_MB", defaultValue: "64", meaning: "Memory the response cache may use, in MiB."),
        .init(name: "LOGIN_RATE_LIMIT", defaultValue: "10", meaning: "Login attempts allowed per client address and per account within the window; more get 429."),
        .init(name: "LOGIN_RATE_WINDOW_SECONDS", defaultValue: "60", meaning: "The window of `LOGIN_RATE_LIMIT`."),
        .init(name: "REGISTER_RATE_LIMIT", defaultValue: "20", meaning: "Accounts one client address may create (`/auth/register`, the AgentHub client's sign-up) per `REGISTER_RATE_WINDOW_SECONDS`; more get 429."),
        .init(name: "REGISTER_RATE_WINDOW_SECONDS", defaultValue: "3600", meaning: "The window of `REGISTER_RATE_LIMIT`."),
        .init(name: "PUBLISH_RATE_LIMIT", defaultValue: "120", meaning: "Versions one user (admins excepted) may publish per `PUBLISH_RATE_WINDOW_SECONDS`; more get 429. Sync is not limited."),
        .init(name: "PUBLISH_RATE_WINDOW_SECONDS", defaultValue: "60", meaning: "The window of `PUBLISH_RATE_LIMIT`."),
        .init(name: "MAX_BODY_BYTES", defaultValue: "33554432", meaning: "Largest request body accepted (32 MiB); larger ones get 413."),
        .init(name: "MAX_PACKAGE_FILES", defaultValue: "1000", meaning: "Most files one published version may have."),
        .init(name: "MAX_FILE_BYTES", defaultValue: "5242880", meaning: "Largest single file in a package (5 MiB)."),
        .init(name: "MAX_PACKAGE_BYTES", defaultValue: "10485760", meaning: "Largest total size of a package's files (10 MiB), checked while unpacking, so a compressed bomb stops there."),
        .init(name: "SYNC_ENABLED", defaultValue: "false", meaning: "Whether this server syncs due sources itself (each source has its own interval); with several servers on one PostgreSQL, a lease makes one of them sync each source."),
        .init(name: "SYNC_INTERVAL", defaultValue: "60", meaning: "Seconds between the scheduler's checks for due sources."),
        .init(name: "WEBHOOK_SECRET", defaultValue: "(none)", meaning: "Shared secret of the push webhooks (`/api/v1/webhooks/github` checks `X-Hub-Signature-256`, `/api/v1/webhooks/gitlab` checks `X-Gitlab-Token`); unset: webhooks are refused."),
        .init(name: "GIT_CA_FILE", defaultValue: "(none)", meaning: "A PEM file of extra certificate authorities for HTTPS git servers (an internal CA); added to the system's bundle."),
        .init(name: "SYNC_TIMEOUT_SECONDS", defaultValue: "300", meaning: "Longest a clone or fetch of one sync source may take before the run is recorded as timed out."),
        .init(name: "SYNC_ALLOW_FILE_URLS", defaultValue: "false", meaning: "Whether sync sources may be `file://` paths on the server (for tests and local mirrors); remote sources are `https://`, `http://` or `git://`."),
        .init(name: "FRONTEND_DIR", defaultValue: "(found automatically)", meaning: "Folder of the web UI (`index.html` and `ui/`); by default `./frontend-static`, then `share/agenthub/frontend-static` beside the binary, then the source tree."),
        .init(name: "LOG_LEVEL", defaultValue: "info", meaning: "`trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`."),
        .init(name: "LOG_FORMAT", defaultValue: "text", meaning: "`text` (one readable line per event) or `json` (one JSON object per line: `ts`, `level`, `message`, `label`, `source` and the event's fields), both on standard error."),
        .init(name: "METRICS_ENABLED", defaultValue: "true", meaning: "Whether `GET /metrics` answers in the Prometheus text format (requests and latency by route, sync runs, assets by kind, database)."),
        .init(name: "METRICS_TOKEN", defaultValue: "(none)", meaning: "When set, `/metrics` requires `Authorization: Bearer <token>` (compared in constant time); unset: anyone who reaches the port may scrape."),
    ]

    public var host: String
    public var port: Int
    public var dataDirectory: URL
    public var databaseURL: DatabaseURL
    public var autoMigrate: Bool
    public var databaseAcquireTimeout: Duration
    public var migrationsDirectory: String?
    public var frontendDirectory: String?
    public var secretKey: String?
    public var adminUsername: String
    public var adminEmail: String
    public var adminPassword: String?
    public var adminAPIKey: String?
    public var registrationEnabled: Bool
    public var jwtTTL: Duration
    public var bcryptCost: UInt8
    public var apiKeyCacheSize: Int
    public var apiKeyCacheTTL: Duration
    public var responseCacheLifetime: Duration
    public var responseCacheBytes: Int
    public var loginRateLimit: Int
    public var loginRateWindow: Duration
    public var maxBodyBytes: Int
    public var registerRateLimit: Int
    public var registerRateWindow: Duration
    public var publishRateLimit: Int
    public var publishRateWindow: Duration
    public var packageLimits: PackageLimits
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    public var metricsEnabled: Bool
    public var metricsToken: String?
    public var syncTimeout: Duration
    public var syncEnabled: Bool
    public var gitCAFile: String?
    public var syncInterval: Duration
    public var webhookSecret: String?
    public var syncAllowFileURLs: Bool

    /// Reads the configuration; a bad value is an error that names the variable and what it accepts.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = value(name) else { return fallback }
            guard let number = Int(text), range.contains(number) else {
                throw ConfigurationError("\(name)=\(text) is not valid: expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        func flag(_ name: String, default fallback: Bool) throws -> Bool {
            guard let text = value(name)?.lowercased() else { return fallback }
            switch text {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw ConfigurationError("\(name)=\(text) is not valid: expected true or false")
            }
        }

        host = value("HOST") ?? "127.0.0.1"
        port = try integer("PORT", default: 8000, range: 0...65535)
        let dataPath = value("DATA_DIR") ?? "./data"
        dataDirectory = URL(fileURLWithPath: dataPath, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        if let url = value("DATABASE_URL") {
            do {
                databaseURL = try DatabaseURL(url)
            } catch {
                throw ConfigurationError("\(error)")
            }
        } else {
            databaseURL = .sqlite(path: dataDirectory.appendingPathComponent("agenthub.db").path)
        }
        autoMigrate = try flag("AUTO_MIGRATE", default: false)
        databaseAcquireTimeout = .seconds(try integer("DATABASE_ACQUIRE_TIMEOUT_SECONDS", default: 30, range: 1...3600))
        migrationsDirectory = value("MIGRATIONS_DIR")
        frontendDirectory = value("FRONTEND_DIR")
        secretKey = value("SECRET_KEY")
        if let secretKey, secretKey.utf8.count < 32 {
            throw ConfigurationError("SECRET_KEY is too short (\(secretKey.utf8.count) characters): use at least 32 random characters, e.g. `openssl rand -hex 32`, or unset it to have one generated")
        }
        adminUsername = value("ADMIN_USERNAME") ?? "admin"
        adminEmail = value("ADMIN_EMAIL") ?? "admin@agenthub.local"
        adminPassword = environment["ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        adminAPIKey = value("ADMIN_API_KEY")
        if let adminAPIKey, adminAPIKey.utf8.count < 32 {
            throw ConfigurationError("ADMIN_API_KEY is too short (\(adminAPIKey.utf8.count) characters): use at least 32 random characters, or unset it")
        }
        registrationEnabled = try flag("REGISTRATION_ENABLED", default: true)
        jwtTTL = .seconds(try integer("JWT_TTL_SECONDS", default: 86_400, range: 60...31_536_000))
        bcryptCost = UInt8(try integer("BCRYPT_COST", default: 12, range: 4...16))
        apiKeyCacheSize = try integer("API_KEY_CACHE_SIZE", default: 10_000, range: 0...10_000_000)
        apiKeyCacheTTL = .seconds(try integer("API_KEY_CACHE_TTL_SECONDS", default: 300, range: 0...86_400))
        responseCacheLifetime = .seconds(try integer("RESPONSE_CACHE_SECONDS", default: 1, range: 0...3600))
        responseCacheBytes = try integer("RESPONSE_CACHE_MB", default: 64, range: 0...65_536) * 1024 * 1024
        loginRateLimit = try integer("LOGIN_RATE_LIMIT", default: 10, range: 1...1_000_000)
        loginRateWindow = .seconds(try integer("LOGIN_RATE_WINDOW_SECONDS", default: 60, range: 1...86_400))
        registerRateLimit = try integer("REGISTER_RATE_LIMIT", default: 20, range: 1...10_000_000)
        registerRateWindow = .seconds(try integer("REGISTER_RATE_WINDOW_SECONDS", default: 3600, range: 1...86_400))
        publishRateLimit = try integer("PUBLISH_RATE_LIMIT", default: 120, range: 1...10_000_000)
        publishRateWindow = .seconds(try integer("PUBLISH_RATE_WINDOW_SECONDS", default: 60, range: 1...86_400))
        maxBodyBytes = try integer("MAX_BODY_BYTES", default: 32 * 1024 * 1024, range: 1024...(1 << 34))
        packageLimits = PackageLimits(
            maxFiles: try integer("MAX_PACKAGE_FILES", default: 1000, range: 1...100_000),
            maxFileBytes: try integer("MAX_FILE_BYTES", default: 5 * 1024 * 1024, range: 1...(1 << 32)),
            maxTotalBytes: try integer("MAX_PACKAGE_BYTES", default: 10 * 1024 * 1024, range: 1...(1 << 34))
        )
        syncTimeout = .seconds(try integer("SYNC_TIMEOUT_SECONDS", default: 300, range: 1...86_400))
        syncAllowFileURLs = try flag("SYNC_ALLOW_FILE_URLS", default: false)
        syncEnabled = try flag("SYNC_ENABLED", default: false)
        gitCAFile = value("GIT_CA_FILE")
        syncInterval = .seconds(try integer("SYNC_INTERVAL", default: 60, range: 1...86_400))
        webhookSecret = value("WEBHOOK_SECRET")
        if let webhookSecret, webhookSecret.utf8.count < 16 {
            throw ConfigurationError("WEBHOOK_SECRET is too short: use at least 16 random characters, or unset it")
        }
        let levelText = value("LOG_LEVEL")?.lowercased() ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ConfigurationError("LOG_LEVEL=\(levelText) is not valid: expected trace, debug, info, notice, warning, error or critical")
        }
        logLevel = level
        guard let format = LogFormat(rawValue: value("LOG_FORMAT")?.lowercased() ?? "text") else {
            throw ConfigurationError("LOG_FORMAT=\(value("LOG_FORMAT") ?? "") is not valid: expected text or json")
        }
        logFormat = format
        metricsEnabled = try flag("METRICS_ENABLED", default: true)
        metricsToken = value("METRICS_TOKEN")
        if let metricsToken, metricsToken.utf8.count < 16 {
            throw ConfigurationError("METRICS_TOKEN is too short: use at least 16 random characters, or unset it")
        }

        if let adminPassword, let problem = Shared.AccountValidation.passwordProblem(adminPassword) {
            throw ConfigurationError("ADMIN_PASSWORD is not acceptable: \(problem)")
        }
        if let problem = Shared.AccountValidation.emailProblem(adminEmail) {
            throw ConfigurationError("ADMIN_EMAIL=\(adminEmail) is not acceptable: \(problem)")
        }
        if let problem = Shared.AccountValidation.usernameProblem(adminUsername) {
            throw ConfigurationError("ADMIN_USERNAME=\(adminUsername) is not acceptable: \(problem)")
        }
    }

    /// The Markdown table of `variables`, as in the README.
    public static func markdownTable() -> String {
        var lines = ["| variable | default | meaning |", "|---|---|---|"]
        for variable in variables {
            lines.append("| `\(variable.name)` | `\(variable.defaultValue)` | \(variable.meaning) |")
        }
        return lines.joined(separator: "\n")
    }
}

/// A setting that cannot be used, with what to do instead.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
