import Foundation
import Hummingbird
import RegistryStore
import Shared

/// `/api/v1/users/me`: the caller's account and API keys.
struct UsersController {
    let services: AppServices
    /// More unrevoked keys than this per user is refused: keys are for machines and people, not a store.
    static let maxActiveKeys = 100

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("me", use: me)
        group.post("me/api-key/regenerate", use: regenerate)
        group.get("me/api-keys", use: listKeys)
        group.post("me/api-keys", use: createKey)
        group.delete("me/api-keys/:id", use: revokeKey)
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> UserResponse {
        UserResponse(try context.requireIdentity().user)
    }

    /// AgentHub's regenerate: revokes the caller's AgentHub key(s) and issues a new one.
    @Sendable func regenerate(_ request: Request, context: AppRequestContext) async throws -> APIKeyResponse {
        let identity = try requireUser(context)
        let key = await services.apiKeys.prepare()
        let revoked = try await services.registry.transaction { stores in
            let revoked = try await stores.apiKeys.revokeLegacy(userId: identity.user.id)
            let record = try await services.apiKeys.store(key, userId: identity.user.id, name: "default", isLegacy: true, in: stores)
            try await stores.audit.record(context.auditEvent("api_key.regenerate", targetType: "api_key", targetId: String(record.id), detail: ["revoked": revoked.map(String.init).joined(separator: ","), "prefix": record.lookupPrefix]))
            return revoked
        }
        for id in revoked { services.apiKeys.forget(keyId: id) }
        return APIKeyResponse(apiKey: key.key, message: "API Key regenerated. The previous key no longer works; store this one securely — it won't be shown again.")
    }

    @Sendable func listKeys(_ request: Request, context: AppRequestContext) async throws -> Page<APIKeyInfo> {
        let identity = try requireUser(context)
        let keys = try await services.registry.apiKeys.active(userId: identity.user.id).map(APIKeyInfo.init)
        return Page(items: keys, total: keys.count, page: 1, size: max(keys.count, 1))
    }

    @Sendable func createKey(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CreatedAPIKey> {
        let identity = try requireUser(context)
        let body = try await APIJSON.decode(CreateAPIKeyRequest.self, from: request, limit: services.configuration.maxBodyBytes)
        if let problem = AccountValidation.keyNameProblem(body.name) { throw APIError.unprocessable(problem) }
        let name = body.name.trimmingCharacters(in: .whitespaces)
        let key = await services.apiKeys.prepare()
        let record = try await services.registry.transaction { stores in
            guard try await stores.apiKeys.active(userId: identity.user.id).count < Self.maxActiveKeys else {
                throw APIError.conflict("you already have \(Self.maxActiveKeys) API keys; revoke one you no longer use first")
            }
            let record = try await services.apiKeys.store(key, userId: identity.user.id, name: name, in: stores)
            try await stores.audit.record(context.auditEvent("api_key.create", targetType: "api_key", targetId: String(record.id), detail: ["name": name, "prefix": record.lookupPrefix]))
            return record
        }
        return EditedResponse(status: .created, response: CreatedAPIKey(info: APIKeyInfo(record), apiKey: key.key))
    }

    @Sendable func revokeKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try requireUser(context)
        let id = try context.idParameter()
        let revoked = try await services.registry.transaction { stores in
            guard try await stores.apiKeys.revoke(id: id, userId: identity.user.id) else { return false }
            try await stores.audit.record(context.auditEvent("api_key.revoke", targetType: "api_key", targetId: String(id)))
            return true
        }
        guard revoked else { throw APIError.notFound("API key \(id) not found among your active keys") }
        services.apiKeys.forget(keyId: id)
        return APIJSON.noContent()
    }

    /// A real user: the environment's admin key manages no keys of its own.
    private func requireUser(_ context: AppRequestContext) throws -> Identity {
        let identity = try context.requireIdentity()
        guard identity.method != .adminKey else {
            throw APIError.forbidden("the ADMIN_API_KEY has no keys of its own; log in as a user to manage API keys")
        }
        return identity
    }
}
