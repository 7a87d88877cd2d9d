import Foundation
import Shared

/// Users: create, find (names and e-mails compare case-insensitively), list, role and status.
public struct UserStore: Sendable {
    let db: any DatabaseExecutor

    public init(_ db: any DatabaseExecutor) { self.db = db }

    public enum Failure: Error, Equatable, Sendable {
        case usernameTaken
        case emailTaken
    }

    /// Creates the user; throws `Failure.usernameTaken` / `.emailTaken` on a duplicate in any case.
    public func create(_ new: NewUser, at now: Date = Date()) async throws -> User {
        do {
            let row = try await db.first(
                """
                INSERT INTO users (username, email, display_name, password_hash, role, is_active, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING \(User.columns)
                """,
                [.text(new.username), .text(new.email), .optional(new.displayName), .optional(new.passwordHash),
                 .text(new.role.rawValue), .bool(true), .date(now), .date(now)]
            )
            guard let row else { throw DatabaseError.backend("INSERT INTO users returned no row") }
            return try User(row: row)
        } catch DatabaseError.uniqueViolation(let constraint) {
            if constraint?.contains("email") == true { throw Failure.emailTaken }
            throw Failure.usernameTaken
        }
    }

    public func find(id: Int64) async throws -> User? {
        try await db.first("SELECT \(User.columns) FROM users WHERE id = ?", .int(id)).map(User.init(row:))
    }

    public func find(email: String) async throws -> User? {
        try await db.first("SELECT \(User.columns) FROM users WHERE lower(email) = lower(?)", .text(email)).map(User.init(row:))
    }

    public func find(username: String) async throws -> User? {
        try await db.first("SELECT \(User.columns) FROM users WHERE lower(username) = lower(?)", .text(username)).map(User.init(row:))
    }

    /// A page of users, oldest first, optionally filtered by a substring of name or e-mail.
    public func list(_ page: PageRequest, matching query: String? = nil) async throws -> (users: [User], total: Int) {
        var filter = ""
        var binds: [SQLValue] = []
        if let query, !query.isEmpty {
            let pattern = "%" + LikePattern.escape(query.lowercased()) + "%"
            filter = "WHERE lower(username) LIKE ? ESCAPE '\\' OR lower(email) LIKE ? ESCAPE '\\'"
            binds = [.text(pattern), .text(pattern)]
        }
        let total = try await db.first("SELECT COUNT(*) AS n FROM users \(filter)", binds)?.int("n") ?? 0
        let rows = try await db.query(
            "SELECT \(User.columns) FROM users \(filter) ORDER BY id LIMIT ? OFFSET ?",
            binds + [.int(Int64(page.size)), .int(Int64(page.offset))]
        )
        return (try rows.map(User.init(row:)), Int(total))
    }

    @discardableResult
    public func setRole(id: Int64, role: UserRole, at now: Date = Date()) async throws -> User? {
        try await db.first(
            "UPDATE users SET role = ?, updated_at = ? WHERE id = ? RETURNING \(User.columns)",
            .text(role.rawValue), .date(now), .int(id)
        ).map(User.init(row:))
    }

    @discardableResult
    public func setActive(id: Int64, active: Bool, at now: Date = Date()) async throws -> User? {
        try await db.first(
            "UPDATE users SET is_active = ?, updated_at = ? WHERE id = ? RETURNING \(User.columns)",
            .bool(active), .date(now), .int(id)
        ).map(User.init(row:))
    }

    public func setPasswordHash(id: Int64, hash: String, at now: Date = Date()) async throws {
        try await db.execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", .text(hash), .date(now), .int(id))
    }

    public func recordLogin(id: Int64, at now: Date = Date()) async throws {
        try await db.execute("UPDATE users SET last_login_at = ? WHERE id = ?", .date(now), .int(id))
    }

    /// Active admins; the last one cannot be demoted or disabled.
    public func activeAdminCount() async throws -> Int {
        Int(try await db.first("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND is_active = ?", .bool(true))?.int("n") ?? 0)
    }

    public func count() async throws -> Int {
        Int(try await db.first("SELECT COUNT(*) AS n FROM users")?.int("n") ?? 0)
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
public enum LikePattern {
    public static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
