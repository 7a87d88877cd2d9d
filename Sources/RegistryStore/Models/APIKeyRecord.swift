import Foundation

/// A stored API key: its bcrypt hash and the prefix that finds it, never the key.
public struct APIKeyRecord: Sendable, Equatable {
    public let id: Int64
    public let userId: Int64
    public var name: String
    public var lookupPrefix: String
    public var keyHash: String
    public var isLegacy: Bool
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public var isRevoked: Bool { revokedAt != nil }

    init(row: DatabaseRow) throws {
        id = try row.int("id")
        userId = try row.int("user_id")
        name = try row.string("name")
        lookupPrefix = try row.string("lookup_prefix")
        keyHash = try row.string("key_hash")
        isLegacy = try row.bool("is_legacy")
        createdAt = try row.date("created_at")
        lastUsedAt = row.optionalDate("last_used_at")
        revokedAt = row.optionalDate("revoked_at")
    }

    static let columns = "id, user_id, name, lookup_prefix, key_hash, is_legacy, created_at, last_used_at, revoked_at"
}
