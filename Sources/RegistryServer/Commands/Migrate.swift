import ArgumentParser
import Foundation
import RegistryStore

/// `agenthub-server migrate up|down [N]|status` against `DATABASE_URL`.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply, revert or list database migrations.",
        discussion: """
            Examples:
              agenthub-server migrate status
              agenthub-server migrate up
              agenthub-server migrate down 1
            """,
        subcommands: [Up.self, Down.self, Status.self]
    )

    /// Opens the configured database, runs `body` with its migration runner, then closes it.
    static func withRunner(_ body: (MigrationRunner) async throws -> Void) async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(configuration)
        let runner: MigrationRunner
        do {
            try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
            runner = try await RegistryDatabase.open(url: configuration.databaseURL, migrationsDirectory: configuration.migrationsDirectory, logger: logger).1
        } catch {
            throw fail(error)
        }
        do {
            try await body(runner)
        } catch let error as ExitCode {
            await runner.database.close()
            throw error
        } catch {
            await runner.database.close()
            throw fail(error)
        }
        await runner.database.close()
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations (all, or up to --to VERSION).")
        @Option(name: .long, help: "Stop after this version.") var to: Int?

        func run() async throws {
            try await Migrate.withRunner { runner in
                let applied = try await runner.up(to: to)
                if applied.isEmpty {
                    print("Nothing to apply: the database is up to date.")
                } else {
                    for migration in applied { print("applied \(migration.identifier)") }
                }
            }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revert the last N applied migrations (default 1).")
        @Argument(help: "How many migrations to revert.") var steps: Int = 1

        func validate() throws {
            guard steps >= 1 else { throw ValidationError("N must be at least 1") }
        }

        func run() async throws {
            try await Migrate.withRunner { runner in
                let reverted = try await runner.down(steps: steps)
                if reverted.isEmpty {
                    print("Nothing to revert: no migration is applied.")
                } else {
                    for migration in reverted { print("reverted \(migration.identifier)") }
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applied and pending migrations.")
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            try await Migrate.withRunner { runner in
                let status = try await runner.status()
                let modified = Set(status.modified.map(\.version))
                let appliedVersions = Set(status.applied.map(\.version))
                if json {
                    let entries: [[String: Any]] = runner.migrations.map { migration in
                        [
                            "version": migration.version, "name": migration.name,
                            "applied": appliedVersions.contains(migration.version), "modified": modified.contains(migration.version),
                        ]
                    }
                    let object: [String: Any] = ["current": status.currentVersion, "migrations": entries, "unknown": status.unknown]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print("database: \(runner.database.redactedDescription)")
                    for migration in runner.migrations {
                        let state = appliedVersions.contains(migration.version) ? (modified.contains(migration.version) ? "applied, MODIFIED since" : "applied") : "pending"
                        print("  \(migration.identifier)  \(state)")
                    }
                    for version in status.unknown { print("  \(String(format: "%04d", version))  applied, UNKNOWN to this server") }
                    print(status.pending.isEmpty ? "up to date at version \(status.currentVersion)" : "\(status.pending.count) pending: run `agenthub-server migrate up`")
                }
                if !status.isUpToDate { throw ExitCode(3) }
            }
        }
    }
}
