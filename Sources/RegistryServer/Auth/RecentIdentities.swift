import Synchronization

/// Identities an API key (ours or `ADMIN_API_KEY`) proved a moment ago, by the key's SHA-256 —
/// never the key itself — so a client's next requests cost no database work.
///
/// The same freshness rule as ``ResponseCache``: an identity is used while nothing was written
/// through this process since it was checked (a key revoked, an account disabled or its role
/// changed here shows at once) and for at most `lifetime`, which bounds how late such a change
/// made by another replica shows. Bounded in number; a lifetime or capacity of zero turns it off.
final class RecentIdentities: Sendable {
    private struct Entry {
        let identity: Identity
        let generation: UInt64
        let expires: ContinuousClock.Instant
    }

    private let capacity: Int
    private let lifetime: Duration
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int, lifetime: Duration) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// The identity checked for `fingerprint` when nothing changed since (`generation`).
    func identity(_ fingerprint: String, generation: UInt64) -> Identity? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[fingerprint] else { return nil }
            if entry.generation == generation, entry.expires > now { return entry.identity }
            entries[fingerprint] = nil
            return nil
        }
    }

    /// Remembers an identity checked against the database as it was at `generation`.
    func remember(_ fingerprint: String, _ identity: Identity, generation: UInt64) {
        guard capacity > 0, lifetime > .zero else { return }
        let entry = Entry(identity: identity, generation: generation, expires: ContinuousClock.now.advanced(by: lifetime))
        entries.withLock { entries in
            if entries.count >= capacity, entries[fingerprint] == nil {
                // Full: what is stale goes; if nothing is, the whole set starts again.
                entries = entries.filter { $0.value.generation == generation && $0.value.expires > ContinuousClock.now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[fingerprint] = entry
        }
    }
}
