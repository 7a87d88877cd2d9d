import Foundation
import Shared

/// Assets and their immutable versions, files, blobs, tags and references.
public struct AssetStore: Sendable {
    let db: any DatabaseExecutor

    public init(_ db: any DatabaseExecutor) { self.db = db }

    // MARK: - Assets

    public func find(kind: AssetKind, name: String) async throws -> Asset? {
        try await db.first("\(Asset.select) WHERE a.kind = ? AND a.name = ?", .text(kind.rawValue), .text(name)).map(Asset.init(row:))
    }

    public func find(id: Int64) async throws -> Asset? {
        try await db.first("\(Asset.select) WHERE a.id = ?", .int(id)).map(Asset.init(row:))
    }

    public func create(kind: AssetKind, name: String, description: String, ownerId: Int64, origin: AssetOrigin = .upload, syncSourceId: Int64? = nil, at now: Date = Date()) async throws -> Asset {
        let id = try await insert(kind: kind, name: name, description: description, ownerId: ownerId, origin: origin, syncSourceId: syncSourceId, at: now)
        guard let asset = try await find(id: id) else { throw DatabaseError.backend("the asset just inserted was not found") }
        return asset
    }

    /// `create` without reading the new row back: its id.
    public func insert(kind: AssetKind, name: String, description: String, ownerId: Int64, origin: AssetOrigin = .upload, syncSourceId: Int64? = nil, at now: Date = Date()) async throws -> Int64 {
        let ids = try await insert([NewAsset(kind: kind, name: name, description: description, ownerId: ownerId, origin: origin, syncSourceId: syncSourceId)], at: now)
        guard let id = ids[NewAsset.Key(kind: kind, name: name)] else { throw DatabaseError.backend("INSERT INTO assets returned no row") }
        return id
    }

    /// Several new assets, 100 per statement (a first sync stores a batch at once); their ids.
    public func insert(_ assets: [NewAsset], at now: Date = Date()) async throws -> [NewAsset.Key: Int64] {
        let rows = try await db.insertReturning(
            into: "assets", columns: ["kind", "name", "description", "owner_id", "status", "install_count", "origin", "sync_source_id", "created_at", "updated_at"],
            rows: assets.map { asset in
                [.text(asset.kind.rawValue), .text(asset.name), .text(asset.description), .int(asset.ownerId), .text("active"), .int(0), .text(asset.origin.rawValue), .optional(asset.syncSourceId), .date(now), .date(now)]
            },
            returning: "id, kind, name")
        var ids: [NewAsset.Key: Int64] = [:]
        for row in rows {
            guard let kind = AssetKind(rawValue: try row.string("kind")) else { throw DatabaseError.backend("an asset was inserted with an unknown kind") }
            ids[NewAsset.Key(kind: kind, name: try row.string("name"))] = try row.int("id")
        }
        guard ids.count == assets.count else { throw DatabaseError.backend("INSERT INTO assets returned \(ids.count) rows for \(assets.count)") }
        return ids
    }

    /// Which of `keys` are taken by an asset already (any status). Asked one kind at a time, so
    /// both databases seek the `(kind, name)` unique index; by name alone they read every asset
    /// (at 100,000 assets that was most of a first sync's storing).
    public func existing(_ keys: [NewAsset.Key]) async throws -> Set<NewAsset.Key> {
        var found = Set<NewAsset.Key>()
        for (kind, names) in Dictionary(grouping: Set(keys), by: \.kind).mapValues({ $0.map(\.name) }) {
            for start in stride(from: 0, to: names.count, by: 100) {
                let chunk = names[start..<min(start + 100, names.count)]
                for row in try await db.query(Self.existingSQL(names: chunk.count), [.text(kind.rawValue)] + chunk.map(SQLValue.text)) {
                    found.insert(NewAsset.Key(kind: kind, name: try row.string("name")))
                }
            }
        }
        return found
    }

    /// The statement of `existing` for one kind and `names` names.
    static func existingSQL(names: Int) -> String {
        "SELECT name FROM assets WHERE kind = ? AND name IN (\(Array(repeating: "?", count: names).joined(separator: ", ")))"
    }

