import Foundation
import Shared

/// What became of an asset: listed, gone from its upstream repository, or deleted by an admin.
public enum AssetStatus: String, Sendable, Codable, CaseIterable {
    case active
    case removed
    case deleted
}

/// Where an asset came from: published through the API, or found by the sync worker.
public enum AssetOrigin: String, Sendable, Codable {
    case upload
    case sync
}

/// A skill, agent or tool, with its owner's name and its latest version's number.
public struct Asset: Sendable, Equatable {
    public let id: Int64
    public let kind: AssetKind
    public let name: String
    public var description: String
    public let ownerId: Int64
    public let ownerUsername: String
    public let ownerDisplayName: String?
    public var status: AssetStatus
    public var deprecationMessage: String?
    public var latestVersionId: Int64?
    public var latestVersion: String?
    public var installCount: Int64
    public let origin: AssetOrigin
    public let syncSourceId: Int64?
    public let createdAt: Date
    public var updatedAt: Date
    public var deletedAt: Date?

    static let select = """
        SELECT a.id, a.kind, a.name, a.description, a.owner_id, u.username AS owner_username, u.display_name AS owner_display_name,
               a.status, a.deprecation_message, a.latest_version_id, v.version AS latest_version, a.install_count, a.origin,
               a.sync_source_id, a.created_at, a.updated_at, a.deleted_at
        FROM assets a
        JOIN users u ON u.id = a.owner_id
        LEFT JOIN asset_versions v ON v.id = a.latest_version_id
        """

    init(row: DatabaseRow) throws {
        id = try row.int("id")
        let kindText = try row.string("kind")
        guard let kind = AssetKind(rawValue: kindText) else { throw DatabaseError.decoding(column: "kind", expected: "asset kind", found: .text(kindText)) }
        self.kind = kind
        name = try row.string("name")
        description = try row.string("description")
        ownerId = try row.int("owner_id")
        ownerUsername = try row.string("owner_username")
        ownerDisplayName = row.optionalString("owner_display_name")
        status = AssetStatus(rawValue: try row.string("status")) ?? .active
        deprecationMessage = row.optionalString("deprecation_message")
        latestVersionId = row.optionalInt("latest_version_id")
        latestVersion = row.optionalString("latest_version")
        installCount = try row.int("install_count")
        origin = AssetOrigin(rawValue: try row.string("origin")) ?? .upload
        syncSourceId = row.optionalInt("sync_source_id")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
        deletedAt = row.optionalDate("deleted_at")
    }
}

/// Where a version's files came from.
public enum VersionSource: Sendable, Equatable {
    case upload
    case git(url: String, ref: String?, commit: String?, path: String?)
}

/// One immutable version of an asset.
public struct AssetVersion: Sendable, Equatable {
    public let id: Int64
    public let assetId: Int64
    public let version: String
    public let digest: String
    public let manifest: String
    public let metadataJSON: String
    public let readmeMarkdown: String
    public let readmeHTML: String
    public let warnings: [String]
    public let source: VersionSource
    public let publisherId: Int64?
    public let fileCount: Int
    public let totalSize: Int64
    public var yanked: Bool
    public var yankReason: String?
    public var yankedAt: Date?
    public let createdAt: Date

    public var semanticVersion: SemanticVersion? { SemanticVersion(version) }

    static let columns = """
        id, asset_id, version, digest, manifest, metadata_json, readme_markdown, readme_html, warnings_json, source_kind,
        git_url, git_ref, commit_hash, source_path, publisher_id, file_count, total_size, yanked, yank_reason, yanked_at, created_at
        """

    init(row: DatabaseRow) throws {
        id = try row.int("id")
        assetId = try row.int("asset_id")
        version = try row.string("version")
        digest = try row.string("digest")
        manifest = try row.string("manifest")
        metadataJSON = try row.string("metadata_json")
        readmeMarkdown = try row.string("readme_markdown")
        readmeHTML = try row.string("readme_html")
        let warningsText = try row.string("warnings_json")
        warnings = (try? JSONDecoder().decode([String].self, from: Data(warningsText.utf8))) ?? []
        if try row.string("source_kind") == "git" {
            source = .git(url: row.optionalString("git_url") ?? "", ref: row.optionalString("git_ref"), commit: row.optionalString("commit_hash"), path: row.optionalString("source_path"))
        } else {
            source = .upload
        }
        publisherId = row.optionalInt("publisher_id")
        fileCount = Int(try row.int("file_count"))
        totalSize = try row.int("total_size")
        yanked = try row.bool("yanked")
        yankReason = row.optionalString("yank_reason")
        yankedAt = row.optionalDate("yanked_at")
        createdAt = try row.date("created_at")
    }
}

/// A file of a version as listed (its bytes are in `blobs`).
public struct VersionFile: Sendable, Equatable {
    public let path: String
    public let size: Int64
    public let mode: Int
    public let sha256: String
}

/// What a new version needs.
/// An asset to insert (``AssetStore/insert(_:at:)``).
public struct NewAsset: Sendable {
    /// What makes an asset unique.
    public struct Key: Hashable, Sendable {
        public let kind: AssetKind
        public let name: String
        public init(kind: AssetKind, name: String) {
            self.kind = kind
            self.name = name
        }
    }

    public var kind: AssetKind
    public var name: String
    public var description: String
    public var ownerId: Int64
    public var origin: AssetOrigin
    public var syncSourceId: Int64?
    public var key: Key { Key(kind: kind, name: name) }

    public init(kind: AssetKind, name: String, description: String, ownerId: Int64, origin: AssetOrigin, syncSourceId: Int64?) {
        self.kind = kind
        self.name = name
        self.description = description
        self.ownerId = ownerId
        self.origin = origin
        self.syncSourceId = syncSourceId
    }
}

public struct NewVersion: Sendable {
    public var version: SemanticVersion
    public var package: AssetPackage
    public var manifest: String
    public var metadataJSON: String
    public var readmeMarkdown: String
    public var readmeHTML: String
    public var warnings: [String]
    public var source: VersionSource
    public var publisherId: Int64?
    public var references: [(kind: AssetKind, name: String)]

    public init(version: SemanticVersion, package: AssetPackage, manifest: String, metadataJSON: String, readmeMarkdown: String, readmeHTML: String, warnings: [String], source: VersionSource, publisherId: Int64?, references: [(kind: AssetKind, name: String)] = []) {
        self.version = version
        self.package = package
        self.manifest = manifest
        self.metadataJSON = metadataJSON
        self.readmeMarkdown = readmeMarkdown
        self.readmeHTML = readmeHTML
        self.warnings = warnings
        self.source = source
        self.publisherId = publisherId
        self.references = references
    }
}
