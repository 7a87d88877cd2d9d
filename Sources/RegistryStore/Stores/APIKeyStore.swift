import Foundation

/// API keys: stored as a bcrypt hash and an indexed lookup prefix.
public struct APIKeyStore: Sendable {
    let db: any DatabaseExecutor

    public init(_ db: any DatabaseExecutor) { self.db = db }

    public func create(userId: Int64, name: String, lookupPrefix: String, keyHash: String, isLegacy: Bool = false, at now: Date = Date()) async throws -> APIKeyRecord {
        let row = try await db.first(
            """
            INSERT INTO api_keys (user_id, name, lookup_prefix, key_hash, is_legacy, created_at)
            VALUES (?, ?, ?, ?, ?, ?) RETURNING \(APIKeyRecord.columns)
            """,
            .int(userId), .text(name), .text(lookupPrefix), .text(keyHash), .bool(isLegacy), .date(now)
        )
        guard let row else { throw DatabaseError.backend("INSERT INTO api_keys returned no row") }
        return try APIKeyRecord(row: row)
    }

    /// Unrevoked keys with this prefix: almost always one, so verification costs one bcrypt check.
    public func active(lookupPrefix: String) async throws -> [APIKeyRecord] {
        try await db.query(
            "SELECT \(APIKeyRecord.columns) FROM api_keys WHERE lookup_prefix = ? AND revoked_at IS NULL ORDER BY id",
            .text(lookupPrefix)
        ).map(APIKeyRecord.init(row:))
    }

    public func find(id: Int64) async throws -> APIKeyRecord? {
        try await db.first("SELECT \(APIKeyRecord.columns) FROM api_keys WHERE id = ?", .int(id)).map(APIKeyRecord.init(row:))
    }

    /// A user's unrevoked keys, oldest first.
    public func active(userId: Int64) async throws -> [APIKeyRecord] {
        try await db.query(
            "SELECT \(APIKeyRecord.columns) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL ORDER BY id",
            .int(userId)
        ).map(APIKeyRecord.init(row:))
    }

    /// Revokes the key if it belongs to `userId` and is not revoked yet. Returns whether it did.
    public func revoke(id: Int64, userId: Int64, at now: Date = Date()) async throws -> Bool {
        try await !db.query(
            "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING id",
            .date(now), .int(id), .int(userId)
        ).isEmpty
    }

    /// Revokes the user's legacy (AgentHub single-key) keys; returns their ids.
    public func revokeLegacy(userId: Int64, at now: Date = Date()) async throws -> [Int64] {
        try await db.query(
            "UPDATE api_keys SET revoked_at = ? WHERE user_id = ? AND is_legacy = ? AND revoked_at IS NULL RETURNING id",
            .date(now), .int(userId), .bool(true)
        ).map { try $0.int("id") }
    }

    public func touch(id: Int64, at now: Date = Date()) async throws {
        try await db.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", .date(now), .int(id))
    }
}