    /// Makes each asset's only version its latest (assets just inserted with their first version).
    public func setOnlyVersionLatest(assetIds: [Int64], at now: Date = Date()) async throws {
        for start in stride(from: 0, to: assetIds.count, by: 100) {
            let chunk = assetIds[start..<min(start + 100, assetIds.count)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            try await db.execute("UPDATE assets SET latest_version_id = (SELECT max(v.id) FROM asset_versions v WHERE v.asset_id = assets.id), updated_at = ? WHERE id IN (\(marks))",
                                 [.date(now)] + chunk.map(SQLValue.int))
        }
    }

    /// Tags of assets that have none yet (just inserted), in one statement per 100.
    public func insertTags(_ tags: [(assetId: Int64, tags: [String])]) async throws {
        var rows: [[SQLValue]] = []
        for (assetId, list) in tags {
            var seen = Set<String>()
            rows += list.filter { seen.insert($0).inserted }.map { [.int(assetId), .text($0)] }
        }
        try await db.insert(into: "asset_tags", columns: ["asset_id", "tag"], rows: rows)
    }

    /// Inside a transaction: holds the asset's row until commit, so that concurrent publishes and
    /// installs of one asset run one after the other. (SQLite's single writer already does this.)
    public func lock(assetId: Int64) async throws {
        if db.dialect == .postgres {
            try await db.execute("SELECT id FROM assets WHERE id = ? FOR UPDATE", .int(assetId))
        }
    }

    public func tags(assetId: Int64) async throws -> [String] {
        try await db.query("SELECT tag FROM asset_tags WHERE asset_id = ? ORDER BY tag", .int(assetId)).map { try $0.string("tag") }
    }

    /// Tags of many assets at once (for lists).
    public func tags(assetIds: [Int64]) async throws -> [Int64: [String]] {
        guard !assetIds.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: assetIds.count).joined(separator: ", ")
        let rows = try await db.query("SELECT asset_id, tag FROM asset_tags WHERE asset_id IN (\(marks)) ORDER BY tag", assetIds.map(SQLValue.int))
        var result: [Int64: [String]] = [:]
        for row in rows { result[try row.int("asset_id"), default: []].append(try row.string("tag")) }
        return result
    }

    /// `replacing: false` for an asset that has no tags yet (one just created).
    public func replaceTags(assetId: Int64, tags: [String], replacing: Bool = true) async throws {
        if replacing { try await db.execute("DELETE FROM asset_tags WHERE asset_id = ?", .int(assetId)) }
        var seen = Set<String>()
        try await db.insert(into: "asset_tags", columns: ["asset_id", "tag"], rows: tags.filter { seen.insert($0).inserted }.map { [.int(assetId), .text($0)] })
    }

    /// Makes `versionId` the latest version and copies its description to the asset.
    public func setLatest(assetId: Int64, versionId: Int64, description: String, at now: Date = Date()) async throws {
        try await db.execute("UPDATE assets SET latest_version_id = ?, description = ?, updated_at = ? WHERE id = ?", .int(versionId), .text(description), .date(now), .int(assetId))
    }

    public func setDeprecation(assetId: Int64, message: String?, at now: Date = Date()) async throws {
        try await db.execute("UPDATE assets SET deprecation_message = ?, updated_at = ? WHERE id = ?", .optional(message), .date(now), .int(assetId))
    }

    public func setStatus(assetId: Int64, status: AssetStatus, at now: Date = Date()) async throws {
        try await db.execute(
            "UPDATE assets SET status = ?, deleted_at = ?, updated_at = ? WHERE id = ?",
            .text(status.rawValue), status == .deleted ? .date(now) : .null, .date(now), .int(assetId)
        )
    }

    // MARK: - Versions

    /// All versions, newest (highest semantic version) first.
    public func versions(assetId: Int64) async throws -> [AssetVersion] {
        let rows = try await db.query("SELECT \(AssetVersion.columns) FROM asset_versions WHERE asset_id = ? ORDER BY id", .int(assetId))
        return try rows.map(AssetVersion.init(row:)).sorted { ($0.semanticVersion ?? SemanticVersion(major: 0, minor: 0, patch: 0)) > ($1.semanticVersion ?? SemanticVersion(major: 0, minor: 0, patch: 0)) }
    }

    public func version(assetId: Int64, version: String) async throws -> AssetVersion? {
        try await db.first("SELECT \(AssetVersion.columns) FROM asset_versions WHERE asset_id = ? AND version = ?", .int(assetId), .text(version)).map(AssetVersion.init(row:))
    }

    public func version(id: Int64) async throws -> AssetVersion? {
        try await db.first("SELECT \(AssetVersion.columns) FROM asset_versions WHERE id = ?", .int(id)).map(AssetVersion.init(row:))
    }

