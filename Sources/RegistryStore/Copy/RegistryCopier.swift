import Foundation
import Shared

/// Copies a whole registry from one database to another (SQLite to PostgreSQL, or back): users,
/// keys, sync sources, assets, versions, blobs, files, tags, references, installs, sync runs and
/// diagnostics, and the audit log — ids kept — in one transaction on the target, then checks it.
///
/// The target must be migrated and empty. Columns are matched by name and converted to the
/// target's types (timestamps, booleans, bytes); search documents are rebuilt on the target
/// because each backend indexes differently; PostgreSQL identity sequences are moved past the
/// copied ids, and on PostgreSQL the copied tables are analyzed so that the first searches are
/// planned with statistics.
public struct RegistryCopier: Sendable {
    /// Tables in an order that satisfies their foreign keys, each with its ordering key.
    /// `assets.latest_version_id` points forward, so it is filled in after the versions.
    static let tables: [(name: String, key: String)] = [
        ("users", "id"), ("api_keys", "id"), ("sync_sources", "id"), ("assets", "id"), ("asset_versions", "id"),
        ("blobs", "sha256"), ("version_files", "version_id, path"), ("asset_tags", "asset_id, tag"),
        ("asset_references", "version_id, ref_kind, ref_name"), ("install_events", "id"), ("sync_runs", "id"),
        ("sync_diagnostics", "id"), ("audit_log", "id"),
    ]
    static let batchSize = 500

    public struct TableReport: Sendable, Codable, Equatable {
        public let table: String
        public let source: Int64
        public let target: Int64
    }

    public struct Report: Sendable, Codable {
        public var tables: [TableReport] = []
        /// Versions whose files on the target were hashed again and matched their digest.
        public var versionsVerified = 0
        public var problems: [String] = []
        public var ok: Bool { problems.isEmpty }
    }

    public enum Failure: Error, CustomStringConvertible {
        case targetNotEmpty(String, Int64)
        case sameDatabase

        public var description: String {
            switch self {
            case .targetNotEmpty(let table, let count): "the target database is not empty (\(table) has \(count) rows); copy into a new, empty database"
            case .sameDatabase: "--from and --to are the same database"
            }
        }
    }

    let source: any Database
    let target: any Database
    let progress: @Sendable (String) -> Void

    public init(source: any Database, target: any Database, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.source = source
        self.target = target
        self.progress = progress
    }

    /// Copies everything, then verifies counts and every version's digest on the target.
    public func copy() async throws -> Report {
        for (table, _) in Self.tables {
            let count = try await Self.count(table, in: target)
            if count > 0 { throw Failure.targetNotEmpty(table, count) }
        }
        var sourceColumns: [String: [String: String]] = [:], targetColumns: [String: [String: String]] = [:]
        for (table, _) in Self.tables {
            sourceColumns[table] = try await Self.columns(table, in: source)
            targetColumns[table] = try await Self.columns(table, in: target)
        }
        let plan = (sourceColumns, targetColumns)
        let targetDialect = target.dialect
        let copied: [(String, Int64)] = try await target.transaction { executor in
            var counts: [(String, Int64)] = []
            var latest: [(asset: Int64, version: Int64)] = []
            for (table, key) in Self.tables {
                let shared = plan.1[table]!.keys.filter { plan.0[table]![$0] != nil && !Self.derived($0) }.sorted()
                let columnList = shared.joined(separator: ", ")
                let placeholders = Array(repeating: "?", count: shared.count).joined(separator: ", ")
                var offset = 0, copiedRows: Int64 = 0
                while true {
                    let rows = try await source.query("SELECT \(columnList) FROM \(table) ORDER BY \(key) LIMIT \(Self.batchSize) OFFSET \(offset)", [])
                    if rows.isEmpty { break }
                    for row in rows {
                        var values: [SQLValue] = []
                        for column in shared {
                            var value = try Self.convert(row[column], to: plan.1[table]![column]!, dialect: targetDialect, column: "\(table).\(column)")
                            if table == "assets" && column == "latest_version_id", case .int(let version) = value {
                                latest.append((try row.int("id"), version))
                                value = .null
                            }
                            values.append(value)
                        }
                        try await executor.execute("INSERT INTO \(table) (\(columnList)) VALUES (\(placeholders))", values)
                    }
                    copiedRows += Int64(rows.count)
                    offset += rows.count
                    if rows.count < Self.batchSize { break }
                }
                if table == "asset_versions" {
                    for (asset, version) in latest {
                        try await executor.execute("UPDATE assets SET latest_version_id = ? WHERE id = ?", [.int(version), .int(asset)])
                    }
                }
                progress("copied \(table): \(copiedRows) rows")
                counts.append((table, copiedRows))
            }
            if targetDialect == .postgres {
                for (table, key) in Self.tables where key == "id" {
                    try await executor.execute("SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 0) + 1, false)")
                }
            }
            // Search documents, in the target's own form.
            let assets = AssetStore(executor)
            for row in try await executor.query("SELECT a.id, a.name, a.description, COALESCE(v.readme_markdown, '') AS readme FROM assets a LEFT JOIN asset_versions v ON v.id = a.latest_version_id ORDER BY a.id", []) {
                let id = try row.int("id")
                let tags = try await executor.query("SELECT tag FROM asset_tags WHERE asset_id = ? ORDER BY tag", [.int(id)]).map { try $0.string("tag") }
                try await assets.updateSearchDocument(assetId: id, name: try row.string("name"), description: try row.string("description"), tags: tags, readme: try row.string("readme"))
            }
            return counts
        }
        if targetDialect == .postgres {
            // A new PostgreSQL database has no statistics for what was just loaded, and until
            // autovacuum gathers them (about a minute later) the planner reads every asset row
            // for a search: 15–18 ms each at 100,000 assets instead of ~2 (docs/benchmarks.md).
            progress("analyzing")
            try await target.execute("ANALYZE " + Self.tables.map(\.name).joined(separator: ", "), [])
        }
        progress("verifying")
        return try await verify(copied: copied)
    }

