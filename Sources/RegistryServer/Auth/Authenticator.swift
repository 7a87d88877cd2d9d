import Foundation
import RegistryAuth
import RegistryStore
import Shared

/// Turns the credentials of a request into an identity.
///
/// `X-API-Key` (the AgentHub client sends it empty when it has no key: anonymous) or
/// `Authorization: Bearer` with a login token (or an API key). Bad credentials are an error, never
/// silently anonymous; a disabled account is 403.
struct Authenticator: Sendable {
    let registry: RegistryDatabase
    let apiKeys: APIKeyService
    let tokens: TokenService
    /// `ADMIN_API_KEY`, compared in constant time.
    let adminAPIKey: String?
    let adminUsername: String
    let recent: RecentIdentities

    init(registry: RegistryDatabase, apiKeys: APIKeyService, tokens: TokenService, adminAPIKey: String?, adminUsername: String, recent: RecentIdentities) {
        self.registry = registry
        self.apiKeys = apiKeys
        self.tokens = tokens
        self.adminAPIKey = adminAPIKey
        self.adminUsername = adminUsername
        self.recent = recent
    }

    enum Credential: Equatable {
        case apiKey(String)
        case bearer(String)
    }

    /// The credential a request carries, or nil for an anonymous request.
    static func credential(apiKeyHeader: String?, authorization: String?) throws -> Credential? {
        if let key = apiKeyHeader?.trimmingCharacters(in: .whitespaces), !key.isEmpty {
            return .apiKey(key)
        }
        if let authorization = authorization?.trimmingCharacters(in: .whitespaces), !authorization.isEmpty {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw APIError.unauthorized("Authorization header must be 'Bearer <token>'")
            }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            // A JWT has three dot-separated parts; anything else is taken as an API key.
            let isJWT = value.split(separator: ".", omittingEmptySubsequences: false).count == 3
            return isJWT && !value.hasPrefix(APIKeyService.keyPrefix) ? .bearer(value) : .apiKey(value)
        }
        return nil
    }

    func identity(for credential: Credential) async throws -> Identity {
        switch credential {
        case .apiKey(let key):
            // Taken before anything is read: a change made meanwhile leaves what is read stale.
            let generation = registry.changeGeneration
            let fingerprint = SHA256Hex.hex(key)
            if let known = recent.identity(fingerprint, generation: generation) { return known }
            let identity = try await checkedIdentity(apiKey: key)
            recent.remember(fingerprint, identity, generation: generation)
            return identity
        case .bearer(let token):
            guard let userId = await tokens.verify(token) else {
                throw APIError.unauthorized("invalid or expired token: log in again")
            }
            return Identity(user: try await activeUser(id: userId), method: .token)
        }
    }

    /// The identity `key` proves, read from the database (one bcrypt check at most).
    private func checkedIdentity(apiKey key: String) async throws -> Identity {
        if isAdminKey(key) {
            guard let admin = try await registry.users.find(username: adminUsername) else {
                throw APIError.unauthorized("the admin account \(adminUsername) does not exist; restart the server to create it")
            }
            return Identity(user: admin, method: .adminKey)
        }
        guard let record = try await apiKeys.verify(key, in: registry.apiKeys) else {
            throw APIError.unauthorized("invalid API key: it is unknown or was revoked; create a new one with `agenthub login` or in your profile")
        }
        let user = try await activeUser(id: record.userId)
        if record.lastUsedAt.map({ Date().timeIntervalSince($0) > 60 }) ?? true {
            try await registry.apiKeys.touch(id: record.id)
        }
        return Identity(user: user, method: .apiKey(id: record.id))
    }

    private func activeUser(id: Int64) async throws -> User {
        guard let user = try await registry.users.find(id: id) else {
            throw APIError.unauthorized("the account of these credentials no longer exists")
        }
        guard user.isActive else {
            throw APIError.forbidden("this account is disabled; ask an administrator to enable it")
        }
        return user
    }

    private func isAdminKey(_ key: String) -> Bool {
        guard let adminAPIKey else { return false }
        return ServerSecrets.constantTimeEqual(key, adminAPIKey)
    }
}
