import Foundation
import RegistryStore
import Shared
import SyncWorker

/// The sync worker's way to publish: the server's publish service with strict ownership (no
/// admin override: a name owned by someone else, or by another source, is a conflict).
struct ServerSyncPublisher: SyncPublisher {
    let publisher: PublishService
    let registry: RegistryDatabase

    func prepare(kind: AssetKind, files: [PackageFile], source: VersionSource, syncSourceId: Int64, ownerId: Int64) async -> @Sendable () async -> SyncPublishOutcome {
        let ready: PublishService.Prepared
        do {
            ready = try await publisher.prepare(kind: kind, package: try AssetPackage(files: files, limits: publisher.limits))
        } catch let error as PackageError {
            return { .rejected(assetId: nil, reason: error.description, severity: "error") }
        } catch let error as APIError {
            return { .rejected(assetId: nil, reason: error.detail, severity: "error") }
        } catch {
            return { .rejected(assetId: nil, reason: "\(error)", severity: "error") }
        }
        return { await store(ready, source: source, syncSourceId: syncSourceId, ownerId: ownerId) }
    }

    private func store(_ ready: PublishService.Prepared, source: VersionSource, syncSourceId: Int64, ownerId: Int64) async -> SyncPublishOutcome {
        // The asset a refused package names, if it exists: it is still the source's, not removed.
        let kind = ready.asset.kind, registry = self.registry
        func existingId() async -> Int64? {
            try? await registry.assets.find(kind: kind, name: ready.asset.name)?.id
        }
        do {
            guard let owner = try await registry.users.find(id: ownerId) else {
                return .rejected(assetId: await existingId(), reason: "the source's owner no longer exists", severity: "error")
            }
            let outcome = try await publisher.publish(ready, source: source, publisher: Identity(user: owner, method: .token), context: nil, syncSourceId: syncSourceId)
            if outcome.created {
                return .created(assetId: outcome.asset.id, name: outcome.asset.name, version: outcome.version.version, newAsset: outcome.newAsset)
            }
            return .unchanged(assetId: outcome.asset.id)
        } catch let error as PackageError {
            return .rejected(assetId: await existingId(), reason: error.description, severity: "error")
        } catch let error as APIError {
            let existingId = await existingId()
            switch error.status {
            case .conflict where error.detail.contains("deleted"):
                return .rejected(assetId: existingId, reason: "deleted by an admin: stays deleted, not re-imported", severity: "info")
            case .forbidden, .conflict:
                return .rejected(assetId: existingId, reason: "conflict: \(error.detail)", severity: "error")
            default:
                return .rejected(assetId: existingId, reason: error.detail, severity: "error")
            }
        } catch {
            return .rejected(assetId: await existingId(), reason: "\(error)", severity: "error")
        }
    }
}
