import HTTPTypes
import Hummingbird
import NIOCore
import RegistryStore
import Synchronization

/// An answer made for the cache, and whether it may be kept (the same for every caller).
typealias CachedAnswerMade = (answer: CachedAnswer, keep: Bool)

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
        /// Answers being made now, with the change count they started at: a second request for
        /// the same key at the same count waits for the first one's instead of reading the
        /// database again (32 clients asking at the moment an entry expired made 32 equal
        /// searches). One that comes after a change makes its own, so it sees that change.
        var pending: [String: (generation: UInt64, task: Task<CachedAnswerMade, any Error>)] = [:]
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
    /// it may be kept (the same for every caller). Requests for a key whose answer is being made
    /// share that one. An answer that is only older than the lifetime (nothing was written here
    /// since) is still given for one more lifetime while a single request makes the next one, so
    /// a slow answer (a search matching thousands) never stalls every client each time it expires.
    func answer(_ key: String, to request: Request, make: @escaping @Sendable () async throws -> CachedAnswerMade) async throws -> Response {
        guard isEnabled else { return try await make().answer.response(to: request) }
        // Taken before anything is read: a change made while `make` reads leaves the entry stale.
        let generation = registry.changeGeneration
        let now = ContinuousClock.now
        enum Found { case kept(CachedAnswer), making(Task<CachedAnswerMade, any Error>), refreshing(CachedAnswer, Task<CachedAnswerMade, any Error>) }
        let found = state.withLock { state -> Found in
            let pending = state.pending[key].flatMap { $0.generation == generation ? $0.task : nil }
            if let entry = state.entries[key] {
                if entry.generation == generation, entry.expires > now { return .kept(entry.answer) }
                if entry.generation == generation, entry.expires.advanced(by: lifetime) > now {
                    if pending != nil { return .kept(entry.answer) }
                    let task = Task { try await make() }
                    state.pending[key] = (generation, task)
                    return .refreshing(entry.answer, task)
                }
                state.entries[key] = nil
                state.bytes -= entry.answer.size
            }
            if let pending { return .making(pending) }
            let task = Task { try await make() }
            state.pending[key] = (generation, task)
            return .making(task)
        }
        switch found {
        case .kept(let answer):
            return answer.response(to: request)
        case .refreshing(let answer, let task):
            Task { _ = try? await finish(key, task, generation: generation, started: now) }
            return answer.response(to: request)
        case .making(let task):
            return try await finish(key, task, generation: generation, started: now).answer.response(to: request)
        }
    }

    /// The outcome of `task`, kept when it may be; a failure (the asset is gone, say) drops what
    /// was kept for the key.
    private func finish(_ key: String, _ task: Task<CachedAnswerMade, any Error>, generation: UInt64, started: ContinuousClock.Instant) async throws -> CachedAnswerMade {
        let result = await task.result
        return try state.withLock { state -> CachedAnswerMade in
            if state.pending[key]?.task == task {
                state.pending[key] = nil
                if case .success(let made) = result, made.keep, made.answer.size <= maxBytes / 8 {
                    insert(key, Entry(answer: made.answer, generation: generation, expires: started.advanced(by: lifetime)), into: &state)
                } else if let old = state.entries.removeValue(forKey: key) {
                    state.bytes -= old.answer.size
                }
            }
            return try result.get()
        }
    }

    private func insert(_ key: String, _ entry: Entry, into state: inout State) {
        if let old = state.entries.updateValue(entry, forKey: key) { state.bytes -= old.answer.size }
        state.bytes += entry.answer.size
        guard state.bytes > maxBytes else { return }
        // Over the bound: stale entries go first, then any until it fits.
        let current = registry.changeGeneration
        let now = ContinuousClock.now
        for (staleKey, stale) in state.entries where stale.generation != current || stale.expires <= now {
            state.entries[staleKey] = nil
            state.bytes -= stale.answer.size
        }
        while state.bytes > maxBytes, let victim = state.entries.first(where: { $0.key != key }) {
            state.entries[victim.key] = nil
            state.bytes -= victim.value.answer.size
        }
    }

    /// How many answers are kept (tests and metrics read it).
    var count: Int { state.withLock { $0.entries.count } }
}
