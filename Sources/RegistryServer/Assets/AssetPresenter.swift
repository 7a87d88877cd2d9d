import Foundation
import RegistryStore
import Shared

/// Turns stored assets and versions into API bodies (ours and AgentHub's).
struct AssetPresenter: Sendable {
    let registry: RegistryDatabase

    func summaries(_ assets: [Asset]) async throws -> [AssetSummary] {
        let tags = try await registry.assets.tags(assetIds: assets.map(\.id))
        return assets.map { summary($0, tags: tags[$0.id] ?? []) }
    }

    func summary(_ asset: Asset, tags: [String]) -> AssetSummary {
        AssetSummary(
            id: asset.id, kind: asset.kind, name: asset.name, description: asset.description, latestVersion: asset.latestVersion,
            owner: asset.ownerUsername, tags: tags, installs: asset.installCount, status: asset.status.rawValue,
            deprecationMessage: asset.deprecationMessage, origin: asset.origin.rawValue, updatedAt: asset.updatedAt
        )
    }

    func detail(_ asset: Asset) async throws -> AssetDetail {
        let versions = try await registry.assets.versions(assetId: asset.id)
        let latest = versions.first { $0.id == asset.latestVersionId }
        return AssetDetail(
            asset: summary(asset, tags: try await registry.assets.tags(assetId: asset.id)),
            readmeHtml: await latest.asyncMap { await Readmes(registry: registry).html(of: $0) } ?? "",
            source: latest.map { Self.source($0.source) },
            versions: versions.map { VersionSummary(version: $0.version, digest: $0.digest, fileCount: $0.fileCount, totalSize: $0.totalSize, yanked: $0.yanked, yankReason: $0.yankReason, createdAt: $0.createdAt) },
            createdAt: asset.createdAt
        )
    }

    func versionDetail(_ asset: Asset, _ version: AssetVersion) async throws -> VersionDetail {
        let files = try await registry.assets.files(versionId: version.id)
        let publisher = try await version.publisherId.asyncMap { try await registry.users.find(id: $0)?.username } ?? nil
        let metadata = (try? JSONDecoder().decode(JSONValue.self, from: Data(version.metadataJSON.utf8))) ?? .object([:])
        return VersionDetail(
            kind: asset.kind, name: asset.name, version: version.version, digest: version.digest,
            files: files.map { FileEntry(path: $0.path, size: $0.size, mode: $0.mode, sha256: $0.sha256) },
            totalSize: version.totalSize, warnings: version.warnings, source: Self.source(version.source), publisher: publisher,
            yanked: version.yanked, yankReason: version.yankReason, metadata: metadata, readmeHtml: await Readmes(registry: registry).html(of: version),
            references: try await references(of: version), createdAt: version.createdAt
        )
    }

    /// An agent version's references, each resolved now: active, deprecated or missing.
    func references(of version: AssetVersion) async throws -> [ReferenceStatus] {
        var result: [ReferenceStatus] = []
        for reference in try await registry.assets.references(versionId: version.id) {
            let target = try await registry.assets.find(kind: reference.kind, name: reference.name)
            let status: String
            switch target?.status {
            case nil, .deleted?: status = "missing"
            case .removed?: status = "deprecated"
            case .active?: status = target?.deprecationMessage == nil ? "active" : "deprecated"
            }
            result.append(ReferenceStatus(kind: reference.kind, name: reference.name, description: target?.status == .deleted ? "" : (target?.description ?? ""), status: status))
        }
        return result
    }

    static func source(_ source: VersionSource) -> SourceInfo {
        switch source {
        case .upload: SourceInfo(kind: "upload")
        case .git(let url, let ref, let commit, let path): SourceInfo(kind: "git", gitUrl: url, gitRef: ref, commit: commit, path: path)
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
