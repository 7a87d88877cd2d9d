import Foundation
import Logging
import Synchronization
import RegistryStore
import Shared

/// How a sync run groups the packages it stores: `packages` per transaction (a batch also ends
/// with the package that brings its files to `maxBytes`), and up to `ahead` packages read and
/// prepared before their turn, as long as the files of those prepared and not yet stored stay
/// under `heldBytes`. Above it are at most a package per preparing thread (each passed the check
/// under the limit) and the batch being gathered, whose packages are read in their turn.
public struct SyncBatching: Sendable, Equatable {
    public var packages: Int
    public var maxBytes: Int
    public var ahead: Int
    public var heldBytes: Int

    public init(packages: Int = 128, maxBytes: Int = 16 << 20, ahead: Int = 256, heldBytes: Int = 64 << 20) {
        precondition(packages > 0 && maxBytes > 0 && ahead > 0 && heldBytes > 0)
        self.packages = packages
        self.maxBytes = maxBytes
        self.ahead = ahead
        self.heldBytes = heldBytes
    }
}

/// What happened to one synced package.
public enum SyncPublishOutcome: Sendable, Equatable {
    case created(assetId: Int64, versionId: Int64, name: String, version: String, newAsset: Bool)
    case unchanged(assetId: Int64)
    /// Refused: a conflict (someone else's name), a deleted asset, a bad manifest or package.
    case rejected(assetId: Int64?, reason: String, severity: String)
}

/// Publishes packages found by the sync worker. The server implements it with its publish
/// service; the worker never imports the server.
public protocol SyncPublisher: Sendable {
    /// Does the CPU-heavy half of a publish (parse, check, hash) on the calling thread and
    /// returns the other half, which stores it. The worker prepares a few packages at once on
    /// ``BackgroundWork`` and stores them in batches, in the repository's order, so two packages
    /// of one name always end the same way.
    func prepare(kind: AssetKind, files: [PackageFile], source: VersionSource, syncSourceId: Int64, owner: User) -> PreparedSyncPackage

    /// Stores a batch of prepared packages in the transaction given, in order; throws when one is
    /// refused (the worker then rolls the batch back and stores each of its packages alone). The
    /// default stores them one by one (`PreparedSyncPackage.store`).
    func store(_ batch: [PreparedSyncPackage], in stores: RegistryDatabase.Stores) async throws -> [SyncPublishOutcome]

    /// After a run is recorded: the work its new versions leave for later (their READMEs).
    func finish(createdVersionIds: [Int64]) async throws
}

extension SyncPublisher {
    public func store(_ batch: [PreparedSyncPackage], in stores: RegistryDatabase.Stores) async throws -> [SyncPublishOutcome] {
        var outcomes: [SyncPublishOutcome] = []
        for package in batch { outcomes.append(try await package.store(stores)) }
        return outcomes
    }
}

/// A package ready to be stored, two ways.
public struct PreparedSyncPackage: Sendable {
    /// Stores it in the transaction given, with others; throws when it is refused (the worker
    /// then rolls the batch back and stores each of its packages alone).
    public let store: @Sendable (RegistryDatabase.Stores) async throws -> SyncPublishOutcome
    /// Stores it in a transaction of its own; a refusal is an outcome.
    public let storeAlone: @Sendable () async -> SyncPublishOutcome
    /// What the publisher prepared, for its `store(_:in:)` of a whole batch (nil when there is
    /// nothing to store: the outcome is known).
    public let contents: (any Sendable)?

    public init(store: @escaping @Sendable (RegistryDatabase.Stores) async throws -> SyncPublishOutcome, storeAlone: @escaping @Sendable () async -> SyncPublishOutcome,
                contents: (any Sendable)? = nil) {
        self.store = store
        self.storeAlone = storeAlone
        self.contents = contents
    }
}

/// One sync of one source: fetch, discover, publish what changed, mark what disappeared, record
/// everything in the run. The database is the queue: state lives on the source and run rows.
public struct SyncService: Sendable {
    public let registry: RegistryDatabase
    public let git: any GitClient
    public let publisher: any SyncPublisher
    /// Bare clones live here, one per source.
    public let workDirectory: URL
    public let limits: PackageLimits
    public let batching: SyncBatching
    public let timeout: Duration
    public let credentials: @Sendable (SyncSource) throws -> GitCredentials
    /// Told about every run this service finishes, with how long it took (metrics).
    public let finished: @Sendable (SyncRun, Duration) -> Void
    public let logger: Logger
    /// Names this worker in leases: one source is synced by one worker at a time.
    public let workerId = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"

