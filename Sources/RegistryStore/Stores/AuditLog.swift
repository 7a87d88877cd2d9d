import Foundation
import Shared

/// The append-only audit log.
public struct AuditLog: Sendable {
    let db: any DatabaseExecutor

    public init(_ db: any DatabaseExecutor) { self.db = db }

    public func record(_ event: AuditEvent, at now: Date = Date()) async throws {
        try await db.execute(
            """
            INSERT INTO audit_log (actor_user_id, actor, action, target_type, target_id, detail, client_ip, request_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            .optional(event.actorUserId), .text(event.actor), .text(event.action), .optional(event.targetType),
            .optional(event.targetId), .text(event.detail), .optional(event.clientIP), .optional(event.requestId), .date(now)
        )
    }

    /// Newest first, optionally one action only.
    public func list(_ page: PageRequest, action: String? = nil) async throws -> (records: [AuditRecord], total: Int) {
        let filter = action == nil ? "" : "WHERE action = ?"
        let binds: [SQLValue] = action.map { [.text($0)] } ?? []
        let total = try await db.first("SELECT COUNT(*) AS n FROM audit_log \(filter)", binds)?.int("n") ?? 0
        let rows = try await db.query(
            """
            SELECT id, actor_user_id, actor, action, target_type, target_id, detail, client_ip, request_id, created_at
            FROM audit_log \(filter) ORDER BY id DESC LIMIT ? OFFSET ?
            """,
            binds + [.int(Int64(page.size)), .int(Int64(page.offset))]
        )
        return (try rows.map(AuditRecord.init(row:)), Int(total))
    }
}
