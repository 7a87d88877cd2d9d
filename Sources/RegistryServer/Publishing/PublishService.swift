import Foundation
import Logging
import RegistryAuth
import RegistryStore
import Shared

/// Publishing a version: one code path for every way a package arrives (archive, file map,
/// AgentHub JSON, sync). Checks ownership, picks the version, refuses a different package under an
/// existing version, and stores everything in one transaction.
struct PublishService: Sendable {
    let registry: RegistryDatabase
    let limits: PackageLimits
    var rateLimiter: RateLimiter? = nil

    struct Outcome: Sendable {
        let assetId: Int64
        let name: String
        let version: AssetVersion
        /// False when the same package was already published (nothing was written).
        let created: Bool
        /// True when this publish made the asset itself (its first version).
        var newAsset = false
    }

    /// Publishes `package` as a `kind` asset for `publisher`. `expectedName` (from the URL) must
    /// match the manifest's name.
    /// With `syncSourceId` (the sync worker), ownership is strict: no admin override, and an asset
    /// of another source or another owner is refused, never taken over.
    func publish(kind: AssetKind, package: AssetPackage, source: VersionSource = .upload, expectedName: String? = nil,
                 publisher: Identity, context: AppRequestContext?, syncSourceId: Int64? = nil) async throws -> Outcome {
        // People publishing through the API are limited per user; admins and sync are not.
        if syncSourceId == nil, !publisher.isAdmin, let rateLimiter, let wait = rateLimiter.attempt(["user:\(publisher.user.id)"]) {
            let seconds = max(1, Int(wait.components.seconds) + 1)
            throw APIError(.tooManyRequests, "too many publishes; try again in \(seconds) seconds", headers: [.retryAfter: String(seconds)])
        }
        return try await publish(try await prepare(kind: kind, package: package), source: source, expectedName: expectedName, publisher: publisher, context: context, syncSourceId: syncSourceId)
    }

    /// A package parsed, checked and hashed, with its README rendered: the CPU-heavy half of a
    /// publish, off the cooperative pool. The sync worker prepares several packages at once
    /// (without rendering: an empty `readmeHTML` is rendered after the run, see ``Readmes``;
    /// rendering is two thirds of a package's preparing) and stores them in the repository's order.
    struct Prepared: Sendable {
        let asset: PreparedAsset
        let readmeHTML: String
    }

    func prepare(kind: AssetKind, package: AssetPackage) async throws -> Prepared {
        let limits = self.limits
        return try await BlockingWork.run {
            let prepared = try PreparedAsset.prepare(kind: kind, package: package, limits: limits)
            return Prepared(asset: prepared, readmeHTML: ReadmeRenderer.html(from: prepared.readmeMarkdown))
        }
    }

