import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// Where the registry's data lives, parsed from `DATABASE_URL`.
///
/// - `sqlite:///absolute/path.db`, `sqlite://relative/path.db` or a bare path: an SQLite file
/// - `sqlite::memory:`: a private in-memory SQLite database (tests)
/// - `postgres://user:password@host:port/database?sslmode=disable|prefer|require` (or `postgresql://`)
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case sqliteMemory
    case postgres(PostgresURL)

    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "sqlite::memory:" || trimmed == "sqlite://:memory:" {
            self = .sqliteMemory
        } else if trimmed.hasPrefix("sqlite://") {
            let path = String(trimmed.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw DatabaseError.invalidURL("DATABASE_URL \"sqlite://\" has no path; use sqlite:///absolute/path/agenthub.db") }
            self = .sqlite(path: path)
        } else if trimmed.hasPrefix("sqlite:") {
            let path = String(trimmed.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw DatabaseError.invalidURL("DATABASE_URL \"sqlite:\" has no path; use sqlite:///absolute/path/agenthub.db") }
            self = .sqlite(path: path)
        } else if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            self = .postgres(try PostgresURL(trimmed))
        } else {
            let scheme = trimmed.split(separator: ":").first.map(String.init) ?? trimmed
            throw DatabaseError.invalidURL("DATABASE_URL scheme \"\(scheme)\" is not supported; use sqlite:///path/to/agenthub.db, sqlite::memory: or postgres://user:password@host:5432/database")
        }
    }

    public var dialect: SQLDialect {
        switch self {
        case .sqlite, .sqliteMemory: .sqlite
        case .postgres: .postgres
        }
    }

    /// The URL as `DATABASE_URL` takes it, password included: for child processes, never for logs.
    public var connectionString: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .sqliteMemory: "sqlite::memory:"
        case .postgres(let url):
            "postgres://\(url.username.urlUserEncoded)\(url.password.map { ":\($0.urlUserEncoded)" } ?? "")@\(url.host):\(url.port)/\(url.database)?sslmode=\(url.sslMode.rawValue)"
        }
    }

    /// The URL without its password, for logs and messages.
    public var redacted: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .sqliteMemory: "sqlite::memory:"
        case .postgres(let url): url.redacted
        }
    }
}

/// A parsed `postgres://` URL.
public struct PostgresURL: Sendable, Equatable {
    public enum SSLMode: String, Sendable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode

    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw DatabaseError.invalidURL("DATABASE_URL is not a valid postgres:// URL; expected postgres://user:password@host:5432/database")
        }
        guard let user = components.user, !user.isEmpty else {
            throw DatabaseError.invalidURL("DATABASE_URL has no user name; expected postgres://user:password@host:5432/database")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw DatabaseError.invalidURL("DATABASE_URL has no database name; expected postgres://user:password@host:5432/database")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        switch mode {
        case "disable", "allow": self.sslMode = .disable
        case "prefer": self.sslMode = .prefer
        case "require", "verify-ca", "verify-full": self.sslMode = .require
        default:
            throw DatabaseError.invalidURL("DATABASE_URL sslmode \"\(mode)\" is not supported; use disable, prefer or require")
        }
    }

    public var redacted: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    /// The same server and credentials with another database name (tests create throwaway databases).
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    var tls: PostgresClient.Configuration.TLS {
        switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }
}

extension DatabaseURL {
    /// Opens the database this URL names.
    /// `acquireTimeout` (PostgreSQL): how long a statement may wait for a pooled connection
    /// before it fails as unavailable; nil waits as long as it takes.
    public func open(acquireTimeout: Duration? = nil, logger: Logger) async throws -> any Database {
        switch self {
        case .sqlite(let path): try await SQLiteDatabase.open(path: path, logger: logger)
        case .sqliteMemory: try await SQLiteDatabase.open(path: nil, logger: logger)
        case .postgres(let url): try await PostgresDatabase.open(url: url, acquireTimeout: acquireTimeout, logger: logger)
        }
    }
}

extension String {
    fileprivate var urlUserEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .urlUserAllowed.subtracting(CharacterSet(charactersIn: ":@/"))) ?? self
    }
}
