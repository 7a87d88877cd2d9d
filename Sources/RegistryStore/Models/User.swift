import Foundation
import Shared

/// A registry account.
public struct User: Sendable, Equatable {
    public let id: Int64
    public var username: String
    public var email: String
    public var displayName: String?
    /// bcrypt hash; nil for accounts that can only use API keys.
    public var passwordHash: String?
    public var role: UserRole
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var lastLoginAt: Date?

    public var isAdmin: Bool { role == .admin }

    init(row: DatabaseRow) throws {
        id = try row.int("id")
        username = try row.string("username")
        email = try row.string("email")
        displayName = row.optionalString("display_name")
        passwordHash = row.optionalString("password_hash")
        let roleText = try row.string("role")
        guard let role = UserRole(rawValue: roleText) else {
            throw DatabaseError.decoding(column: "role", expected: "user|admin", found: .text(roleText))
        }
        self.role = role
        isActive = try row.bool("is_active")
        createdAt = try row.date("created_at")
        updatedAt = try row.date("updated_at")
        lastLoginAt = row.optionalDate("last_login_at")
    }

    static let columns = "id, username, email, display_name, password_hash, role, is_active, created_at, updated_at, last_login_at"
}

/// What is needed to create a user.
public struct NewUser: Sendable {
    public var username: String
    public var email: String
    public var displayName: String?
    public var passwordHash: String?
    public var role: UserRole

    public init(username: String, email: String, displayName: String? = nil, passwordHash: String?, role: UserRole = .user) {
        self.username = username
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.role = role
    }
}
