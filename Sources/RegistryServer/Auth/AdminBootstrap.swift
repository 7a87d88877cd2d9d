import Foundation
import Logging
import RegistryAuth
import RegistryStore
import Shared

/// Makes sure the administrator of `ADMIN_USERNAME` exists.
///
/// On first start it is created with `ADMIN_PASSWORD`, or a generated password that is printed
/// once. Later starts leave it alone, except that a set `ADMIN_PASSWORD` that no longer matches
/// resets the password (an operator's way back in).
struct AdminBootstrap {
    let configuration: ServerConfiguration
    let registry: RegistryDatabase
    let hasher: PasswordHasher
    let logger: Logger
    /// Where the generated password is shown; standard output by default.
    var announce: @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }

    func run() async throws {
        if let existing = try await registry.users.find(username: configuration.adminUsername) {
            if let password = configuration.adminPassword {
                let matches = if let hash = existing.passwordHash { await hasher.verify(password, hash: hash) } else { false }
                if !matches {
                    let hash = await hasher.hash(password)
                    try await registry.transaction { stores in
                        try await stores.users.setPasswordHash(id: existing.id, hash: hash)
                        try await stores.audit.record(AuditEvent(actorUserId: nil, actor: "system", action: "admin.password_reset", targetType: "user", targetId: String(existing.id), detail: AuditDetail.json(["reason": "ADMIN_PASSWORD changed"])))
                    }
                    logger.notice("admin password reset from ADMIN_PASSWORD", metadata: ["user": "\(existing.username)"])
                }
            }
            return
        }
        if let holder = try await registry.users.find(email: configuration.adminEmail) {
            throw ConfigurationError("ADMIN_EMAIL \(configuration.adminEmail) already belongs to user \(holder.username); set ADMIN_USERNAME=\(holder.username) or another ADMIN_EMAIL")
        }
        let generated = configuration.adminPassword == nil
        let password = configuration.adminPassword ?? Self.generatePassword()
        let hash = await hasher.hash(password)
        let admin = try await registry.transaction { stores in
            let admin = try await stores.users.create(NewUser(username: configuration.adminUsername, email: configuration.adminEmail, displayName: "Administrator", passwordHash: hash, role: .admin))
            try await stores.audit.record(AuditEvent(actorUserId: nil, actor: "system", action: "admin.bootstrap", targetType: "user", targetId: String(admin.id)))
            return admin
        }
        logger.notice("created admin account", metadata: ["user": "\(admin.username)", "email": "\(admin.email)"])
        if generated {
            announce("""
                ================================================================
                Created the administrator '\(admin.username)' <\(admin.email)>.
                Generated password (shown only this once): \(password)
                Log in and keep it safe, or set ADMIN_PASSWORD to choose one.
                ================================================================
                """)
        }
    }

    static func generatePassword() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