    /// Counts on both sides, every version's files hashed again on the target against its
    /// digest, and the digests equal on both sides.
    func verify(copied: [(String, Int64)]) async throws -> Report {
        var report = Report()
        for (table, _) in Self.tables {
            let sourceCount = try await Self.count(table, in: source), targetCount = try await Self.count(table, in: target)
            report.tables.append(TableReport(table: table, source: sourceCount, target: targetCount))
            if sourceCount != targetCount { report.problems.append("\(table): \(sourceCount) rows in the source, \(targetCount) in the target") }
        }
        let sourceDigests = Dictionary(uniqueKeysWithValues: try await source.query("SELECT id, digest FROM asset_versions", []).map { (try $0.int("id"), try $0.string("digest")) })
        let store = AssetStore(target)
        for row in try await target.query("SELECT id, digest FROM asset_versions ORDER BY id", []) {
            let id = try row.int("id"), digest = try row.string("digest")
            let files = try await store.package(versionId: id)
            let package = try AssetPackage(files: files, limits: PackageLimits(maxFiles: .max, maxFileBytes: .max, maxTotalBytes: .max))
            if package.digest != digest { report.problems.append("version \(id): its files hash to \(package.digest), not \(digest)") }
            if sourceDigests[id] != digest { report.problems.append("version \(id): digest differs from the source") }
            report.versionsVerified += 1
        }
        return report
    }

    /// Columns the backends compute themselves (PostgreSQL's search vector).
    static func derived(_ column: String) -> Bool { column == "search_vector" }

    static func count(_ table: String, in database: any DatabaseExecutor) async throws -> Int64 {
        try await database.first("SELECT COUNT(*) AS n FROM \(table)", [])?.int("n") ?? 0
    }

    /// Column name -> declared type, lower-cased.
    static func columns(_ table: String, in database: any DatabaseExecutor) async throws -> [String: String] {
        let rows = switch database.dialect {
        case .postgres: try await database.query("SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?", [.text(table)])
        case .sqlite: try await database.query("SELECT name, type FROM pragma_table_info(?)", [.text(table)])
        }
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.string("name"), try $0.string("type").lowercased()) })
    }

    /// `value` as the target column wants it.
    static func convert(_ value: SQLValue, to type: String, dialect: SQLDialect, column: String) throws -> SQLValue {
        if value == .null { return .null }
        switch (dialect, type) {
        case (.postgres, "timestamp with time zone"), (.postgres, "timestamp without time zone"):
            switch value {
            case .date: return value
            case .text(let text):
                guard let date = SQLTimestamp.parse(text) else { throw DatabaseError.backend("\(column): '\(text)' is not a timestamp") }
                return .date(date)
            default: throw DatabaseError.backend("\(column): \(value) is not a timestamp")
            }
        case (.postgres, "boolean"):
            switch value {
            case .bool: return value
            case .int(let number): return .bool(number != 0)
            default: throw DatabaseError.backend("\(column): \(value) is not a boolean")
            }
        case (.postgres, "bytea"):
            switch value {
            case .blob: return value
            case .text(let text): return .blob(Array(text.utf8))
            default: throw DatabaseError.backend("\(column): \(value) is not bytes")
            }
        case (.postgres, "bigint"), (.postgres, "integer"), (.postgres, "smallint"):
            switch value {
            case .int: return value
            case .bool(let flag): return .int(flag ? 1 : 0)
            default: throw DatabaseError.backend("\(column): \(value) is not a whole number")
            }
        default:
            // SQLite: the backend writes dates, booleans and bytes in its own way.
            return value
        }
    }
}
