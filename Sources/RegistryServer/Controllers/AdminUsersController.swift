import Foundation
import Hummingbird
import RegistryStore
import Shared

/// `/api/v1/admin`: users (list, role, disable, enable) and the audit log. Admins only.
struct AdminUsersController {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("users", use: listUsers)
        group.put("users/:id/role", use: changeRole)
        group.put("users/:id/disable", use: disable)
        group.put("users/:id/enable", use: enable)
        group.get("audit", use: auditLog)
    }

    @Sendable func listUsers(_ request: Request, context: AppRequestContext) async throws -> Page<UserResponse> {
        _ = try context.requireAdmin()
        let page = try request.pageRequest()
        let query = request.queryString("q")?.trimmingCharacters(in: .whitespaces)
        let (users, total) = try await services.registry.users.list(page, matching: query)
        return Page(items: users.map(UserResponse.init), total: total, page: page.page, size: page.size)
    }

    @Sendable func changeRole(_ request: Request, context: AppRequestContext) async throws -> UserResponse {
        _ = try context.requireAdmin()
        let id = try context.idParameter()
        let body = try await APIJSON.decode(RoleChangeRequest.self, from: request, limit: services.configuration.maxBodyBytes)
        guard let role = UserRole(rawValue: body.role) else {
            throw APIError.unprocessable("role must be one of: \(UserRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let updated = try await services.registry.transaction { stores in
            guard let user = try await stores.users.find(id: id) else { throw APIError.notFound("user \(id) not found") }
            if user.role == role { return user }
            if user.role == .admin, user.isActive, try await stores.users.activeAdminCount() <= 1 {
                throw APIError.conflict("user \(user.username) is the last active admin; make someone else admin first")
            }
            guard let updated = try await stores.users.setRole(id: id, role: role) else { throw APIError.notFound("user \(id) not found") }
            try await stores.audit.record(context.auditEvent("user.role_change", targetType: "user", targetId: String(id), detail: ["from": user.role.rawValue, "to": role.rawValue]))
            return updated
        }
        return UserResponse(updated)
    }

    @Sendable func disable(_ request: Request, context: AppRequestContext) async throws -> UserResponse {
        try await setActive(false, request, context)
    }

    @Sendable func enable(_ request: Request, context: AppRequestContext) async throws -> UserResponse {
        try await setActive(true, request, context)
    }

    private func setActive(_ active: Bool, _ request: Request, _ context: AppRequestContext) async throws -> UserResponse {
        let admin = try context.requireAdmin()
        let id = try context.idParameter()
        let updated = try await services.registry.transaction { stores in
            guard let user = try await stores.users.find(id: id) else { throw APIError.notFound("user \(id) not found") }
            if user.isActive == active { return user }
            if !active {
                if admin.method != .adminKey, admin.user.id == id {
                    throw APIError.conflict("you cannot disable your own account")
                }
                if user.role == .admin, try await stores.users.activeAdminCount() <= 1 {
                    throw APIError.conflict("user \(user.username) is the last active admin; make someone else admin first")
                }
            }
            guard let updated = try await stores.users.setActive(id: id, active: active) else { throw APIError.notFound("user \(id) not found") }
            try await stores.audit.record(context.auditEvent(active ? "user.enable" : "user.disable", targetType: "user", targetId: String(id)))
            return updated
        }
        return UserResponse(updated)
    }

    @Sendable func auditLog(_ request: Request, context: AppRequestContext) async throws -> Page<AuditEntryResponse> {
        _ = try context.requireAdmin()
        let page = try request.pageRequest()
        let action = request.queryString("action").flatMap { $0.isEmpty ? nil : $0 }
        let (records, total) = try await services.registry.audit.list(page, action: action)
        let items = records.map { record in
            AuditEntryResponse(id: record.id, actor: record.event.actor, actorUserId: record.event.actorUserId, action: record.event.action, targetType: record.event.targetType, targetId: record.event.targetId, detail: record.event.detail, clientIp: record.event.clientIP, createdAt: record.createdAt)
        }
        return Page(items: items, total: total, page: page.page, size: page.size)
    }
}
