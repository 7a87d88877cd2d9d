import Foundation
import Hummingbird
import NIOCore
import RegistryStore

/// How a request proved who it is.
enum AuthMethod: Sendable, Equatable {
    case token
    case apiKey(id: Int64)
    case adminKey
}

/// The caller of a request, once authenticated.
struct Identity: Sendable {
    let user: User
    let method: AuthMethod

    /// The environment's admin key always acts with the admin role.
    var isAdmin: Bool { user.isAdmin || method == .adminKey }

    /// How the audit log names this caller.
    var auditActor: String {
        method == .adminKey ? "admin-api-key" : "user:\(user.id)"
    }
}

/// Per-request state: the client address and, after `AuthMiddleware`, the identity.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let clientAddress: String?
    var identity: Identity?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    var requestDecoder: JSONDecoder { APIJSON.decoder }
    var responseEncoder: JSONEncoder { APIJSON.encoder }

    /// The identity, or 401.
    func requireIdentity() throws -> Identity {
        guard let identity else {
            throw APIError.unauthorized("authentication required: send an API key in X-API-Key or a token in Authorization: Bearer")
        }
        return identity
    }

    /// The identity of an admin, or 401 / 403.
    func requireAdmin() throws -> Identity {
        let identity = try requireIdentity()
        guard identity.isAdmin else { throw APIError.forbidden("this action needs the admin role") }
        return identity
    }

    /// The audit event skeleton for this request.
    func auditEvent(_ action: String, targetType: String? = nil, targetId: String? = nil, detail: [String: String] = [:]) -> AuditEvent {
        AuditEvent(
            actorUserId: identity.flatMap { $0.method == .adminKey ? nil : $0.user.id },
            actor: identity?.auditActor ?? "anonymous",
            action: action,
            targetType: targetType,
            targetId: targetId,
            detail: AuditDetail.json(detail),
            clientIP: clientAddress,
            requestId: logger[metadataKey: "hb.request.id"].map { "\($0)" }
        )
    }
}

enum AuditDetail {
    static func json(_ values: [String: String]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: values, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
