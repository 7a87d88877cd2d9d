import Crypto
import Foundation
import JWTKit

/// Login tokens: JWT HS256 with a required `exp`, signed with a key derived from the server secret.
struct TokenService: Sendable {
    struct Payload: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    private let keys: JWTKeyCollection
    let ttl: Duration

    init(secret: String, ttl: Duration) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(key: Self.deriveKey(secret: secret)), digestAlgorithm: .sha256)
        self.ttl = ttl
    }

    /// HKDF turns a secret of any length into the 32-byte key HS256 wants.
    static func deriveKey(secret: String) -> SymmetricKey {
        ServerSecrets.key(from: secret, for: "jwt-hs256")
    }

    func issue(userId: Int64, now: Date = Date()) async throws -> String {
        let seconds = Double(ttl.components.seconds)
        // Whole seconds: NumericDate readers in other languages expect integers.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let payload = Payload(
            sub: SubjectClaim(value: String(userId)),
            exp: ExpirationClaim(value: now.addingTimeInterval(seconds)),
            iat: IssuedAtClaim(value: now)
        )
        return try await keys.sign(payload)
    }

    /// The user id a valid, unexpired token names, or nil for any bad token.
    func verify(_ token: String) async -> Int64? {
        guard token.utf8.count < 4096, let payload = try? await keys.verify(token, as: Payload.self) else { return nil }
        return Int64(payload.sub.value)
    }
}