    public init(registry: RegistryDatabase, git: any GitClient, publisher: any SyncPublisher, workDirectory: URL, limits: PackageLimits, batching: SyncBatching = SyncBatching(), timeout: Duration, logger: Logger,
                credentials: @escaping @Sendable (SyncSource) throws -> GitCredentials, finished: @escaping @Sendable (SyncRun, Duration) -> Void = { _, _ in }) {
        self.batching = batching
        self.finished = finished
        self.registry = registry
        self.git = git
        self.publisher = publisher
        self.workDirectory = workDirectory
        self.limits = limits
        self.timeout = timeout
        self.logger = logger
        self.credentials = credentials
    }

    public struct SyncFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Records a new run for `sourceId` (status running) and returns it; `perform` does the work.
    public func begin(sourceId: Int64, trigger: String) async throws -> SyncRun {
        guard try await registry.sync.source(id: sourceId) != nil else { throw SyncFailure(description: "sync source \(sourceId) does not exist") }
        return try await registry.sync.startRun(sourceId: sourceId, trigger: trigger)
    }

    /// Records runs that a stopped or crashed worker left "running" as interrupted and frees their
    /// sources (see `SyncStore.recoverInterrupted`). A lease is the worker's if it is this process;
    /// it is gone when it was taken on this host by a process that no longer exists, or by an
    /// earlier process with this one's id (a restarted container is often pid 1 again).
    @discardableResult
    public func recoverInterrupted() async throws -> Int {
        let host = ProcessInfo.processInfo.hostName, me = workerId
        let pid = ProcessInfo.processInfo.processIdentifier
        let marked = try await registry.sync.recoverInterrupted(isGone: { owner in
            guard owner != me else { return false }
            let parts = owner.split(separator: "-")
            guard parts.count >= 3, let ownerPid = Int32(parts[parts.count - 2]) else { return false }
            let ownerHost = parts.dropLast(2).joined(separator: "-")
            guard ownerHost == host else { return false }
            return ownerPid == pid || (kill(ownerPid, 0) != 0 && errno == ESRCH)
        })
        if marked > 0 { logger.warning("sync runs interrupted by a stop were recorded as failed", metadata: ["runs": "\(marked)"]) }
        return marked
    }

    /// Runs a sync now and returns the finished run.
    public func run(sourceId: Int64, trigger: String) async throws -> SyncRun {
        try await perform(try await begin(sourceId: sourceId, trigger: trigger))
    }

    /// Does the work of a started run and records its end. Never throws for a failed sync: the
    /// failure is the run's recorded error; only database trouble escapes.
    @discardableResult
    public func perform(_ started: SyncRun) async throws -> SyncRun {
        let clock = ContinuousClock.now
        var createdVersions: [Int64] = []
        let run = try await performRun(started, createdVersions: &createdVersions)
        finished(run, ContinuousClock.now - clock)
        if !createdVersions.isEmpty {
            let finishing = ContinuousClock.now
            do {
                try await publisher.finish(createdVersionIds: createdVersions)
                logger.debug("sync run finished", metadata: ["run": "\(run.id)", "versions": "\(createdVersions.count)", "ms": "\(Self.milliseconds(ContinuousClock.now - finishing))"])
            } catch {
                // What is left is done when it is asked for (a README is rendered when shown).
                logger.warning("finishing a sync run failed", metadata: ["run": "\(run.id)", "error": "\(error)"])
            }
        }
        return run
    }

