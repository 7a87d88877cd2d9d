import Foundation
import RegistryStore
import Shared
import Synchronization
import SyncWorker
import Testing
import TestSupport
@testable import RegistryServer

/// How a sync groups packages (`SyncBatching`): batches end at a number of packages or of bytes,
/// and packages are read ahead only while those read and not yet stored hold less than a limit.
@Suite("Sync: batches and the files held ahead")
struct SyncBatchingTests {
    /// The server's publisher, watched: the files of each package prepared and not yet stored, the
    /// most they reached, and each stored batch's sizes. Storing is slowed down, so that reading
    /// ahead would run far ahead of it if nothing held it back.
    final class Watching: SyncPublisher {
        struct State {
            var held = 0
            var peak = 0
            var batches: [[Int]] = []
        }

        let inner: ServerSyncPublisher
        let state = Mutex(State())

        init(_ inner: ServerSyncPublisher) { self.inner = inner }

        func prepare(kind: AssetKind, files: [PackageFile], source: VersionSource, syncSourceId: Int64, owner: User) -> PreparedSyncPackage {
            let bytes = files.reduce(0) { $0 + $1.contents.count }
            state.withLock { state in
                state.held += bytes
                state.peak = max(state.peak, state.held)
            }
            let prepared = inner.prepare(kind: kind, files: files, source: source, syncSourceId: syncSourceId, owner: owner)
            return PreparedSyncPackage(store: prepared.store, storeAlone: prepared.storeAlone, contents: Sized(bytes: bytes, inner: prepared.contents))
        }

        func store(_ batch: [PreparedSyncPackage], in stores: RegistryDatabase.Stores) async throws -> [SyncPublishOutcome] {
            let sizes = batch.map { ($0.contents as? Sized)?.bytes ?? 0 }
            try await Task.sleep(for: .milliseconds(30))
            let unwrapped = batch.map { PreparedSyncPackage(store: $0.store, storeAlone: $0.storeAlone, contents: ($0.contents as? Sized)?.inner) }
            let outcomes = try await inner.store(unwrapped, in: stores)
            state.withLock { state in
                state.held -= sizes.reduce(0, +)
                state.batches.append(sizes)
            }
            return outcomes
        }

        func finish(createdVersionIds: [Int64]) async throws {
            try await inner.finish(createdVersionIds: createdVersionIds)
        }

        struct Sized: Sendable {
            let bytes: Int
            let inner: (any Sendable)?
        }
    }

    @Test("batches end at their number of packages or of bytes; packages are read ahead only while those waiting hold less than the limit; every package is stored once", arguments: TestDatabases.backends)
    func boundedAhead(backend: TestBackend) async throws {
        // 40 skills of 17,6xx bytes each (all the same), in the repository's order held-00 … held-39.
        let names = (0..<40).map { String(format: "held-%02d", $0) }
        var files: [String: String] = [:]
        for (index, name) in names.enumerated() {
            files["skills/\(name)/SKILL.md"] = "---\nname: \(name)\ndescription: Skill number \(String(format: "%02d", index))\n---\nBody.\n"
            files["skills/\(name)/reference.md"] = String(repeating: String(format: "line %02d of the reference\n", index), count: 700)
        }
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("held", files: files)
        let packageBytes = files.filter { $0.key.hasPrefix("skills/held-00/") }.values.reduce(0) { $0 + $1.utf8.count }
        try await TestApp.run(backend, environment: ["SYNC_ALLOW_FILE_URLS": "true"]) { (app: TestApp) async throws in
            let created = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "held", "url": fixture.fileURL("held")])
            let source = Int64(try #require(created.json["id"] as? Int))
            let watching = Watching(ServerSyncPublisher(publisher: app.services.publisher, registry: app.services.registry))
            // At most 8 packages, or the package reaching 50,000 bytes; 30 ahead by number, but
            // only while less than 100,000 bytes wait.
            let batching = SyncBatching(packages: 8, maxBytes: 50_000, ahead: 30, heldBytes: 100_000)
            let service = SyncService(registry: app.services.registry, git: LibGit2Client(), publisher: watching, workDirectory: app.services.syncService.workDirectory,
                                      limits: app.services.packageLimits, batching: batching, timeout: .seconds(60), logger: app.services.logger, credentials: { _ in .none })
            let run = try await service.run(sourceId: source, trigger: "api")
            #expect(run.status == "succeeded" && run.created == 40, "\(run)")
            let state = watching.state.withLock { $0 }
            #expect(state.batches.flatMap { $0 }.count == 40, "every package stored once: \(state.batches)")
            #expect(state.batches.flatMap { $0 }.allSatisfy { $0 == packageBytes })
            for batch in state.batches {
                #expect(batch.count <= 8)
                #expect(batch.dropLast().reduce(0, +) < 50_000, "a batch ends with the package that reaches the limit: \(batch)")
            }
            // 50,000 bytes are three packages: the batches are of three, the last of one.
            #expect(state.batches.map(\.count) == Array(repeating: 3, count: 13) + [1], "\(state.batches.map(\.count))")
            // What waits: under the limit, plus a package being read on each preparing thread (each
            // passed the check under the limit) and the batch being gathered, whose packages may
            // be read in their turn with the limit reached (three here). Reading 30 ahead without
            // the limit holds ~600 KB. (The bound once said one package read in its turn; a run
            // of 2026-12-07 held nine, 158,013 bytes, three of them the gathered batch's.)
            let threads = ProcessInfo.processInfo.activeProcessorCount
            #expect(state.peak <= 100_000 + (threads + 3) * packageBytes, "peak \(state.peak) bytes with packages of \(packageBytes)")
            for name in ["held-00", "held-17", "held-39"] {
                let asset = try await app.request(.get, "/api/v1/assets/skill/\(name)")
                #expect(asset.status == .ok, "\(name)")
            }
        }
    }
}