    /// Stores a prepared package (the second half of ``publish(kind:package:source:expectedName:publisher:context:syncSourceId:)``).
    func publish(_ ready: Prepared, source: VersionSource = .upload, expectedName: String? = nil,
                 publisher: Identity, context: AppRequestContext?, syncSourceId: Int64? = nil) async throws -> Outcome {
        let prepared = ready.asset, readmeHTML = ready.readmeHTML
        if let expectedName, expectedName != prepared.name {
            throw APIError.unprocessable("the URL names '\(expectedName)' but the manifest names '\(prepared.name)'; they must be the same")
        }
        // Two first publishes of one name can race on PostgreSQL: the loser retries and then sees the winner's rows.
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await registry.transaction { stores in
                    try await publish(prepared, readmeHTML: readmeHTML, source: source, publisher: publisher, context: context, syncSourceId: syncSourceId, stores: stores)
                }
            } catch DatabaseError.uniqueViolation where attempt < 3 {
                continue
            }
        }
    }

    /// Stores a prepared package in a transaction the caller holds (the sync worker stores a
    /// batch in one). When it throws, the caller rolls back.
    func publish(_ ready: Prepared, source: VersionSource, publisher: Identity, syncSourceId: Int64, in stores: RegistryDatabase.Stores) async throws -> Outcome {
        try await publish(ready.asset, readmeHTML: ready.readmeHTML, source: source, publisher: publisher, context: nil, syncSourceId: syncSourceId, stores: stores)
    }

    /// First versions of assets that do not exist yet, stored together in the transaction the
    /// caller holds (a first sync's batch): the rows `publish` would write for each, with a few
    /// statements per table for the batch instead of about nine per package. Each name must be
    /// new and appear once; a name taken meanwhile fails the insert (the caller rolls back).
    func publishNew(_ items: [(ready: Prepared, source: VersionSource)], publisher: Identity, syncSourceId: Int64, in stores: RegistryDatabase.Stores) async throws -> [Outcome] {
        let assets = stores.assets
        let ids = try await assets.insert(items.map { item in
            NewAsset(kind: item.ready.asset.kind, name: item.ready.asset.name, description: item.ready.asset.description, ownerId: publisher.user.id, origin: .sync, syncSourceId: syncSourceId)
        })
        var news: [(assetId: Int64, new: NewVersion)] = []
        for (ready, source) in items {
            let prepared = ready.asset
            guard let assetId = ids[NewAsset.Key(kind: prepared.kind, name: prepared.name)] else { throw DatabaseError.backend("the asset '\(prepared.name)' was not inserted") }
            news.append((assetId, NewVersion(
                version: prepared.version ?? SemanticVersion(major: 1, minor: 0, patch: 0), package: prepared.package, manifest: prepared.manifestText,
                metadataJSON: prepared.metadataJSON, readmeMarkdown: prepared.readmeMarkdown, readmeHTML: ready.readmeHTML, warnings: prepared.warnings, source: source,
                publisherId: publisher.method == .adminKey ? nil : publisher.user.id, references: prepared.references
            )))
        }
        let versions = try await assets.insertVersions(news)
        try await assets.setOnlyVersionLatest(assetIds: news.map(\.assetId))
        try await assets.insertTags(zip(news, items).map { ($0.assetId, $1.ready.asset.tags) })
        try await assets.insertSearchDocuments(zip(news, items).map { news, item in
            (news.assetId, item.ready.asset.name, item.ready.asset.description, item.ready.asset.tags, item.ready.asset.readmeMarkdown)
        })
        return try zip(news, items).map { news, item in
            guard let version = versions[news.assetId] else { throw DatabaseError.backend("no version was stored for '\(item.ready.asset.name)'") }
            return Outcome(assetId: news.assetId, name: item.ready.asset.name, version: version, created: true, newAsset: true)
        }
    }

    private func publish(_ prepared: PreparedAsset, readmeHTML: String, source: VersionSource, publisher: Identity,
                         context: AppRequestContext?, syncSourceId: Int64?, stores: RegistryDatabase.Stores) async throws -> Outcome {
        let assets = stores.assets
        // A new asset is written with a few statements fewer (its row is not read back, it has
        // no tags and no search row to replace): a first sync stores hundreds in a row.
        let assetId: Int64, name: String
        var status = AssetStatus.active
        var newAsset = false
        if let existing = try await assets.find(kind: prepared.kind, name: prepared.name) {
            if let syncSourceId, existing.ownerId != publisher.user.id || (existing.syncSourceId != nil && existing.syncSourceId != syncSourceId) {
                throw APIError.conflict("the \(prepared.kind.rawValue) '\(prepared.name)' already exists, owned by \(existing.ownerUsername)\(existing.syncSourceId.map { " from sync source \($0)" } ?? ""); rename it in the repository")
            }
            guard existing.ownerId == publisher.user.id || publisher.isAdmin else {
                throw APIError.forbidden("the \(prepared.kind.rawValue) '\(prepared.name)' belongs to \(existing.ownerUsername); only its owner or an admin can publish new versions")
            }
            try await assets.lock(assetId: existing.id)
            if existing.status == .deleted {
                throw APIError.conflict("the \(prepared.kind.rawValue) '\(prepared.name)' was deleted by an admin; ask an admin to restore it before publishing")
            }
            (assetId, name, status) = (existing.id, existing.name, existing.status)
        } else {
            assetId = try await assets.insert(kind: prepared.kind, name: prepared.name, description: prepared.description, ownerId: publisher.user.id,
                                              origin: syncSourceId == nil ? .upload : .sync, syncSourceId: syncSourceId)
            name = prepared.name
            newAsset = true
        }

        let versions = newAsset ? [] : try await assets.versions(assetId: assetId)
        let versionNumber: SemanticVersion
        if let declared = prepared.version {
            if let same = versions.first(where: { $0.version == declared.description }) {
                guard same.digest == prepared.package.digest else {
                    throw APIError.conflict("version \(declared) of '\(prepared.name)' already exists with different contents; versions are immutable, so raise the version")
                }
                return Outcome(assetId: assetId, name: name, version: same, created: false)
            }
            versionNumber = declared
        } else if let latest = versions.first {
            if latest.digest == prepared.package.digest {
                return Outcome(assetId: assetId, name: name, version: latest, created: false)
            }
            versionNumber = (latest.semanticVersion ?? SemanticVersion(major: 0, minor: 0, patch: 0)).nextPatch
        } else {
            versionNumber = SemanticVersion(major: 1, minor: 0, patch: 0)
        }

        let version = try await assets.insertVersion(assetId: assetId, NewVersion(
            version: versionNumber, package: prepared.package, manifest: prepared.manifestText, metadataJSON: prepared.metadataJSON,
            readmeMarkdown: prepared.readmeMarkdown, readmeHTML: readmeHTML, warnings: prepared.warnings, source: source,
            publisherId: publisher.method == .adminKey ? nil : publisher.user.id, references: prepared.references
        ))
        let highest = versions.compactMap(\.semanticVersion).max()
        if highest.map({ versionNumber > $0 }) ?? true {
            try await assets.setLatest(assetId: assetId, versionId: version.id, description: prepared.description)
            try await assets.replaceTags(assetId: assetId, tags: prepared.tags, replacing: !newAsset)
            try await assets.updateSearchDocument(assetId: assetId, name: prepared.name, description: prepared.description, tags: prepared.tags, readme: prepared.readmeMarkdown, replacing: !newAsset)
        }
        if status == .removed {
            try await assets.setStatus(assetId: assetId, status: .active)
        }
        if let context {
            try await stores.audit.record(context.auditEvent("asset.publish", targetType: prepared.kind.rawValue, targetId: String(assetId), detail: ["name": prepared.name, "version": versionNumber.description, "digest": prepared.package.digest]))
        }
        return Outcome(assetId: assetId, name: name, version: version, created: true, newAsset: newAsset)
    }
}