    private func performRun(_ started: SyncRun, createdVersions: inout [Int64]) async throws -> SyncRun {
        var run = started
        guard let source = try await registry.sync.source(id: run.sourceId) else {
            run.status = "failed"
            run.error = "the source was deleted"
            try await registry.sync.finishRun(run)
            return run
        }
        let leaseUntil = Date().addingTimeInterval(Double(timeout.components.seconds) * 3 + 300)
        guard try await registry.sync.acquireLease(sourceId: source.id, owner: workerId, until: leaseUntil) else {
            run.status = "failed"
            run.error = "skipped: another worker is syncing this source right now"
            try await registry.sync.finishRun(run)
            return run
        }
        let log = DiagnosticLog(registry: registry, runId: run.id)
        do {
            try await sync(source, &run, log: log, createdVersions: &createdVersions)
            run.status = run.failed > 0 ? "partial" : "succeeded"
        } catch {
            run.status = "failed"
            run.error = String(describing: error)
            logger.warning("sync failed", metadata: ["source": "\(source.id)", "error": "\(run.error ?? "")"])
        }
        try await log.flush()
        try await registry.sync.finishRun(run)
        try await registry.sync.releaseLease(sourceId: source.id, owner: workerId, nextRunAt: Date().addingTimeInterval(Double(source.intervalSeconds)))
        return run
    }

    /// Syncs every enabled source that is due and not leased by another worker; returns the runs.
    public func runDue(trigger: String = "schedule", now: Date = Date()) async throws -> [SyncRun] {
        var runs: [SyncRun] = []
        for source in try await registry.sync.dueSources(now: now) {
            let started = try await begin(sourceId: source.id, trigger: trigger)
            runs.append(try await perform(started))
        }
        return runs
    }

    private func sync(_ source: SyncSource, _ run: inout SyncRun, log: DiagnosticLog, createdVersions: inout [Int64]) async throws {
        guard let ownerId = source.ownerId else { throw SyncFailure(description: "the source has no owner; edit it as an admin") }
        guard let owner = try await registry.users.find(id: ownerId) else {
            throw SyncFailure(description: "the source's owner (user \(ownerId)) no longer exists; edit it as an admin")
        }
        var seen = Set<Int64>()
        var failedLocations = Set<String>()
        if let host = RepositoryLister.Host(rawValue: source.kind) {
            // An organisation or group: every repository it lists, each with the source's token.
            let credentials = try credentials(source)
            var token: String?
            if case .token(_, let value) = credentials { token = value }
            let repositories = try await RepositoryLister().repositories(host: host, apiURL: source.apiURL ?? "", name: source.url, token: token, timeout: timeout)
            for repository in repositories {
                do {
                    let key = String(SHA256Hex.hex(repository).prefix(16))
                    let commit = try await syncRepository(url: repository, branch: nil, subPath: source.subPath, repositoryPath: workDirectory.appendingPathComponent("source-\(source.id)/\(key).git").path,
                                                          credentials: credentials, source: source, owner: owner, run: &run, log: log, logPath: repository, seen: &seen, failedLocations: &failedLocations, createdVersions: &createdVersions)
                    try await log.add(path: repository, severity: "info", message: "synced at \(commit)")
                } catch {
                    run.failed += 1
                    try await log.add(path: repository, severity: "error", message: "\(error)")
                }
            }
            run.commit = nil
        } else {
            // Nothing to read when the fetched commit is the one the last clean run synced and the
            // source was not edited since: its assets are exactly what that run left.
            let last = try await registry.sync.lastSucceededRun(sourceId: source.id)
            let unchangedSince = last.flatMap { run in run.commit != nil && source.updatedAt < run.startedAt ? run : nil }
            run.commit = try await syncRepository(url: source.url, branch: source.branch, subPath: source.subPath, repositoryPath: workDirectory.appendingPathComponent("source-\(source.id).git").path,
                                                  credentials: try credentials(source), source: source, owner: owner, run: &run, log: log, seen: &seen, failedLocations: &failedLocations, createdVersions: &createdVersions,
                                                  unchangedSince: unchangedSince)
        }
        try await markRemoved(source, seen: seen, failedLocations: failedLocations, run: &run, log: log)
    }

