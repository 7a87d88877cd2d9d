import Foundation

// Bodies of our own asset routes (`/api/v1/assets/...`), used by the server and the CLI.

/// An asset in a list.
public struct AssetSummary: Codable, Sendable, Equatable {
    public var id: Int64
    public var kind: AssetKind
    public var name: String
    public var description: String
    public var latestVersion: String?
    public var owner: String
    public var tags: [String]
    public var installs: Int64
    public var status: String
    public var deprecationMessage: String?
    public var origin: String
    public var updatedAt: Date

    public init(id: Int64, kind: AssetKind, name: String, description: String, latestVersion: String?, owner: String, tags: [String], installs: Int64, status: String, deprecationMessage: String?, origin: String, updatedAt: Date) {
        self.id = id
        self.kind = kind
        self.name = name
        self.description = description
        self.latestVersion = latestVersion
        self.owner = owner
        self.tags = tags
        self.installs = installs
        self.status = status
        self.deprecationMessage = deprecationMessage
        self.origin = origin
        self.updatedAt = updatedAt
    }
}

/// A version in an asset's version list.
public struct VersionSummary: Codable, Sendable, Equatable {
    public var version: String
    public var digest: String
    public var fileCount: Int
    public var totalSize: Int64
    public var yanked: Bool
    public var yankReason: String?
    public var createdAt: Date

    public init(version: String, digest: String, fileCount: Int, totalSize: Int64, yanked: Bool, yankReason: String?, createdAt: Date) {
        self.version = version
        self.digest = digest
        self.fileCount = fileCount
        self.totalSize = totalSize
        self.yanked = yanked
        self.yankReason = yankReason
        self.createdAt = createdAt
    }
}

/// Where a version came from.
public struct SourceInfo: Codable, Sendable, Equatable {
    /// "upload" or "git"
    public var kind: String
    public var gitUrl: String?
    public var gitRef: String?
    public var commit: String?
    public var path: String?

    public init(kind: String, gitUrl: String? = nil, gitRef: String? = nil, commit: String? = nil, path: String? = nil) {
        self.kind = kind
        self.gitUrl = gitUrl
        self.gitRef = gitRef
        self.commit = commit
        self.path = path
    }
}

/// `GET /api/v1/assets/{kind}/{name}`
public struct AssetDetail: Codable, Sendable {
    public var asset: AssetSummary
    public var readmeHtml: String
    public var source: SourceInfo?
    public var versions: [VersionSummary]
    public var createdAt: Date

    public init(asset: AssetSummary, readmeHtml: String, source: SourceInfo?, versions: [VersionSummary], createdAt: Date) {
        self.asset = asset
        self.readmeHtml = readmeHtml
        self.source = source
        self.versions = versions
        self.createdAt = createdAt
    }
}

/// One file of a version.
public struct FileEntry: Codable, Sendable, Equatable {
    public var path: String
    public var size: Int64
    public var mode: Int
    public var sha256: String

    public init(path: String, size: Int64, mode: Int, sha256: String) {
        self.path = path
        self.size = size
        self.mode = mode
        self.sha256 = sha256
    }
}

/// A reference from an agent to a skill or tool, resolved now.
public struct ReferenceStatus: Codable, Sendable, Equatable {
    public var kind: AssetKind
    public var name: String
    public var description: String
    /// "active", "deprecated" or "missing"
    public var status: String

    public init(kind: AssetKind, name: String, description: String, status: String) {
        self.kind = kind
        self.name = name
        self.description = description
        self.status = status
    }
}

/// `GET /api/v1/assets/{kind}/{name}/versions/{version}`
public struct VersionDetail: Codable, Sendable {
    public var kind: AssetKind
    public var name: String
    public var version: String
    public var digest: String
    public var files: [FileEntry]
    public var totalSize: Int64
    public var warnings: [String]
    public var source: SourceInfo
    public var publisher: String?
    public var yanked: Bool
    public var yankReason: String?
    public var metadata: JSONValue
    public var readmeHtml: String
    public var references: [ReferenceStatus]
    public var createdAt: Date

    public init(kind: AssetKind, name: String, version: String, digest: String, files: [FileEntry], totalSize: Int64, warnings: [String], source: SourceInfo, publisher: String?, yanked: Bool, yankReason: String?, metadata: JSONValue, readmeHtml: String, references: [ReferenceStatus], createdAt: Date) {
        self.kind = kind
        self.name = name
        self.version = version
        self.digest = digest
        self.files = files
        self.totalSize = totalSize
        self.warnings = warnings
        self.source = source
        self.publisher = publisher
        self.yanked = yanked
        self.yankReason = yankReason
        self.metadata = metadata
        self.readmeHtml = readmeHtml
        self.references = references
        self.createdAt = createdAt
    }
}

/// Answer of a publish.
public struct PublishResponse: Codable, Sendable {
    public var id: Int64
    public var kind: AssetKind
    public var name: String
    public var version: String
    public var digest: String
    /// False when this exact package was already published: nothing changed.
    public var created: Bool
    public var warnings: [String]

    public init(id: Int64, kind: AssetKind, name: String, version: String, digest: String, created: Bool, warnings: [String]) {
        self.id = id
        self.kind = kind
        self.name = name
        self.version = version
        self.digest = digest
        self.created = created
        self.warnings = warnings
    }
}

/// `POST /api/v1/assets/{kind}` as JSON: text files, base64 binary files, executable paths.
public struct FileMapPublishRequest: Codable, Sendable {
    public var files: [String: String]
    public var binaryFiles: [String: String]?
    public var executable: [String]?

    public init(files: [String: String], binaryFiles: [String: String]? = nil, executable: [String]? = nil) {
        self.files = files
        self.binaryFiles = binaryFiles
        self.executable = executable
    }
}

/// `POST …/versions/{version}/yank`
public struct YankRequest: Codable, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// `PUT /api/v1/assets/{kind}/{name}/deprecation`
public struct DeprecationRequest: Codable, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
}

/// `POST /api/v1/assets/{kind}/{name}/installs`
public struct InstallRecordRequest: Codable, Sendable {
    public var version: String?
    public var agentType: String?
    public init(version: String? = nil, agentType: String? = nil) {
        self.version = version
        self.agentType = agentType
    }
}

/// Response headers of a package download.
public enum PackageHeaders {
    public static let digest = "X-AgentHub-Digest"
    public static let version = "X-AgentHub-Version"
}
