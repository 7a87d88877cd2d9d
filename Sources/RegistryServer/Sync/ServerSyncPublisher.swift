import Foundation
import RegistryStore
import Shared
import SyncWorker

/// The sync worker's way to publish: the server's publish service with strict ownership (no
/// admin override: a name owned by someone else, or by another source, is a conflict).
struct ServerSyncPublisher: SyncPublisher {
    let publisher: PublishService
    let registry: RegistryDatabase

    func prepare(kind: AssetKind, files: [PackageFile], source: VersionSource, syncSourceId: Int64, owner: User) -> PreparedSyncPackage {
        let ready: PublishService.Prepared
        do {
            // The README is rendered after the run (`finish`).
            ready = PublishService.Prepared(asset: try PreparedAsset.prepare(kind: kind, package: try AssetPackage(files: files, limits: publisher.limits), limits: publisher.limits), readmeHTML: "")
        } catch {
            let outcome = Self.refusal(error, existingId: nil)
            return PreparedSyncPackage(store: { _ in outcome }, storeAlone: { outcome })
        }
        let publisher = self.publisher, registry = self.registry
        let identity = Identity(user: owner, method: .token)
        return PreparedSyncPackage(
            store: { stores in
                Self.outcome(try await publisher.publish(ready, source: source, publisher: identity, syncSourceId: syncSourceId, in: stores))
            },
            storeAlone: {
                do {
                    return Self.outcome(try await publisher.publish(ready, source: source, publisher: identity, context: nil, syncSourceId: syncSourceId))
                } catch {
                    // The asset a refused package names, if it exists: it is still the source's, not removed.
                    let existingId = try? await registry.assets.find(kind: ready.asset.kind, name: ready.asset.name)?.id
                    return Self.refusal(error, existingId: existingId)
                }
            },
            contents: Ready(ready: ready, source: source, identity: identity, syncSourceId: syncSourceId)
        )
    }

    /// What `prepare` hands to `store(_:in:)`.
    private struct Ready: Sendable {
        let ready: PublishService.Prepared
        let source: VersionSource
        let identity: Identity
        let syncSourceId: Int64
        var key: NewAsset.Key { NewAsset.Key(kind: ready.asset.kind, name: ready.asset.name) }
    }

    /// Packages whose name is new to the registry and appears once in the batch are stored
    /// together (`PublishService.publishNew`: a first sync is mostly these); the others one by one,
    /// in the batch's order.
    func store(_ batch: [PreparedSyncPackage], in stores: RegistryDatabase.Stores) async throws -> [SyncPublishOutcome] {
        let ready = batch.map { $0.contents as? Ready }
        var counts: [NewAsset.Key: Int] = [:]
        for item in ready.compactMap({ $0 }) { counts[item.key, default: 0] += 1 }
        let taken = try await stores.assets.existing(Array(counts.keys))
        var outcomes = [SyncPublishOutcome?](repeating: nil, count: batch.count)
        let fresh = ready.enumerated().compactMap { index, item in
            item.flatMap { counts[$0.key] == 1 && !taken.contains($0.key) ? (index: index, item: $0) : nil }
        }
        if let first = fresh.first?.item {
            let created = try await publisher.publishNew(fresh.map { ($0.item.ready, $0.item.source) }, publisher: first.identity, syncSourceId: first.syncSourceId, in: stores)
            for (entry, outcome) in zip(fresh, created) { outcomes[entry.index] = Self.outcome(outcome) }
        }
        for index in batch.indices where outcomes[index] == nil {
            outcomes[index] = try await batch[index].store(stores)
        }
        return outcomes.map { $0 ?? .rejected(assetId: nil, reason: "not stored", severity: "error") }
    }

    func finish(createdVersionIds: [Int64]) async throws {
        try await Readmes(registry: registry).renderStored(versionIds: createdVersionIds)
    }

    private static func outcome(_ outcome: PublishService.Outcome) -> SyncPublishOutcome {
        guard outcome.created else { return .unchanged(assetId: outcome.assetId) }
        return .created(assetId: outcome.assetId, versionId: outcome.version.id, name: outcome.name, version: outcome.version.version, newAsset: outcome.newAsset)
    }

    private static func refusal(_ error: any Error, existingId: Int64?) -> SyncPublishOutcome {
        switch error {
        case let error as PackageError:
            return .rejected(assetId: existingId, reason: error.description, severity: "error")
        case let error as APIError:
            switch error.status {
            case .conflict where error.detail.contains("deleted"):
                return .rejected(assetId: existingId, reason: "deleted by an admin: stays deleted, not re-imported", severity: "info")
            case .forbidden, .conflict:
                return .rejected(assetId: existingId, reason: "conflict: \(error.detail)", severity: "error")
            default:
                return .rejected(assetId: existingId, reason: error.detail, severity: "error")
            }
        default:
            return .rejected(assetId: existingId, reason: "\(error)", severity: "error")
        }
    }
}
