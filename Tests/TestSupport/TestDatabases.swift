import Foundation
import Logging
import RegistryStore
import Synchronization

/// A database backend a test runs against.
public enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }
}

/// Throwaway databases for tests: a fresh SQLite file in a temporary folder, or a fresh database
/// on the PostgreSQL server of `TEST_DATABASE_URL` (the test script starts one).
///
/// `REQUIRE_POSTGRES=1` (set by `scripts/test.sh` and CI) makes a missing server a failure
/// instead of running SQLite only.
public enum TestDatabases {
    /// The backends every contract test runs on.
    public static var backends: [TestBackend] {
        let environment = ProcessInfo.processInfo.environment
        if environment["TEST_DATABASE_URL"]?.isEmpty == false || environment["REQUIRE_POSTGRES"] == "1" {
            return [.sqlite, .postgres]
        }
        return [.sqlite]
    }

    public static let logger: Logger = {
        var logger = Logger(label: "agenthub-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }()

    public struct MissingPostgres: Error, CustomStringConvertible {
        public let description = "REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: run the tests with scripts/test.sh, which starts PostgreSQL"
    }

    /// Creates an empty database on `backend`, gives its URL to `body`, and drops it afterwards.
    public static func withDatabaseURL<T: Sendable>(_ backend: TestBackend, test: String = #function, _ body: (DatabaseURL) async throws -> T) async throws -> T {
        try record(backend, test: test)
        switch backend {
        case .sqlite:
            let folder = try TemporaryDirectory()
            defer { folder.remove() }
            return try await body(.sqlite(path: folder.url.appendingPathComponent("test.db").path))
        case .postgres:
            guard let text = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !text.isEmpty else {
                throw MissingPostgres()
            }
            guard case .postgres(let server) = try DatabaseURL(text) else {
                throw DatabaseError.invalidURL("TEST_DATABASE_URL must be a postgres:// URL")
            }
            let name = "agenthub_test_\(UInt64.random(in: 0 ... .max))"
            let admin = try await PostgresDatabase.open(url: server, maximumConnections: 1, logger: logger)
            try await admin.execute("CREATE DATABASE \(name)")
            do {
                let result = try await body(.postgres(server.with(database: name)))
                try? await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                await admin.close()
                return result
            } catch {
                try? await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                await admin.close()
                throw error
            }
        }
    }

    /// Opens an empty, migrated database on `backend` for `body`, and closes and drops it afterwards.
    public static func withMigratedDatabase<T: Sendable>(_ backend: TestBackend, test: String = #function, _ body: (RegistryDatabase) async throws -> T) async throws -> T {
        try await withDatabaseURL(backend, test: test) { url in
            let (registry, runner) = try await RegistryDatabase.open(url: url, migrationsDirectory: nil, logger: logger)
            do {
                try await runner.up()
                let result = try await body(registry)
                await registry.database.close()
                return result
            } catch {
                await registry.database.close()
                throw error
            }
        }
    }

    /// Opens the database at `url` with this checkout's migrations (not applied), and closes it afterwards.
    public static func withOpened<T: Sendable>(_ url: DatabaseURL, _ body: (RegistryDatabase, MigrationRunner) async throws -> T) async throws -> T {
        let (registry, runner) = try await RegistryDatabase.open(url: url, migrationsDirectory: nil, logger: logger)
        do {
            let result = try await body(registry, runner)
            await registry.database.close()
            return result
        } catch {
            await registry.database.close()
            throw error
        }
    }

    /// Appends "backend test" to `$AGENTHUB_TEST_REPORT`, which the test script counts per backend.
    static func record(_ backend: TestBackend, test: String) throws {
        guard let path = ProcessInfo.processInfo.environment["AGENTHUB_TEST_REPORT"], !path.isEmpty else { return }
        try reportLock.withLock { _ in try append(backend, test: test, to: path) }
    }

    private static let reportLock = Mutex(())

    private static func append(_ backend: TestBackend, test: String, to path: String) throws {
        let line = Data("\(backend.rawValue) \(test)\n".utf8)
        if let handle = FileHandle(forWritingAtPath: path) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } else {
            FileManager.default.createFile(atPath: path, contents: line)
        }
    }
}

/// A temporary folder, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("agenthub-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
