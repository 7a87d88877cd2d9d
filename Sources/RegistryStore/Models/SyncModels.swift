import Foundation
import Shared

/// A repository (or, later, an organisation or group) the sync worker indexes.
public struct SyncSource: Sendable, Equatable {
    public let id: Int64
    public var name: String
    public var kind: String
    public var url: String
    public var branch: String?
    public var subPath: String?
    /// The REST API of a GitHub organisation or GitLab group source.
    public var apiURL: String?
    public var credentialKind: String
    /// Sealed with a key derived from the server secret; opened only by the sync worker.
    public var credentialsCiphertext: [UInt8]?
    public var intervalSeconds: Int
    public var enabled: Bool
    public var ownerId: Int64?
    public var nextRunAt: Date?
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public let createdAt: Date
    public var updatedAt: Date

    static let columns = "id, name, kind, url, branch, sub_path, api_url, credential_kind, credentials_ciphertext, interval_seconds, enabled, owner_id, next_run_at, lease_owner, lease_expires_at, created_at, updated_at"

    init(row: DatabaseRow) throws {
        id = try row.int("id")
        name = try row.string("name")
        kind = try row.string("kind")
        url = try row.string("url")
        branch = row.optionalString("branch")
        subPath = row.optionalString("sub_path")
        apiURL = row.optionalString("api_url")
        credentialKind = try row.string("credential_kind")
        credentialsCiphertext = row.optionalBytes("credentials_ciphertext")
        intervalSeconds = Int(try row.int("interval_seconds"))
        enabled = try row.bool("enabled")
        ownerId = row.optionalInt("owner_id")
        nextRunAt = row.optionalDate("next_run_at")
        leaseOwner = row.optionalString("lease_owner")
        leaseExpiresAt = row.optionalDate("lease_expires_at")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
    }
}

/// What a new or edited source says.
public struct SyncSourceFields: Sendable {
    /// "git", "github_org" or "gitlab_group"
    public var kind = "git"
    public var apiURL: String?
    public var name: String
    public var url: String
    public var branch: String?
    public var subPath: String?
    public var credentialKind: String
    public var credentialsCiphertext: [UInt8]?
    public var intervalSeconds: Int
    public var enabled: Bool

    public init(name: String, url: String, branch: String?, subPath: String?, credentialKind: String, credentialsCiphertext: [UInt8]?, intervalSeconds: Int, enabled: Bool) {
        self.name = name
        self.url = url
        self.branch = branch
        self.subPath = subPath
        self.credentialKind = credentialKind
        self.credentialsCiphertext = credentialsCiphertext
        self.intervalSeconds = intervalSeconds
        self.enabled = enabled
    }
}

/// One run of a source: when, which commit, what happened.
public struct SyncRun: Sendable, Equatable {
    public let id: Int64
    public let sourceId: Int64
    public let trigger: String
    public var status: String
    public let startedAt: Date
    public var finishedAt: Date?
    public var commit: String?
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    public var removed: Int
    public var failed: Int
    public var error: String?

    static let columns = "id, source_id, trigger_kind, status, started_at, finished_at, commit_hash, created_count, updated_count, unchanged_count, removed_count, failed_count, error"

    init(row: DatabaseRow) throws {
        id = try row.int("id")
        sourceId = try row.int("source_id")
        trigger = try row.string("trigger_kind")
        status = try row.string("status")
        startedAt = try row.date("started_at")
        finishedAt = row.optionalDate("finished_at")
        commit = row.optionalString("commit_hash")
        created = Int(try row.int("created_count"))
        updated = Int(try row.int("updated_count"))
        unchanged = Int(try row.int("unchanged_count"))
        removed = Int(try row.int("removed_count"))
        failed = Int(try row.int("failed_count"))
        error = row.optionalString("error")
    }
}

/// A diagnostic to record: what ``SyncStore/addDiagnostics(runId:_:)`` writes.
public struct NewSyncDiagnostic: Sendable, Equatable {
    public var assetId: Int64?
    public var kind: AssetKind?
    public var name: String?
    public var path: String
    public var severity: String
    public var message: String
    public var createdAt: Date

    public init(assetId: Int64? = nil, kind: AssetKind? = nil, name: String? = nil, path: String, severity: String, message: String, at createdAt: Date = Date()) {
        self.assetId = assetId
        self.kind = kind
        self.name = name
        self.path = path
        self.severity = severity
        self.message = message
        self.createdAt = createdAt
    }
}

/// Something a run noticed about one asset or file.
public struct SyncDiagnostic: Sendable, Equatable {
    public let id: Int64
    public let runId: Int64
    public let assetId: Int64?
    public let assetKind: AssetKind?
    public let assetName: String?
    public let path: String
    public let severity: String
    public let message: String
    public let createdAt: Date

    init(row: DatabaseRow) throws {
        id = try row.int("id")
        runId = try row.int("run_id")
        assetId = row.optionalInt("asset_id")
        assetKind = row.optionalString("asset_kind").flatMap(AssetKind.init(rawValue:))
        assetName = row.optionalString("asset_name")
        path = try row.string("path")
        severity = try row.string("severity")
        message = try row.string("message")
        createdAt = try row.date("created_at")
    }
}

/// A source and the outcome of its newest run.
public struct SourceHealth: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let enabled: Bool
    /// The newest run's status, or "never".
    public let lastStatus: String
    public let lastError: String?
    public let lastFinishedAt: Date?

    public var isFailing: Bool { lastStatus == "failed" || lastStatus == "partial" }
}
