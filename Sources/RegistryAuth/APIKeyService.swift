import Crypto
import Foundation
import RegistryStore
import Shared
import Synchronization

/// API keys: `sr_` + 43 URL-safe characters (32 random bytes).
///
/// A key is stored as a bcrypt hash plus its first characters as an indexed lookup prefix, so a
/// request costs one bcrypt check, never a scan. Keys that passed are remembered (by their SHA-256,
/// never in clear) for a while, bounded in number; revoking a key forgets it at once.
public final class APIKeyService: Sendable {
    public static let keyPrefix = "sr_"
    static let randomLength = 43
    static let lookupPrefixLength = 12

    private struct CacheEntry {
        let keyId: Int64
        let userId: Int64
        let expires: ContinuousClock.Instant
    }

    private struct Cache {
        var entries: [String: CacheEntry] = [:]
        var order: [String] = []
    }

    private let hasher: PasswordHasher
    private let capacity: Int
    private let ttl: Duration
    private let cache = Mutex(Cache())

    public init(hasher: PasswordHasher, cacheCapacity: Int, cacheTTL: Duration) {
        self.hasher = hasher
        self.capacity = cacheCapacity
        self.ttl = cacheTTL
    }

    /// A new random key.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return keyPrefix + encoded
    }

    /// Whether `key` has the shape of one of our keys (checked before any database work).
    static func isWellFormed(_ key: String) -> Bool {
        guard key.hasPrefix(keyPrefix), key.utf8.count == keyPrefix.utf8.count + randomLength else { return false }
        return key.utf8.dropFirst(keyPrefix.utf8.count).allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
    }

    static func lookupPrefix(of key: String) -> String { String(key.prefix(lookupPrefixLength)) }

    /// A new key and its hash, made before any transaction (bcrypt is slow).
    public struct PreparedKey: Sendable {
        public let key: String
        let hash: String
        var lookupPrefix: String { APIKeyService.lookupPrefix(of: key) }
    }

    public func prepare() async -> PreparedKey {
        let key = Self.generate()
        return PreparedKey(key: key, hash: await hasher.hash(key))
    }

    /// Stores a prepared key for `userId`.
    public func store(_ key: PreparedKey, userId: Int64, name: String, isLegacy: Bool = false, in stores: RegistryDatabase.Stores) async throws -> APIKeyRecord {
        try await stores.apiKeys.create(userId: userId, name: name, lookupPrefix: key.lookupPrefix, keyHash: key.hash, isLegacy: isLegacy)
    }

    /// The unrevoked key record that `key` proves, or nil. At most one bcrypt check per call;
    /// none when the key was verified recently.
    public func verify(_ key: String, in store: APIKeyStore) async throws -> APIKeyRecord? {
        guard Self.isWellFormed(key) else { return nil }
        let fingerprint = SHA256Hex.hex(key)
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0.entries[fingerprint] }), cached.expires > now {
            // Still read the row: a key revoked through another replica must stop working.
            guard let record = try await store.find(id: cached.keyId), !record.isRevoked, record.userId == cached.userId else {
                forget(keyId: cached.keyId)
                return nil
            }
            return record
        }
        let candidates = try await store.active(lookupPrefix: Self.lookupPrefix(of: key))
        guard let candidate = candidates.first else { return nil }
        // Prefix collisions between live keys are astronomically rare; only the first is checked,
        // so that one request never costs more than one bcrypt verification.
        guard await hasher.verify(key, hash: candidate.keyHash) else { return nil }
        remember(fingerprint, CacheEntry(keyId: candidate.id, userId: candidate.userId, expires: now.advanced(by: ttl)))
        return candidate
    }

    /// Drops a key from the cache (on revoke).
    public func forget(keyId: Int64) {
        cache.withLock { cache in
            let stale = cache.entries.filter { $0.value.keyId == keyId }.map(\.key)
            for fingerprint in stale { cache.entries[fingerprint] = nil }
            cache.order.removeAll { stale.contains($0) }
        }
    }

    private func remember(_ fingerprint: String, _ entry: CacheEntry) {
        guard capacity > 0, ttl > .zero else { return }
        cache.withLock { cache in
            if cache.entries.updateValue(entry, forKey: fingerprint) == nil {
                cache.order.append(fingerprint)
            }
            while cache.order.count > capacity {
                let oldest = cache.order.removeFirst()
                cache.entries[oldest] = nil
            }
        }
    }

    public var cachedCount: Int { cache.withLock { $0.entries.count } }
}