    /// The versions among `versionIds` whose README was stored without its HTML (the sync worker
    /// renders READMEs after its run), with their Markdown.
    public func unrenderedReadmes(versionIds: [Int64]) async throws -> [(id: Int64, markdown: String)] {
        guard !versionIds.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: versionIds.count).joined(separator: ", ")
        let rows = try await db.query("SELECT id, readme_markdown FROM asset_versions WHERE id IN (\(marks)) AND readme_html = '' AND readme_markdown <> '' ORDER BY id",
                                      versionIds.map(SQLValue.int))
        return try rows.map { (try $0.int("id"), try $0.string("readme_markdown")) }
    }

    /// Stores the HTML of a README rendered after its version was stored; a version that has its
    /// HTML already is left as it is.
    public func setReadmeHTML(versionId: Int64, html: String) async throws {
        try await db.execute("UPDATE asset_versions SET readme_html = ? WHERE id = ? AND readme_html = ''", .text(html), .int(versionId))
    }

    /// Stores a version with its files; blobs already stored are shared, not copied.
    public func insertVersion(assetId: Int64, _ new: NewVersion, at now: Date = Date()) async throws -> AssetVersion {
        guard let version = try await insertVersions([(assetId, new)], at: now)[assetId] else {
            throw DatabaseError.backend("INSERT INTO asset_versions returned no row")
        }
        return version
    }

    /// Stores versions of different assets, each table's rows in one statement per 100 (a first
    /// sync stores a batch at once); the versions by asset id.
    public func insertVersions(_ items: [(assetId: Int64, new: NewVersion)], at now: Date = Date()) async throws -> [Int64: AssetVersion] {
        var versionRows: [[SQLValue]] = []
        let encoder = JSONEncoder()
        for (assetId, new) in items {
            let gitURL: String?, gitRef: String?, commit: String?, path: String?
            switch new.source {
            case .upload: (gitURL, gitRef, commit, path) = (nil, nil, nil, nil)
            case .git(let url, let ref, let hash, let subPath): (gitURL, gitRef, commit, path) = (url, ref, hash, subPath)
            }
            // Most packages have no warnings: no encoder run for them.
            let warningsJSON = new.warnings.isEmpty ? "[]" : String(decoding: try encoder.encode(new.warnings), as: UTF8.self)
            versionRows.append([
                .int(assetId), .text(new.version.description), .int(Int64(new.version.major)), .int(Int64(new.version.minor)), .int(Int64(new.version.patch)),
                .text(new.version.prerelease), .text(new.package.digest), .text(new.manifest), .text(new.metadataJSON), .text(new.readmeMarkdown),
                .text(new.readmeHTML), .text(warningsJSON), .text(gitURL == nil ? "upload" : "git"), .optional(gitURL), .optional(gitRef), .optional(commit),
                .optional(path), .optional(new.publisherId), .int(Int64(new.package.files.count)), .int(Int64(new.package.totalSize)), .bool(false), .date(now),
            ])
        }
        let rows = try await db.insertReturning(
            into: "asset_versions",
            columns: ["asset_id", "version", "version_major", "version_minor", "version_patch", "version_pre", "digest", "manifest", "metadata_json", "readme_markdown",
                      "readme_html", "warnings_json", "source_kind", "git_url", "git_ref", "commit_hash", "source_path", "publisher_id", "file_count", "total_size", "yanked", "created_at"],
            rows: versionRows, returning: AssetVersion.columns, perStatement: 40)
        var versions: [Int64: AssetVersion] = [:]
        for row in rows {
            let version = try AssetVersion(row: row)
            versions[version.assetId] = version
        }
        guard versions.count == items.count else { throw DatabaseError.backend("INSERT INTO asset_versions returned \(versions.count) rows for \(items.count)") }

        // A blob shared by two files is inserted once per statement: PostgreSQL refuses the same
        // key twice in one INSERT … ON CONFLICT.
        var blobRows: [[SQLValue]] = [], seenBlobs = Set<String>(), fileRows: [[SQLValue]] = [], referenceRows: [[SQLValue]] = []
        for (assetId, new) in items {
            guard let versionId = versions[assetId]?.id else { continue }
            for file in new.package.files {
                let hash = file.sha256
                if seenBlobs.insert(hash).inserted {
                    blobRows.append([.text(hash), .int(Int64(file.contents.count)), .blob(file.contents), .date(now)])
                }
                fileRows.append([.int(versionId), .text(file.path), .int(Int64(file.contents.count)), .int(Int64(file.mode)), .text(hash)])
            }
            var seenReferences = Set<String>()
            for reference in new.references where seenReferences.insert("\(reference.kind.rawValue)/\(reference.name)").inserted {
                referenceRows.append([.int(versionId), .text(reference.kind.rawValue), .text(reference.name)])
            }
        }
        try await db.insert(into: "blobs", columns: ["sha256", "size", "content", "created_at"], rows: blobRows, suffix: "ON CONFLICT (sha256) DO NOTHING", perStatement: 50)
        try await db.insert(into: "version_files", columns: ["version_id", "path", "size", "mode", "sha256"], rows: fileRows)
        try await db.insert(into: "asset_references", columns: ["version_id", "ref_kind", "ref_name"], rows: referenceRows, suffix: "ON CONFLICT DO NOTHING")
        return versions
    }

    public func files(versionId: Int64) async throws -> [VersionFile] {
        try await db.query("SELECT path, size, mode, sha256 FROM version_files WHERE version_id = ? ORDER BY path", .int(versionId)).map { row in
            VersionFile(path: try row.string("path"), size: try row.int("size"), mode: Int(try row.int("mode")), sha256: try row.string("sha256"))
        }
    }

    /// The version's files with their bytes, as a package.
    public func package(versionId: Int64) async throws -> [PackageFile] {
        let rows = try await db.query(
            "SELECT f.path, f.mode, f.sha256, b.content FROM version_files f JOIN blobs b ON b.sha256 = f.sha256 WHERE f.version_id = ? ORDER BY f.path",
            .int(versionId)
        )
        return try rows.map { row in
            PackageFile(path: try row.string("path"), contents: try row.bytes("content"), executable: try row.int("mode") & 0o111 != 0, sha256: try row.string("sha256"))
        }
    }

    public func references(versionId: Int64) async throws -> [(kind: AssetKind, name: String)] {
        try await db.query("SELECT ref_kind, ref_name FROM asset_references WHERE version_id = ? ORDER BY ref_kind, ref_name", .int(versionId)).compactMap { row in
            guard let kind = AssetKind(rawValue: try row.string("ref_kind")) else { return nil }
            return (kind, try row.string("ref_name"))
        }
    }

    public func setYanked(versionId: Int64, yanked: Bool, reason: String?, at now: Date = Date()) async throws {
        try await db.execute(
            "UPDATE asset_versions SET yanked = ?, yank_reason = ?, yanked_at = ? WHERE id = ?",
            .bool(yanked), yanked ? .optional(reason) : .null, yanked ? .date(now) : .null, .int(versionId)
        )
    }

    // MARK: - Installs

    /// Records an install and counts it, unless the same user installed the same version within
    /// the last day. Returns whether it counted. The count is updated in the same statement set.
    @discardableResult
    public func recordInstall(assetId: Int64, versionId: Int64?, userId: Int64?, agentType: String, at now: Date = Date()) async throws -> Bool {
        try await lock(assetId: assetId)
        if let userId {
            let since = now.addingTimeInterval(-86_400)
            let versionClause = versionId == nil ? "version_id IS NULL" : "version_id = ?"
            var binds: [SQLValue] = [.int(assetId), .int(userId)]
            if let versionId { binds.append(.int(versionId)) }
            binds.append(.date(since))
            if try await db.first("SELECT id FROM install_events WHERE asset_id = ? AND user_id = ? AND \(versionClause) AND created_at > ? LIMIT 1", binds) != nil {
                return false
            }
        }
        try await db.execute(
            "INSERT INTO install_events (asset_id, version_id, user_id, agent_type, created_at) VALUES (?, ?, ?, ?, ?)",
            .int(assetId), .optional(versionId), .optional(userId), .text(agentType), .date(now)
        )
        try await db.execute("UPDATE assets SET install_count = install_count + 1 WHERE id = ?", .int(assetId))
        return true
    }

    /// The assets a user installed, most recent first, one entry per asset.
    public func installed(userId: Int64, limit: Int = 100) async throws -> [(asset: Asset, lastInstalledAt: Date)] {
        let rows = try await db.query(
            "SELECT asset_id, MAX(created_at) AS last_at FROM install_events WHERE user_id = ? GROUP BY asset_id ORDER BY last_at DESC LIMIT ?",
            .int(userId), .int(Int64(limit))
        )
        var result: [(Asset, Date)] = []
        for row in rows {
            if let asset = try await find(id: try row.int("asset_id")), asset.status != .deleted {
                result.append((asset, try row.date("last_at")))
            }
        }
        return result
    }

    /// Counts per kind and total installs of a user's assets.
    public func stats(ownerId: Int64) async throws -> (counts: [AssetKind: Int], installs: Int64) {
        let rows = try await db.query(
            "SELECT kind, COUNT(*) AS n, CAST(COALESCE(SUM(install_count), 0) AS BIGINT) AS installs FROM assets WHERE owner_id = ? AND status <> 'deleted' GROUP BY kind",
            .int(ownerId)
        )
        var counts: [AssetKind: Int] = [:]
        var installs: Int64 = 0
        for row in rows {
            if let kind = AssetKind(rawValue: try row.string("kind")) { counts[kind] = Int(try row.int("n")) }
            installs += row.optionalInt("installs") ?? 0
        }
        return (counts, installs)
    }
}
