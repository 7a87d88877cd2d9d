import Foundation

// Request and response bodies of the user and auth routes. Property names are camelCase here and
// snake_case on the wire: the server's and the CLI's coders convert.

/// `POST /api/v1/auth/register`
public struct RegisterRequest: Codable, Sendable {
    public var username: String
    public var email: String
    public var password: String
    public var displayName: String?

    public init(username: String, email: String, password: String, displayName: String? = nil) {
        self.username = username
        self.email = email
        self.password = password
        self.displayName = displayName
    }
}

/// `POST /api/v1/auth/login`
public struct LoginRequest: Codable, Sendable {
    public var email: String
    public var password: String

    public init(email: String, password: String) {
        self.email = email
        self.password = password
    }
}

/// `POST /api/v1/auth/api-key` without credentials: the AgentHub client's password-less sign-up.
public struct LegacyAPIKeyRequest: Codable, Sendable {
    public var username: String
    public var email: String

    public init(username: String, email: String) {
        self.username = username
        self.email = email
    }
}

/// A user as the API shows it (AgentHub's `UserResponse`).
public struct UserResponse: Codable, Sendable, Equatable {
    public var id: Int64
    public var username: String
    public var displayName: String?
    public var email: String
    public var role: UserRole
    public var isActive: Bool
    public var createdAt: Date

    public init(id: Int64, username: String, displayName: String?, email: String, role: UserRole, isActive: Bool, createdAt: Date) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.email = email
        self.role = role
        self.isActive = isActive
        self.createdAt = createdAt
    }

    // `display_name` is always present, `null` when unset, as in AgentHub.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(username, forKey: .username)
        try container.encode(displayName, forKey: .displayName)
        try container.encode(email, forKey: .email)
        try container.encode(role, forKey: .role)
        try container.encode(isActive, forKey: .isActive)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// Answer of register and login (AgentHub's `AuthResponse`).
public struct AuthResponse: Codable, Sendable {
    public var user: UserResponse
    /// Only set by register: the first API key, shown once.
    public var apiKey: String?
    public var token: String
    public var message: String

    public init(user: UserResponse, apiKey: String?, token: String, message: String) {
        self.user = user
        self.apiKey = apiKey
        self.token = token
        self.message = message
    }

    // `api_key` is always present on the wire, `null` after login, as the AgentHub client expects.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user, forKey: .user)
        try container.encode(apiKey, forKey: .apiKey)
        try container.encode(token, forKey: .token)
        try container.encode(message, forKey: .message)
    }
}

/// AgentHub's `APIKeyResponse`: a newly issued key, shown once.
public struct APIKeyResponse: Codable, Sendable {
    public var apiKey: String
    public var message: String

    public init(apiKey: String, message: String = "API Key generated. Store it securely — it won't be shown again.") {
        self.apiKey = apiKey
        self.message = message
    }
}

/// `POST /api/v1/users/me/api-keys`
public struct CreateAPIKeyRequest: Codable, Sendable {
    public var name: String

    public init(name: String) { self.name = name }
}

/// An API key as listed: never the key itself, only the prefix that identifies it.
public struct APIKeyInfo: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var prefix: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(id: Int64, name: String, prefix: String, createdAt: Date, lastUsedAt: Date?) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// Answer of `POST /api/v1/users/me/api-keys`: the listed fields plus the key, shown once.
public struct CreatedAPIKey: Codable, Sendable {
    public var id: Int64
    public var name: String
    public var prefix: String
    public var createdAt: Date
    public var apiKey: String
    public var message: String

    public init(info: APIKeyInfo, apiKey: String) {
        self.id = info.id
        self.name = info.name
        self.prefix = info.prefix
        self.createdAt = info.createdAt
        self.apiKey = apiKey
        self.message = "Store this key now: it cannot be shown again."
    }
}

/// `PUT /api/v1/admin/users/{id}/role`
public struct RoleChangeRequest: Codable, Sendable {
    public var role: String

    public init(role: String) { self.role = role }
}

/// One entry of the audit log.
public struct AuditEntryResponse: Codable, Sendable {
    public var id: Int64
    public var actor: String
    public var actorUserId: Int64?
    public var action: String
    public var targetType: String?
    public var targetId: String?
    public var detail: String
    public var clientIp: String?
    public var createdAt: Date

    public init(id: Int64, actor: String, actorUserId: Int64?, action: String, targetType: String?, targetId: String?, detail: String, clientIp: String?, createdAt: Date) {
        self.id = id
        self.actor = actor
        self.actorUserId = actorUserId
        self.action = action
        self.targetType = targetType
        self.targetId = targetId
        self.detail = detail
        self.clientIp = clientIp
        self.createdAt = createdAt
    }
}
