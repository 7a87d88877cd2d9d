import HTTPTypes
import Hummingbird
import NIOCore
import RegistryStore
import Synchronization

/// A complete `200` answer with its validator: what ``ResponseCache`` keeps.
struct CachedAnswer: Sendable {
    let etag: String
    /// Sent with `200` and with `304`, besides the ETag (Cache-Control, digest headers).
    let headers: HTTPFields
    /// Sent with `200` only (Content-Type, Content-Disposition).
    let contentHeaders: HTTPFields
    let body: ByteBuffer

    /// Roughly what the entry costs in memory.
    var size: Int { body.readableBytes + 512 }

    /// `304 Not Modified` without a body when the request's `If-None-Match` names this answer
    /// (or is `*`), else `200` with the body.
    func response(to request: Request) -> Response {
        var fields = headers
        fields[.eTag] = etag
        if let match = request.headers[.ifNoneMatch],
           match.split(separator: ",").contains(where: { let tag = $0.trimmingCharacters(in: .whitespaces); return tag == etag || tag == "*" }) {
            return Response(status: .notModified, headers: fields)
        }
        fields.append(contentsOf: contentHeaders)
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: body))
    }
}

/// Answers of the public read routes — search and browse, asset detail, package downloads, the
/// AgentHub lists, item and install payload — kept in memory, so a hot asset or a popular query
/// costs no database work.
///
/// An entry is used while nothing was written through this process since it was made (the
/// database counts changes: ``ChangeCountingDatabase``), so a publish, yank, delete or install
/// here shows at once; and for at most `lifetime`, which bounds how late a change made by another
/// process (a second replica, `agenthub-server sync --once`) shows. Only answers that are the same
/// for every caller are kept — never one about a deleted asset, which only admins see. Bounded in
/// bytes; a lifetime or size of zero turns it off.
final class ResponseCache: Sendable {
    private struct Entry {
        let answer: CachedAnswer
        let generation: UInt64
        let expires: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    private let registry: RegistryDatabase
    private let lifetime: Duration
    private let maxBytes: Int
    private let state = Mutex(State())

    init(registry: RegistryDatabase, lifetime: Duration, maxBytes: Int) {
        self.registry = registry
        self.lifetime = lifetime
        self.maxBytes = maxBytes
    }

    private var isEnabled: Bool { lifetime > .zero && maxBytes > 0 }

    /// The answer kept for `key` while it is current; otherwise `make` builds it and says whether
    /// it may be kept (the same for every caller).
    func answer(_ key: String, to request: Request, make: () async throws -> (answer: CachedAnswer, keep: Bool)) async throws -> Response {
        guard isEnabled else { return try await make().answer.response(to: request) }
        // Taken before anything is read: a change made while `make` reads leaves the entry stale.
        let generation = registry.changeGeneration
        let now = ContinuousClock.now
        let kept = state.withLock { state -> CachedAnswer? in
            guard let entry = state.entries[key] else { return nil }
            if entry.generation == generation, entry.expires > now { return entry.answer }
            state.entries[key] = nil
            state.bytes -= entry.answer.size
            return nil
        }
        if let kept { return kept.response(to: request) }
        let made = try await make()
        if made.keep, made.answer.size <= maxBytes / 8 {
            store(key, Entry(answer: made.answer, generation: generation, expires: now.advanced(by: lifetime)))
        }
        return made.answer.response(to: request)
    }

    private func store(_ key: String, _ entry: Entry) {
        let current = registry.changeGeneration
        let now = ContinuousClock.now
        state.withLock { state in
            if let old = state.entries.updateValue(entry, forKey: key) { state.bytes -= old.answer.size }
            state.bytes += entry.answer.size
            guard state.bytes > maxBytes else { return }
            // Over the bound: stale entries go first, then any until it fits.
            for (staleKey, stale) in state.entries where stale.generation != current || stale.expires <= now {
                state.entries[staleKey] = nil
                state.bytes -= stale.answer.size
            }
            while state.bytes > maxBytes, let victim = state.entries.first(where: { $0.key != key }) {
                state.entries[victim.key] = nil
                state.bytes -= victim.value.answer.size
            }
        }
    }

    /// How many answers are kept (tests and metrics read it).
    var count: Int { state.withLock { $0.entries.count } }
}