    /// Fetches one repository, publishes what it holds and returns its commit. How long the fetch
    /// and the rest took is an info diagnostic of the run (at `logPath`: "" for a source of one
    /// repository), so that an admin, and the benchmark, can see where a slow sync spent its time.
    private func syncRepository(url: String, branch: String?, subPath: String?, repositoryPath: String, credentials: GitCredentials, source: SyncSource, owner: User,
                                run: inout SyncRun, log: DiagnosticLog, logPath: String = "", seen: inout Set<Int64>, failedLocations: inout Set<String>, createdVersions: inout [Int64], unchangedSince: SyncRun? = nil) async throws -> String {
        let clock = ContinuousClock.now
        let commit = try await git.update(url: url, branch: branch, repositoryPath: repositoryPath, credentials: credentials, timeout: timeout)
        let fetched = ContinuousClock.now
        if let unchangedSince, unchangedSince.commit == commit {
            try await log.add(path: logPath, severity: "info", message: Self.timing(fetch: fetched - clock, stored: nil))
            let synced = try await registry.sync.syncedAssets(sourceId: source.id)
            run.unchanged += synced.count
            for asset in synced { seen.insert(asset.id) }
            try await log.add(path: "", severity: "info", message: "unchanged: still at \(commit), synced by run \(unchangedSince.id)")
            return commit
        }
        let entries = try await git.tree(repositoryPath: repositoryPath, commit: commit)
        let discovery = AssetDiscovery(subPath: subPath)
        let (found, configFiles) = discovery.discover(entries)
        var assets = found
        for file in configFiles {
            do {
                let bytes = try await git.blob(repositoryPath: repositoryPath, objectId: file.objectId, limit: limits.maxFileBytes)
                let (tools, problems) = AssetDiscovery.tools(in: bytes, path: file.path)
                assets += tools
                for problem in problems {
                    try await log.add(path: file.path, severity: "warning", message: problem)
                }
            } catch {
                try await log.add(path: file.path, severity: "error", message: "\(error)")
            }
        }
        // Each package is read and prepared ahead (on ``BackgroundWork``'s low-priority threads,
        // with one open repository per thread) while the ones before it are stored, in batches,
        // in the repository's order, one transaction each (a commit and a thread switch per
        // package cost more than storing it). A batch is gathered while the one before it is
        // stored, so the writer does not wait for the gathering. Every commit writes the pages
        // its batch changed to the WAL, and the upper levels of the indexes, the last page of each
        // table and the tag index's pages are changed by every batch: 128 packages per batch and
        // two batches prepared ahead wrote a sixth fewer pages than 32 and took a sixth less time
        // (docs/benchmarks.md). A package prepared ahead holds its files until its batch is
        // stored; once those of all such packages reach `batching.heldBytes`, the next ones are
        // not read ahead but when their turn comes (`.deferred`).
        var detail = StoreTiming(listing: ContinuousClock.now - fetched)
        let batching = self.batching, ahead = batching.ahead
        let reader = git.blobReader(repositoryPath: repositoryPath)
        let held = HeldBytes(limit: batching.heldBytes)
        var preparing: [Int: Task<PreparedPackage, Never>] = [:]
        func start(_ index: Int) {
            guard index < assets.count else { return }
            let asset = assets[index]
            preparing[index] = Task { await self.prepare(asset, reader: reader, url: url, branch: branch, commit: commit, source: source, owner: owner, held: held) }
        }
        var storing: StoringBatch?
        defer { for task in preparing.values { task.cancel() } }
        for index in 0..<min(ahead, assets.count) { start(index) }
        func record(_ batch: StoringBatch) async throws {
            let waited = ContinuousClock.now
            let (outcomes, transactions, took) = try await finishStoring(batch, log: log)
            detail.waitingForStoring += ContinuousClock.now - waited
            detail.transactions += transactions
            detail.inTransactions += took
            held.release(batch.bytes)
            for ((asset, _), outcome) in zip(batch.packages, outcomes) {
                let gitPath = asset.location.split(separator: "#").first.map(String.init) ?? asset.location
                switch outcome {
                case .created(let assetId, let versionId, _, _, let newAsset):
                    if newAsset { run.created += 1 } else { run.updated += 1 }
                    seen.insert(assetId)
                    createdVersions.append(versionId)
                case .unchanged(let assetId):
                    run.unchanged += 1
                    seen.insert(assetId)
                case .rejected(let assetId, _, let severity):
                    if severity == "error" { run.failed += 1 }
                    failedLocations.insert(gitPath)
                    if let assetId { seen.insert(assetId) }
                }
            }
        }
        do {
            var next = 0
            while next < assets.count {
                var ready: [(asset: DiscoveredAsset, package: PreparedSyncPackage)] = []
                var bytes = 0
                while next < assets.count, ready.count < batching.packages, bytes < batching.maxBytes {
                    let index = next
                    next += 1
                    guard let task = preparing.removeValue(forKey: index) else { continue }
                    let asked = ContinuousClock.now
                    var prepared = await task.value
                    start(index + ahead)
                    if case .deferred = prepared {
                        prepared = await prepare(assets[index], reader: reader, url: url, branch: branch, commit: commit, source: source, owner: owner, held: held, now: true)
                    }
                    detail.waitingForReading += ContinuousClock.now - asked
                    let asset = assets[index]
                    for note in asset.notes {
                        try await log.add(kind: asset.kind, path: asset.location, severity: "warning", message: note)
                    }
                    switch prepared {
                    case .failed(let problem):
                        run.failed += 1
                        failedLocations.insert(asset.location)
                        try await log.add(kind: asset.kind, path: asset.location, severity: "error", message: problem)
                    case .ready(let package, let size):
                        ready.append((asset, package))
                        bytes += size
                    case .deferred:
                        preconditionFailure("a package prepared in its turn is never deferred")
                    }
                }
                if let previous = storing {
                    storing = nil
                    try await record(previous)
                }
                storing = ready.isEmpty ? nil : startStoring(ready, bytes: bytes, log: log)
            }
            if let last = storing {
                storing = nil
                try await record(last)
            }
        } catch {
            // The batch being stored ends (committed or rolled back) before the run is recorded.
            _ = await storing?.task.result
            throw error
        }
        let done = ContinuousClock.now
        logger.debug("repository synced", metadata: ["url": "\(LibGit2.redact(url))", "packages": "\(assets.count)",
                                                     "fetch_ms": "\(Self.milliseconds(fetched - clock))", "publish_ms": "\(Self.milliseconds(done - fetched))"])
        try await log.add(path: logPath, severity: "info", message: Self.timing(fetch: fetched - clock, stored: (assets.count, done - fetched, detail)))
        return commit
    }

