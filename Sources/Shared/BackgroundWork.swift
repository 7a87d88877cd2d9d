import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Work nobody is waiting on right now (preparing the packages a sync stores next, rendering its
/// READMEs afterwards) runs here: on threads of their own at a lower scheduling priority (nice
/// 10), so that the work that is waited on — the writer storing a batch, a request — gets the
/// cores first. On Linux a nice value is per thread; it cannot be raised back without
/// privileges, which is why these threads are kept for this work only.
public final class BackgroundWork: @unchecked Sendable {
    public static let shared = BackgroundWork(threads: max(1, ProcessInfo.processInfo.activeProcessorCount))

    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [@Sendable () -> Void] = []

    init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [self] in
                #if canImport(Glibc)
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                #endif
                loop()
            }
            thread.name = "background-\(index)"
            thread.start()
        }
    }

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { continuation.resume(with: Result { try work() }) }
        }
    }

    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            enqueue { continuation.resume(returning: work()) }
        }
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
