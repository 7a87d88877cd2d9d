import Synchronization

/// A sliding-window limiter: at most `limit` events per key within `window`.
///
/// Bounded: when it tracks too many keys, expired ones are dropped, then the oldest.
final class RateLimiter: Sendable {
    private let limit: Int
    private let window: Duration
    private let maxKeys: Int
    private let events = Mutex<[String: [ContinuousClock.Instant]]>([:])

    init(limit: Int, window: Duration, maxKeys: Int = 100_000) {
        self.limit = limit
        self.window = window
        self.maxKeys = maxKeys
    }

    /// Counts an event for every key; returns nil when all are within the limit, otherwise how
    /// long until the busiest key may try again (and then the event is not counted).
    func attempt(_ keys: [String], now: ContinuousClock.Instant = .now) -> Duration? {
        events.withLock { events in
            let horizon = now.advanced(by: .zero - window)
            var retryAfter: Duration?
            for key in keys {
                let recent = (events[key] ?? []).filter { $0 > horizon }
                events[key] = recent
                if recent.count >= limit, let oldest = recent.first {
                    let wait = oldest.advanced(by: window) - now
                    retryAfter = max(retryAfter ?? .zero, wait)
                }
            }
            if let retryAfter { return retryAfter }
            for key in keys { events[key, default: []].append(now) }
            if events.count > maxKeys {
                events = events.filter { $0.value.contains { $0 > horizon } }
                while events.count > maxKeys, let key = events.keys.first { events[key] = nil }
            }
            return nil
        }
    }

    /// Forgets a key (e.g. an account's failures after a successful login).
    func reset(_ key: String) {
        events.withLock { _ = $0.removeValue(forKey: key) }
    }
}
