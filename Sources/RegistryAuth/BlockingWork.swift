import Dispatch

/// CPU-heavy or blocking work (bcrypt, gzip, hashing whole packages, rendering READMEs) runs
/// here, on a dispatch queue of its own, never on Swift's cooperative pool: that pool has one
/// thread per core (two on these machines) and every request waits when it is busy.
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "agenthub.blocking-work", qos: .userInitiated, attributes: .concurrent)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
