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
            }
        )
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
