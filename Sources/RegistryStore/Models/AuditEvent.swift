import Foundation

/// Something that happened and who did it; written to `audit_log`.
public struct AuditEvent: Sendable, Equatable {
    public var actorUserId: Int64?
    /// "user:12", "admin-api-key", "anonymous" or "system"
    public var actor: String
    /// Dotted verb, e.g. "auth.login", "auth.login_failed", "api_key.create", "user.role_change".
    public var action: String
    public var targetType: String?
    public var targetId: String?
    /// A JSON object with details; never a secret.
    public var detail: String
    public var clientIP: String?
    public var requestId: String?

    public init(actorUserId: Int64?, actor: String, action: String, targetType: String? = nil, targetId: String? = nil, detail: String = "{}", clientIP: String? = nil, requestId: String? = nil) {
        self.actorUserId = actorUserId
        self.actor = actor
        self.action = action
        self.targetType = targetType
        self.targetId = targetId
        self.detail = detail
        self.clientIP = clientIP
        self.requestId = requestId
    }
}

/// An audit event as stored.
public struct AuditRecord: Sendable, Equatable {
    public let id: Int64
    public let event: AuditEvent
    public let createdAt: Date

    init(row: DatabaseRow) throws {
        id = try row.int("id")
        event = AuditEvent(
            actorUserId: row.optionalInt("actor_user_id"),
            actor: try row.string("actor"),
            action: try row.string("action"),
            targetType: row.optionalString("target_type"),
            targetId: row.optionalString("target_id"),
            detail: try row.string("detail"),
            clientIP: row.optionalString("client_ip"),
            requestId: row.optionalString("request_id")
        )
        createdAt = try row.date("created_at")
    }
}
