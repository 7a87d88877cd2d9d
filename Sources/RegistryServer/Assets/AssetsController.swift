import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RegistryAuth
import RegistryStore
import Shared

/// Our own asset routes, by kind and name: `/api/v1/assets/...`.
struct AssetsController {
    let services: AppServices
    var presenter: AssetPresenter { AssetPresenter(registry: services.registry) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("", use: list)
        group.post(":kind", use: publish)
        group.post(":kind/:name", use: publish)
        group.get(":kind/:name", use: detail)
        group.delete(":kind/:name", use: delete)
        group.post(":kind/:name/restore", use: restore)
        group.put(":kind/:name/deprecation", use: deprecate)
        group.delete(":kind/:name/deprecation", use: undeprecate)
        group.post(":kind/:name/installs", use: recordInstall)
        group.get(":kind/:name/download", use: downloadLatest)
        group.get(":kind/:name/diagnostics", use: diagnostics)
        group.get(":kind/:name/versions/:version", use: version)
        group.get(":kind/:name/versions/:version/download", use: download)
        group.post(":kind/:name/versions/:version/yank", use: yank)
        group.delete(":kind/:name/versions/:version/yank", use: unyank)
    }

    // MARK: - Reading

    /// Search and browse: the same for every caller, so kept in the response cache by query.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await services.responseCache.answer("assets\u{0}" + (request.uri.query ?? ""), to: request) {
            let page = try request.pageRequest()
            let query = try AssetQueryParameters.parse(request)
            let (assets, total) = try await services.registry.assets.search(query, page: page)
            return (try APIJSON.conditionalAnswer(Page(items: try await presenter.summaries(assets), total: total, page: page.page, size: page.size)), true)
        }
    }

    /// With an ETag: `agenthub update` asks again with `If-None-Match` and gets a 304 when nothing changed.
    /// Kept in the response cache while current (not for a deleted asset, which only admins see).
    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await services.responseCache.answer(Self.cacheKey("detail", context), to: request) {
            let asset = try await visibleAsset(context)
            return (try APIJSON.conditionalAnswer(try await presenter.detail(asset)), asset.status != .deleted)
        }
    }

    @Sendable func version(_ request: Request, context: AppRequestContext) async throws -> VersionDetail {
        let asset = try await visibleAsset(context)
        return try await presenter.versionDetail(asset, try await storedVersion(asset, context))
    }

    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await services.responseCache.answer(Self.cacheKey("download", context), to: request) {
            let asset = try await visibleAsset(context)
            return (try await packageAnswer(asset, try await storedVersion(asset, context)), asset.status != .deleted)
        }
    }

    /// For the owner and admins: the warnings of the latest version and the sync diagnostics about
    /// the asset, newest first.
    @Sendable func diagnostics(_ request: Request, context: AppRequestContext) async throws -> Response {
        let asset = try await ownedAsset(context)
        let latest = try await services.registry.assets.versions(assetId: asset.id).first
        let entries = try await services.registry.sync.diagnostics(assetId: asset.id, kind: asset.kind, name: asset.name)
        return try APIJSON.response(JSONValue.object([
            "warnings": .array((latest?.warnings ?? []).map(JSONValue.string)),
            "version": latest.map { .string($0.version) } ?? .null,
            "sync": .array(entries.map { entry in
                .object([
                    "run_id": .number(Double(entry.runId)), "path": .string(entry.path), "severity": .string(entry.severity),
                    "message": .string(entry.message), "created_at": AgentHubResponses.date(entry.createdAt),
                ])
            }),
        ]))
    }

    /// The highest version that is not yanked.
    @Sendable func downloadLatest(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await services.responseCache.answer(Self.cacheKey("download-latest", context), to: request) {
            let asset = try await visibleAsset(context)
            guard let version = try await services.registry.assets.versions(assetId: asset.id).first(where: { !$0.yanked }) else {
                throw APIError.notFound("\(asset.kind.rawValue) '\(asset.name)' has no version that is not yanked; ask for an exact version")
            }
            return (try await packageAnswer(asset, version), asset.status != .deleted)
        }
    }

    /// The route and its path parameters: what the answer of a cached route depends on.
    private static func cacheKey(_ route: String, _ context: AppRequestContext) -> String {
        // One interpolation, as AgentHubController's key: joining an array of the four allocated
        // the array and each part again.
        let parameters = context.parameters
        return "\(route)\u{0}\(parameters.get("kind") ?? "")\u{0}\(parameters.get("name") ?? "")\u{0}\(parameters.get("version") ?? "")"
    }

    /// The package as `.tar.gz`, its ETag the package digest.
    private func packageAnswer(_ asset: Asset, _ version: AssetVersion) async throws -> CachedAnswer {
        var headers: HTTPFields = [.cacheControl: "public, max-age=0, must-revalidate"]
        headers[HTTPField.Name(PackageHeaders.digest)!] = version.digest
        headers[HTTPField.Name(PackageHeaders.version)!] = version.version
        let files = try await services.registry.assets.package(versionId: version.id)
        let archive: [UInt8]? = try await BlockingWork.run {
            let package = try AssetPackage(files: files, limits: PackageLimits(maxFiles: .max, maxFileBytes: .max, maxTotalBytes: .max))
            // Stored bytes that no longer match their digest are never served.
            return package.digest == version.digest ? try PackageArchive.pack(package) : nil
        }
        guard let archive else {
            throw APIError(.internalServerError, "the stored package of \(asset.name) \(version.version) does not match its digest")
        }
        return CachedAnswer(
            etag: "\"\(version.digest)\"", headers: headers,
            contentHeaders: [.contentType: PackageArchive.mediaType, .contentDisposition: "attachment; filename=\"\(asset.name)-\(version.version).tar.gz\""],
            body: ByteBuffer(bytes: archive)
        )
    }

    // MARK: - Publishing

    /// `.tar.gz` (Content-Type application/gzip or application/octet-stream) or a JSON file map.
    /// With a name in the URL, the manifest must carry the same name.
    @Sendable func publish(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<PublishResponse> {
        let identity = try context.requireIdentity()
        let kind = try Self.kind(context)
        let limits = services.packageLimits
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let package: AssetPackage
        if contentType.hasPrefix("application/json") {
            let body = try await APIJSON.decode(FileMapPublishRequest.self, from: request, limit: services.configuration.maxBodyBytes)
            package = try Self.package(from: body, limits: limits)
        } else if contentType.hasPrefix("application/gzip") || contentType.hasPrefix("application/x-gzip") || contentType.hasPrefix("application/octet-stream") {
            var request = request
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: services.configuration.maxBodyBytes)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                throw APIError(.contentTooLarge, "the archive is larger than \(services.configuration.maxBodyBytes) bytes")
            }
            let bytes = Array(buffer.readableBytesView)
            do {
                package = try await BlockingWork.run { try PackageArchive.unpack(bytes, limits: limits) }
            } catch let error as PackageError {
                throw APIError.unprocessable(error.description)
            }
        } else {
            throw APIError(.unsupportedMediaType, "send the package as application/gzip (a .tar.gz) or as application/json {\"files\": {…}}")
        }
        let expectedName = context.parameters.get("name")
        let outcome = try await services.publisher.publish(kind: kind, package: package, expectedName: expectedName, publisher: identity, context: context)
        return EditedResponse(status: outcome.created ? .created : .ok, response: PublishResponse(
            id: outcome.assetId, kind: kind, name: outcome.name, version: outcome.version.version, digest: outcome.version.digest,
            created: outcome.created, warnings: outcome.version.warnings
        ))
    }

    static func package(from body: FileMapPublishRequest, limits: PackageLimits) throws -> AssetPackage {
        let executable = Set(body.executable ?? [])
        var files = body.files.map { PackageFile(path: $0.key, contents: Array($0.value.utf8), executable: executable.contains($0.key)) }
        for (path, encoded) in body.binaryFiles ?? [:] {
            guard let data = Data(base64Encoded: encoded) else {
                throw APIError.unprocessable("binary_files['\(path)'] is not valid base64")
            }
            files.append(PackageFile(path: path, contents: Array(data), executable: executable.contains(path)))
        }
        do {
            return try AssetPackage(files: files, limits: limits)
        } catch {
            throw APIError.unprocessable(error.description)
        }
    }

    // MARK: - Lifecycle

    @Sendable func yank(_ request: Request, context: AppRequestContext) async throws -> VersionDetail {
        let (asset, version) = try await ownedVersion(context)
        let body = try await APIJSON.decode(YankRequest.self, from: request, limit: services.configuration.maxBodyBytes)
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1000).contains(reason.count) else { throw APIError.unprocessable("reason must be 1 to 1000 characters: say why this version should not be used") }
        try await services.registry.transaction { stores in
            try await stores.assets.setYanked(versionId: version.id, yanked: true, reason: reason)
            try await stores.audit.record(context.auditEvent("version.yank", targetType: asset.kind.rawValue, targetId: String(asset.id), detail: ["version": version.version, "reason": reason]))
        }
        return try await presenter.versionDetail(asset, try await storedVersion(asset, context))
    }

    @Sendable func unyank(_ request: Request, context: AppRequestContext) async throws -> VersionDetail {
        let (asset, version) = try await ownedVersion(context)
        try await services.registry.transaction { stores in
            try await stores.assets.setYanked(versionId: version.id, yanked: false, reason: nil)
            try await stores.audit.record(context.auditEvent("version.unyank", targetType: asset.kind.rawValue, targetId: String(asset.id), detail: ["version": version.version]))
        }
        return try await presenter.versionDetail(asset, try await storedVersion(asset, context))
    }

    @Sendable func deprecate(_ request: Request, context: AppRequestContext) async throws -> AssetDetail {
        let asset = try await ownedAsset(context)
        let body = try await APIJSON.decode(DeprecationRequest.self, from: request, limit: services.configuration.maxBodyBytes)
        let message = body.message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1000).contains(message.count) else { throw APIError.unprocessable("message must be 1 to 1000 characters, e.g. \"use pdf-tools instead\"") }
        try await services.registry.transaction { stores in
            try await stores.assets.setDeprecation(assetId: asset.id, message: message)
            try await stores.audit.record(context.auditEvent("asset.deprecate", targetType: asset.kind.rawValue, targetId: String(asset.id), detail: ["message": message]))
        }
        return try await presenter.detail(try await services.registry.assets.find(id: asset.id) ?? asset)
    }

    @Sendable func undeprecate(_ request: Request, context: AppRequestContext) async throws -> AssetDetail {
        let asset = try await ownedAsset(context)
        try await services.registry.transaction { stores in
            try await stores.assets.setDeprecation(assetId: asset.id, message: nil)
            try await stores.audit.record(context.auditEvent("asset.undeprecate", targetType: asset.kind.rawValue, targetId: String(asset.id)))
        }
        return try await presenter.detail(try await services.registry.assets.find(id: asset.id) ?? asset)
    }

    /// Admin: a tombstone. Versions stay stored; the asset disappears from lists and installs.
    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let asset = try await findAsset(context)
        try await AssetLifecycle.delete(asset, services: services, context: context)
        return APIJSON.noContent()
    }

    @Sendable func restore(_ request: Request, context: AppRequestContext) async throws -> AssetDetail {
        _ = try context.requireAdmin()
        let asset = try await findAsset(context)
        guard asset.status == .deleted else { throw APIError.conflict("\(asset.kind.rawValue) '\(asset.name)' is not deleted") }
        try await services.registry.transaction { stores in
            try await stores.assets.setStatus(assetId: asset.id, status: .active)
            try await stores.audit.record(context.auditEvent("asset.restore", targetType: asset.kind.rawValue, targetId: String(asset.id), detail: ["name": asset.name]))
        }
        return try await presenter.detail(try await services.registry.assets.find(id: asset.id) ?? asset)
    }

    @Sendable func recordInstall(_ request: Request, context: AppRequestContext) async throws -> Response {
        let asset = try await visibleAsset(context)
        var body = InstallRecordRequest()
        if (request.headers[.contentLength].flatMap(Int.init) ?? 0) > 0 || request.headers[.transferEncoding] != nil {
            body = try await APIJSON.decode(InstallRecordRequest.self, from: request, limit: services.configuration.maxBodyBytes)
        }
        var versionId: Int64?
        if let number = body.version {
            guard let version = try await services.registry.assets.version(assetId: asset.id, version: number) else {
                throw APIError.notFound("\(asset.kind.rawValue) '\(asset.name)' has no version \(number)")
            }
            versionId = version.id
        } else {
            versionId = asset.latestVersionId
        }
        try await AssetLifecycle.recordInstall(asset, versionId: versionId, agentType: body.agentType, services: services, context: context)
        return APIJSON.noContent()
    }

    // MARK: - Lookups

    static func kind(_ context: AppRequestContext) throws -> AssetKind {
        let text = context.parameters.get("kind") ?? ""
        guard let kind = AssetKind(rawValue: text) else {
            throw APIError.notFound("unknown asset kind '\(text)'; use skill, agent or tool")
        }
        return kind
    }

    private func findAsset(_ context: AppRequestContext) async throws -> Asset {
        let kind = try Self.kind(context)
        let name = context.parameters.get("name") ?? ""
        guard AssetName.problem(name) == nil, let asset = try await services.registry.assets.find(kind: kind, name: name) else {
            throw APIError.notFound("\(kind.rawValue) '\(name)' not found")
        }
        return asset
    }

    /// The asset, unless it is deleted and the caller is not an admin.
    private func visibleAsset(_ context: AppRequestContext) async throws -> Asset {
        let asset = try await findAsset(context)
        if asset.status == .deleted, context.identity?.isAdmin != true {
            throw APIError.notFound("\(asset.kind.rawValue) '\(asset.name)' not found (it was deleted)")
        }
        return asset
    }

    /// The asset, when the caller owns it or is an admin.
    private func ownedAsset(_ context: AppRequestContext) async throws -> Asset {
        let identity = try context.requireIdentity()
        let asset = try await visibleAsset(context)
        guard asset.ownerId == identity.user.id || identity.isAdmin else {
            throw APIError.forbidden("only the owner of '\(asset.name)' (\(asset.ownerUsername)) or an admin can change it")
        }
        return asset
    }

    private func ownedVersion(_ context: AppRequestContext) async throws -> (Asset, AssetVersion) {
        let asset = try await ownedAsset(context)
        return (asset, try await storedVersion(asset, context))
    }

    private func storedVersion(_ asset: Asset, _ context: AppRequestContext) async throws -> AssetVersion {
        let number = context.parameters.get("version") ?? ""
        guard let version = try await services.registry.assets.version(assetId: asset.id, version: SemanticVersion(number)?.description ?? number) else {
            throw APIError.notFound("\(asset.kind.rawValue) '\(asset.name)' has no version \(number)")
        }
        return version
    }
}

/// Query parameters of asset lists: `q`, `kind`, `tag`, `source`, `owner`, `sort`.
enum AssetQueryParameters {
    static func parse(_ request: Request) throws -> AssetQuery {
        var kind: AssetKind?
        if let text = request.queryString("kind"), !text.isEmpty {
            guard let value = AssetKind(rawValue: text) else { throw APIError.unprocessable("kind must be skill, agent or tool") }
            kind = value
        }
        var origin: AssetOrigin?
        if let text = request.queryString("source"), !text.isEmpty {
            guard let value = AssetOrigin(rawValue: text) else { throw APIError.unprocessable("source must be upload or sync") }
            origin = value
        }
        var sort: AssetSort?
        if let text = request.queryString("sort"), !text.isEmpty {
            guard let value = AssetSort(rawValue: text) else {
                throw APIError.unprocessable("sort must be one of: \(AssetSort.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            sort = value
        }
        let text = request.queryString("q")
        if let text, text.count > 256 { throw APIError.unprocessable("q must be at most 256 characters") }
        return AssetQuery(text: text, kind: kind, tag: request.queryString("tag"), origin: origin, ownerUsername: request.queryString("owner"), sort: sort)
    }
}
