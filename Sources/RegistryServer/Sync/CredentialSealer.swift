import Crypto
import Foundation
import SyncWorker

/// Seals sync credentials with AES-GCM under a key derived from the server secret (HKDF, its own
/// label), so the database alone never reveals a token. Changing SECRET_KEY makes stored
/// credentials unreadable: the sync run then says so.
struct CredentialSealer: Sendable {
    private let key: SymmetricKey

    init(secret: String) {
        key = ServerSecrets.key(from: secret, for: "sync-credentials")
    }

    struct Stored: Codable {
        let username: String
        var token: String?
        var privateKey: String?
        var hostFingerprint: String?
    }

    func seal(username: String, token: String) throws -> [UInt8] {
        try seal(Stored(username: username, token: token))
    }

    func seal(username: String, privateKey: String, hostFingerprint: String) throws -> [UInt8] {
        try seal(Stored(username: username, privateKey: privateKey, hostFingerprint: hostFingerprint))
    }

    private func seal(_ stored: Stored) throws -> [UInt8] {
        let plain = try JSONEncoder().encode(stored)
        guard let combined = try AES.GCM.seal(plain, using: key).combined else { throw CredentialError("sealing failed") }
        return Array(combined)
    }

    func open(_ sealed: [UInt8]) throws -> GitCredentials {
        do {
            let box = try AES.GCM.SealedBox(combined: Data(sealed))
            let stored = try JSONDecoder().decode(Stored.self, from: try AES.GCM.open(box, using: key))
            if let privateKey = stored.privateKey, let fingerprint = stored.hostFingerprint {
                return .sshKey(username: stored.username, privateKey: privateKey, hostFingerprint: fingerprint)
            }
            return .token(username: stored.username, token: stored.token ?? "")
        } catch {
            throw CredentialError("the stored credentials cannot be opened (was SECRET_KEY changed?); enter the token again")
        }
    }

    struct CredentialError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