    /// Where the reading and storing of one repository's packages went, for its timing line.
    /// The packages are read and prepared on other threads while earlier batches are stored, so
    /// only the waits are on the run's path: for a package still being read, and for the batch
    /// before to be stored (its transaction, or its packages stored one by one after a refusal).
    struct StoreTiming: Sendable {
        /// Reading the commit's tree and finding its assets.
        var listing: Duration
        var waitingForReading: Duration = .zero
        var waitingForStoring: Duration = .zero
        var transactions = 0
        /// The transactions from start (including the wait for the writer) to commit.
        var inTransactions: Duration = .zero
    }

    /// "fetched in 312 ms; read and stored 500 packages in 150 ms (listing 3 ms; 4 transactions,
    /// 110 ms; waited 20 ms for reading, 40 ms for storing)", or, when the commit was synced before,
    /// "fetched in 7 ms; nothing to read" (`stored` nil).
    static func timing(fetch: Duration, stored: (packages: Int, duration: Duration, detail: StoreTiming)?) -> String {
        let fetched = "fetched in \(milliseconds(fetch)) ms"
        guard let (packages, duration, detail) = stored else { return fetched + "; nothing to read" }
        return fetched + "; read and stored \(packages) \(packages == 1 ? "package" : "packages") in \(milliseconds(duration)) ms"
            + " (listing \(milliseconds(detail.listing)) ms; \(detail.transactions) \(detail.transactions == 1 ? "transaction" : "transactions"), \(milliseconds(detail.inTransactions)) ms;"
            + " waited \(milliseconds(detail.waitingForReading)) ms for reading, \(milliseconds(detail.waitingForStoring)) ms for storing)"
    }

    /// A batch being stored in a transaction of its own, with the diagnostics it took from the log
    /// and the size of its packages' files.
    private struct StoringBatch {
        let packages: [(asset: DiscoveredAsset, package: PreparedSyncPackage)]
        let diagnostics: [NewSyncDiagnostic]
        let bytes: Int
        let started: ContinuousClock.Instant
        /// The outcomes, and how long the transaction took.
        let task: Task<([SyncPublishOutcome], Duration), any Error>
    }

