import Foundation

/// Reads the migrations from `alembic-equivalent-migrations/`.
///
/// Each migration is a folder `NNNN_name` holding `up.sql` and `down.sql`, or per dialect
/// `up.sqlite.sql`, `up.postgres.sql`, `down.sqlite.sql`, `down.postgres.sql` (a dialect file wins
/// over the shared one). Versions start at 1 and have no gaps.
public enum MigrationDirectory {
    public static let folderName = "alembic-equivalent-migrations"

    /// Finds the folder: `MIGRATIONS_DIR` when given, else the working directory, the executable's
    /// `share/agenthub` folder, and last the source tree this binary was built from.
    /// The folder of the running binary: `/proc/self/exe` (argv[0] is only a name when the binary
    /// was found on PATH), else argv[0].
    public static var executableFolder: URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path).deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    public static func locate(explicit: String? = nil) throws -> URL {
        let fileManager = FileManager.default
        if let explicit, !explicit.isEmpty {
            let url = URL(fileURLWithPath: explicit)
            guard fileManager.fileExists(atPath: url.path) else {
                throw MigrationError.folderNotFound("MIGRATIONS_DIR \(explicit) does not exist")
            }
            return url
        }
        var candidates = [URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent(folderName)]
        let executable = Self.executableFolder
        candidates.append(executable.appendingPathComponent("../share/agenthub/\(folderName)").standardizedFileURL)
        candidates.append(executable.appendingPathComponent(folderName))
        // Sources/RegistryStore/Migrations/MigrationDirectory.swift -> the package root
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(sourceRoot.appendingPathComponent(folderName))
        for candidate in candidates where fileManager.fileExists(atPath: candidate.path) {
            return candidate
        }
        throw MigrationError.folderNotFound("the \(folderName) folder was not found (looked in \(candidates.map(\.path).joined(separator: ", "))); set MIGRATIONS_DIR to its path")
    }

    /// Loads and checks every migration in `folder`.
    public static func load(from folder: URL) throws -> [Migration] {
        let fileManager = FileManager.default
        let entries = try fileManager.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        var migrations: [Migration] = []
        for entry in entries {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: folder.appendingPathComponent(entry).path, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            let parts = entry.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0,
                  parts[1].allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" })
            else {
                throw MigrationError.invalid("\(entry): a migration folder must be named NNNN_lower_case_name")
            }
            let directory = folder.appendingPathComponent(entry)
            var up: [SQLDialect: String] = [:]
            var down: [SQLDialect: String] = [:]
            for dialect in SQLDialect.allCases {
                up[dialect] = try read(directory, direction: "up", dialect: dialect)
                down[dialect] = try read(directory, direction: "down", dialect: dialect)
            }
            migrations.append(Migration(version: version, name: String(parts[1]), up: up, down: down))
        }
        for (index, migration) in migrations.enumerated() where migration.version != index + 1 {
            throw MigrationError.invalid("migration versions must run 1, 2, 3… without gaps or repeats; found \(migration.identifier) at position \(index + 1)")
        }
        return migrations
    }

    private static func read(_ directory: URL, direction: String, dialect: SQLDialect) throws -> String {
        let specific = directory.appendingPathComponent("\(direction).\(dialect.rawValue).sql")
        let shared = directory.appendingPathComponent("\(direction).sql")
        for file in [specific, shared] where FileManager.default.fileExists(atPath: file.path) {
            let text = try String(contentsOf: file, encoding: .utf8)
            guard !Migration.statements(in: text).isEmpty else {
                throw MigrationError.invalid("\(file.path) contains no SQL statement")
            }
            return text
        }
        throw MigrationError.invalid("\(directory.lastPathComponent) has neither \(specific.lastPathComponent) nor \(shared.lastPathComponent)")
    }
}

public enum MigrationError: Error, CustomStringConvertible, Sendable {
    case folderNotFound(String)
    case invalid(String)
    case modified([String])
    case unknownApplied([Int])
    case pending(count: Int, command: String)
    case failed(migration: String, statement: String, reason: String)

    public var description: String {
        switch self {
        case .folderNotFound(let message), .invalid(let message):
            message
        case .modified(let names):
            "applied migrations were edited since they ran: \(names.joined(separator: ", ")); migrations must never change once landed: restore the original files and add a new migration instead"
        case .unknownApplied(let versions):
            "the database has migrations this server does not know (\(versions.map(String.init).joined(separator: ", "))): it was migrated by a newer version; run that version, or roll back with its `agenthub-server migrate down`"
        case .pending(let count, let command):
            "the database has \(count) pending migration\(count == 1 ? "" : "s"); run `\(command)` first, or set AUTO_MIGRATE=true to apply them on start"
        case .failed(let migration, let statement, let reason):
            "migration \(migration) failed at `\(statement.prefix(120))`: \(reason)"
        }
    }
}
