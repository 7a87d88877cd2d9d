import ArgumentParser
import Foundation
import Logging
import RegistryStore

/// `agenthub-server db-copy --from URL --to URL`
struct DBCopy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db-copy",
        abstract: "Copy a whole registry into a new, empty database (e.g. SQLite to PostgreSQL) and verify it.",
        discussion: """
            Everything is copied with its ids — users, API keys, sync sources (credentials stay sealed:
            give the new server the same SECRET_KEY or data folder), assets, versions, blobs, installs,
            sync runs and diagnostics, the audit log — in one transaction on the target, which is
            migrated first and must be empty. Afterwards the row counts are compared and every
            version's files are hashed again against its digest. Stop the server (or keep it from
            writing) while copying, so that the copy is one moment's state.

            Examples:
              agenthub-server db-copy --from sqlite:///var/lib/agenthub/agenthub.db --to postgres://agenthub:secret@db:5432/agenthub
              agenthub-server db-copy --from postgres://…/agenthub --to sqlite:///backup/agenthub.db --json
            """
    )

    @Option(name: .long, help: "The registry to copy (sqlite:///path or postgres://…).") var from: String
    @Option(name: .long, help: "The new, empty database (created and migrated as needed).") var to: String
    @Flag(name: .long, help: "Print the report as JSON.") var json = false

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(configuration)
        let sourceURL: DatabaseURL, targetURL: DatabaseURL
        do {
            sourceURL = try DatabaseURL(from)
            targetURL = try DatabaseURL(to)
        } catch {
            throw fail(error)
        }
        guard sourceURL != targetURL else { throw fail(RegistryCopier.Failure.sameDatabase) }
        if case .sqlite(let path) = sourceURL, path != ":memory:", !FileManager.default.fileExists(atPath: path) {
            throw fail(CommandFailure("no SQLite database at \(path)"))
        }
        if case .sqlite(let path) = targetURL, path != ":memory:" {
            try? FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        }
        var opened: [any Database] = []
        do {
            let (source, sourceMigrations) = try await RegistryDatabase.open(url: sourceURL, migrationsDirectory: configuration.migrationsDirectory, logger: logger)
            opened.append(source.database)
            let status = try await sourceMigrations.status()
            guard status.pending.isEmpty, status.unknown.isEmpty, status.modified.isEmpty else {
                throw CommandFailure("the source database is not at this version's schema (\(status.pending.count) pending, \(status.unknown.count) unknown migrations); run `migrate up` against it with this binary first")
            }
            let (target, targetMigrations) = try await RegistryDatabase.open(url: targetURL, migrationsDirectory: configuration.migrationsDirectory, logger: logger)
            opened.append(target.database)
            let applied = try await targetMigrations.up()
            let quiet = json
            if !applied.isEmpty && !quiet { print("migrated \(targetURL.redacted): \(applied.map(\.identifier).joined(separator: ", "))") }
            let copier = RegistryCopier(source: source.database, target: target.database) { line in
                if !quiet { print(line) }
            }
            let report = try await copier.copy()
            if json {
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                for table in report.tables { print("\(table.table.padding(toLength: 18, withPad: " ", startingAt: 0)) \(table.source) -> \(table.target)") }
                print("\(report.versionsVerified) versions hashed again and matched their digests")
            }
            for database in opened { await database.close() }
            guard report.ok else {
                throw CommandFailure("the copy does not match: \(report.problems.joined(separator: "; "))")
            }
            if !json { print("copied \(sourceURL.redacted) to \(targetURL.redacted)") }
        } catch let error as ExitCode {
            throw error
        } catch {
            for database in opened { await database.close() }
            throw fail(error)
        }
    }
}

/// `agenthub-server backup PATH`
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent snapshot of the SQLite database to PATH, while the server keeps serving.",
        discussion: """
            Uses SQLite's VACUUM INTO on the configured DATABASE_URL (by default $DATA_DIR/agenthub.db):
            the snapshot is one transaction's view, compacted, and checked with PRAGMA integrity_check.
            PATH must not exist yet. For PostgreSQL use pg_dump.

            Examples:
              agenthub-server backup /backups/agenthub-$(date +%F).db
              DATA_DIR=/var/lib/agenthub agenthub-server backup /tmp/snapshot.db
            """
    )

    @Argument(help: "Where to write the snapshot (a new file).") var path: String

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(configuration)
        guard case .sqlite(let databasePath) = configuration.databaseURL, databasePath != ":memory:" else {
            throw fail(CommandFailure("backup works on a SQLite DATABASE_URL; for PostgreSQL use pg_dump"))
        }
        guard FileManager.default.fileExists(atPath: databasePath) else { throw fail(CommandFailure("no SQLite database at \(databasePath); set DATA_DIR or DATABASE_URL")) }
        let destination = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        guard !FileManager.default.fileExists(atPath: destination.path) else { throw fail(CommandFailure("\(destination.path) already exists; choose a new file")) }
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            let database = try await DatabaseURL.sqlite(path: databasePath).open(logger: logger)
            do {
                try await database.execute("VACUUM INTO ?", [.text(destination.path)])
            } catch {
                await database.close()
                throw error
            }
            await database.close()
            let snapshot = try await DatabaseURL.sqlite(path: destination.path).open(logger: logger)
            let check = try await snapshot.query("PRAGMA integrity_check", []).first.map { try $0.string("integrity_check") } ?? "no answer"
            let versions = try await snapshot.first("SELECT COUNT(*) AS n FROM asset_versions", [])?.int("n") ?? 0
            await snapshot.close()
            guard check == "ok" else {
                try? FileManager.default.removeItem(at: destination)
                throw CommandFailure("the snapshot failed its integrity check (\(check)); it was removed")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? NSNumber)?.int64Value ?? 0
            print("wrote \(destination.path) (\(size) bytes, \(versions) versions, integrity ok)")
        } catch let error as ExitCode {
            throw error
        } catch {
            throw fail(error)
        }
    }
}

/// A command's failure, said as it is.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