    /// The size of the files of the packages prepared ahead and not yet stored, shared by the
    /// preparing jobs of one run (which add) and the run (which releases a batch once stored).
    final class HeldBytes: Sendable {
        let limit: Int
        private let bytes = Atomic<Int>(0)

        init(limit: Int) { self.limit = limit }

        var isFull: Bool { bytes.load(ordering: .relaxed) >= limit }
        func add(_ count: Int) { bytes.add(count, ordering: .relaxed) }
        func release(_ count: Int) { bytes.subtract(count, ordering: .relaxed) }
    }

    /// Starts storing prepared packages in one transaction (a commit and a thread switch per
    /// package cost more than storing it), with the run's diagnostics waiting in `log` and those
    /// of the batch's outcomes: they are there exactly when the packages are, for the price of no
    /// commit of their own. ``finishStoring(_:log:)`` waits for it. `batch` is not empty.
    private func startStoring(_ batch: [(asset: DiscoveredAsset, package: PreparedSyncPackage)], bytes: Int, log: DiagnosticLog) -> StoringBatch {
        let waiting = log.take(), runId = log.runId, publisher = self.publisher, registry = self.registry, started = ContinuousClock.now
        let task = Task<([SyncPublishOutcome], Duration), any Error> {
            let began = ContinuousClock.now
            let outcomes = try await registry.transaction { stores in
                let outcomes = try await publisher.store(batch.map(\.package), in: stores)
                let diagnostics = waiting + zip(batch, outcomes).compactMap { Self.diagnostic($1, of: $0.asset) }
                if !diagnostics.isEmpty { try await stores.sync.addDiagnostics(runId: runId, diagnostics) }
                return outcomes
            }
            return (outcomes, ContinuousClock.now - began)
        }
        return StoringBatch(packages: batch, diagnostics: waiting, bytes: bytes, started: started, task: task)
    }

    /// The outcomes of a batch. When one of the packages was refused, or the transaction failed,
    /// the batch was rolled back: each package is stored again in a transaction of its own, so a
    /// refusal costs only its own package, and the diagnostics go back to `log`, with each
    /// outcome's. Also says how many transactions that took, and how long they took.
    private func finishStoring(_ batch: StoringBatch, log: DiagnosticLog) async throws -> (outcomes: [SyncPublishOutcome], transactions: Int, took: Duration) {
        do {
            let (outcomes, took) = try await batch.task.value
            return (outcomes, 1, took)
        } catch {
            log.putBack(batch.diagnostics)
            var outcomes: [SyncPublishOutcome] = []
            for (_, package) in batch.packages { outcomes.append(await package.storeAlone()) }
            // The batch's transaction, rolled back, and one per package.
            let took = ContinuousClock.now - batch.started
            for ((asset, _), outcome) in zip(batch.packages, outcomes) {
                if let diagnostic = Self.diagnostic(outcome, of: asset) { try await log.add(diagnostic) }
            }
            return (outcomes, 1 + batch.packages.count, took)
        }
    }

