import Foundation
import Logging
import RegistryStore
import Synchronization

/// A migrated, empty registry database for one benchmark process: a SQLite file in a temporary
/// folder, or a new database on a PostgreSQL server. `remove()` closes and deletes it.
struct BenchDatabase: Sendable {
    enum Backend: String, Sendable {
        case sqlite = "SQLite"
        case postgres = "PostgreSQL"
    }

    let registry: RegistryDatabase
    private let removal: @Sendable () async -> Void

    static let logger: Logger = {
        var logger = Logger(label: "agenthub-bench")
        logger.logLevel = .error
        return logger
    }()

    static func sqlite() async throws -> BenchDatabase {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agenthub-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let remove: @Sendable () -> Void = { try? FileManager.default.removeItem(at: folder) }
        do {
            let registry = try await migrated(.sqlite(path: folder.appendingPathComponent("bench.db").path))
            return BenchDatabase(registry: registry) {
                await registry.database.close()
                remove()
            }
        } catch {
            remove()
            throw error
        }
    }

    /// A new database on `server`, dropped again by `remove()`.
    static func postgres(_ server: PostgresURL) async throws -> BenchDatabase {
        let name = "agenthub_bench_\(UInt64.random(in: 0 ... .max))"
        let admin = try await PostgresDatabase.open(url: server, maximumConnections: 1, logger: logger)
        let drop: @Sendable () async -> Void = {
            try? await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            await admin.close()
        }
        do {
            try await admin.execute("CREATE DATABASE \(name)")
            let registry = try await migrated(.postgres(server.with(database: name)))
            return BenchDatabase(registry: registry) {
                await registry.database.close()
                await drop()
            }
        } catch {
            await drop()
            throw error
        }
    }

    private static func migrated(_ url: DatabaseURL) async throws -> RegistryDatabase {
        let (registry, runner) = try await RegistryDatabase.open(url: url, migrationsDirectory: nil, logger: logger)
        do {
            try await runner.up()
            return registry
        } catch {
            await registry.database.close()
            throw error
        }
    }

    func remove() async { await removal() }
}

/// What a benchmark's setup made, for its measured closure and its teardown (the benchmark package
/// passes setup's result to the measured closure only, and teardown has a database to remove).
final class SetupState<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)

    func set(_ value: Value) { storage.withLock { $0 = value } }

    /// The value setup stored; reading it before setup ran is a programming error.
    var value: Value {
        guard let value = storage.withLock({ $0 }) else { preconditionFailure("benchmark setup did not run") }
        return value
    }

    /// Takes the value out (for teardown), nil when setup failed before storing one.
    func take() -> Value? { storage.withLock { value in defer { value = nil }; return value } }
}
