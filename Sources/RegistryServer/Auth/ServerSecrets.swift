import Crypto
import Foundation

/// The two operations every use of the server secret shares: deriving a key for one purpose,
/// and comparing secrets without leaking through timing.
enum ServerSecrets {
    /// A 32-byte key for `purpose`, derived from the server secret with HKDF-SHA256: one secret,
    /// independent keys (login tokens, sealed credentials).
    static func key(from secret: String, for purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Data(secret.utf8)),
            salt: Data("agenthub".utf8),
            info: Data(purpose.utf8),
            outputByteCount: 32
        )
    }

    /// Compares the SHA-256 digests of both strings in constant time, so neither the content nor
    /// the length of a secret shows in how long a refusal takes.
    static func constantTimeEqual(_ candidate: String, _ secret: String) -> Bool {
        let left = SHA256.hash(data: Data(candidate.utf8)), right = SHA256.hash(data: Data(secret.utf8))
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }
}