    /// What storing a package adds to the run's diagnostics (nothing when it was unchanged).
    static func diagnostic(_ outcome: SyncPublishOutcome, of asset: DiscoveredAsset) -> NewSyncDiagnostic? {
        switch outcome {
        case .created(let assetId, _, let name, let version, let newAsset):
            return NewSyncDiagnostic(assetId: assetId, kind: asset.kind, name: name, path: asset.location, severity: "info", message: newAsset ? "added as version \(version)" : "new version \(version)")
        case .unchanged:
            return nil
        case .rejected(let assetId, let reason, let severity):
            return NewSyncDiagnostic(assetId: assetId, kind: asset.kind, path: asset.location, severity: severity, message: reason)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    private enum PreparedPackage: Sendable {
        /// The package could not be read (a problem for the run's diagnostics).
        case failed(String)
        /// Prepared: ready to be stored; `bytes` is the size of its files.
        case ready(PreparedSyncPackage, bytes: Int)
        /// Not read: the packages prepared ahead held enough files; it is prepared in its turn.
        case deferred
    }

    /// Reads a package's files and prepares it, in one job at background priority: the writer
    /// storing the packages before it goes first. Ahead of its turn (`now` false), a package is
    /// not read once those prepared ahead hold `held.limit` bytes of files (`.deferred`); what it
    /// reads counts in `held` until its batch is stored.
    private func prepare(_ asset: DiscoveredAsset, reader: any GitBlobReader, url: String, branch: String?, commit: String, source: SyncSource, owner: User, held: HeldBytes, now: Bool = false) async -> PreparedPackage {
        let publisher = self.publisher, limits = self.limits
        return await BackgroundWork.shared.run {
            if !now, held.isFull { return .deferred }
            var files: [PackageFile] = []
            switch asset.content {
            case .generated(let generated):
                files = generated
            case .files(let list):
                if list.count > limits.maxFiles {
                    return .failed("\(list.count) files; at most \(limits.maxFiles) are allowed")
                }
                var total = 0
                let contents: [Result<[UInt8], GitError>]
                do {
                    contents = try reader.blobs(objectIds: list.map(\.entry.objectId), limit: limits.maxFileBytes, totalLimit: limits.maxTotalBytes)
                } catch {
                    return .failed("\(error)")
                }
                for ((packagePath, entry), content) in zip(list, contents) {
                    let bytes: [UInt8]
                    do {
                        bytes = try content.get()
                    } catch {
                        return .failed("\(entry.path): \(error)")
                    }
                    total += bytes.count
                    if total > limits.maxTotalBytes { return .failed("larger than the package limit of \(limits.maxTotalBytes) bytes") }
                    files.append(PackageFile(path: packagePath, contents: bytes, executable: entry.kind == .executable))
                }
            }
            let gitPath = asset.location.split(separator: "#").first.map(String.init) ?? asset.location
            let prepared = publisher.prepare(kind: asset.kind, files: files, source: .git(url: url, ref: branch, commit: commit, path: gitPath), syncSourceId: source.id, owner: owner)
            let bytes = files.reduce(0) { $0 + $1.contents.count }
            held.add(bytes)
            return .ready(prepared, bytes: bytes)
        }
    }

    /// Assets this source brought in that are no longer there: removed, versions kept.
    private func markRemoved(_ source: SyncSource, seen: Set<Int64>, failedLocations: Set<String>, run: inout SyncRun, log: DiagnosticLog) async throws {
        for previous in try await registry.sync.syncedAssets(sourceId: source.id) where !seen.contains(previous.id) {
            // A file that is there but broken is a diagnostic, not a removal.
            if let latest = try await registry.assets.find(id: previous.id)?.latestVersionId,
               case .git(_, _, _, let path)? = try await registry.assets.version(id: latest)?.source,
               let path, failedLocations.contains(path) {
                continue
            }
            try await registry.assets.setStatus(assetId: previous.id, status: .removed)
            run.removed += 1
            try await log.add(assetId: previous.id, kind: previous.kind, name: previous.name, path: "", severity: "info", message: "no longer in the repository: marked removed (its versions stay installable)")
        }
    }
}

/// The diagnostics of one run, written 100 at a time instead of one statement (and one commit)
/// each, or with the next batch of packages stored (`take`); `flush` writes the rest before the
/// run is finished.
final class DiagnosticLog {
    private let registry: RegistryDatabase
    let runId: Int64
    private var pending: [NewSyncDiagnostic] = []

    init(registry: RegistryDatabase, runId: Int64) {
        self.registry = registry
        self.runId = runId
    }

    func add(assetId: Int64? = nil, kind: AssetKind? = nil, name: String? = nil, path: String, severity: String, message: String) async throws {
        try await add(NewSyncDiagnostic(assetId: assetId, kind: kind, name: name, path: path, severity: severity, message: message))
    }

    func add(_ diagnostic: NewSyncDiagnostic) async throws {
        pending.append(diagnostic)
        if pending.count >= 100 { try await flush() }
    }

    /// The diagnostics not written yet, for a transaction that writes them; `putBack` when it failed.
    func take() -> [NewSyncDiagnostic] {
        defer { pending = [] }
        return pending
    }

    func putBack(_ diagnostics: [NewSyncDiagnostic]) {
        pending = diagnostics + pending
    }

    func flush() async throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        try await registry.sync.addDiagnostics(runId: runId, batch)
    }
}
