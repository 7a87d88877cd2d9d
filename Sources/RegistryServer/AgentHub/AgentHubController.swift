import Foundation
import Hummingbird
import RegistryStore
import Shared

/// AgentHub's collections `/skills`, `/mcps` and `/agents`: list, top, detail, delete, install.
/// Publishing is in `AgentHubController+Publish.swift`.
struct AgentHubController {
    let services: AppServices
    let collection: AgentHubKind
    var responses: AgentHubResponses { AgentHubResponses(registry: services.registry) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("", use: list)
        group.get("top", use: top)
        group.get(":id", use: detail)
        group.delete(":id", use: delete)
        group.get(":id/install", use: installPackage)
        group.post(":id/install", use: recordInstall)
        switch collection {
        case .skills:
            group.post("upload", use: uploadSkill)
            group.post("", use: createSkillFromGit)
        case .mcps:
            group.post("", use: createMCP)
        case .agents:
            group.post("", use: createAgent)
        }
    }

    /// The same for every caller, so kept in the response cache by query.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await services.responseCache.answer(cacheKey("list", context) + "\u{0}" + (request.uri.query ?? ""), to: request) {
            let page = try request.pageRequest()
            let keyword = request.queryString("keyword") ?? request.queryString("q")
            if let keyword, keyword.count > 256 { throw APIError.unprocessable("keyword must be at most 256 characters") }
            let query = AssetQuery(text: keyword, kind: collection.assetKind, tag: request.queryString("tag"))
            let (assets, total) = try await services.registry.assets.search(query, page: page)
            return (try APIJSON.conditionalAnswer(AgentHubResponses.page(try await responses.items(assets), total: total, page: page)), true)
        }
    }

    /// A bare array, most installed first.
    @Sendable func top(_ request: Request, context: AppRequestContext) async throws -> Response {
        let limit = try request.queryInt("limit", default: 10, range: 1...50)
        let query = AssetQuery(kind: collection.assetKind, sort: .installs)
        let (assets, _) = try await services.registry.assets.search(query, page: PageRequest(page: 1, size: limit))
        return try APIJSON.response(.array(try await responses.items(assets)))
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await services.responseCache.answer(cacheKey("item", context), to: request) {
            (try APIJSON.conditionalAnswer(try await responses.item(try await asset(context))), true)
        }
    }

    /// The collection, the route and the id: what the answer of a cached route depends on.
    private func cacheKey(_ route: String, _ context: AppRequestContext) -> String {
        "agenthub\u{0}\(collection.rawValue)\u{0}\(route)\u{0}\(context.parameters.get("id") ?? "")"
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        try await AssetLifecycle.delete(try await asset(context), services: services, context: context)
        return APIJSON.noContent()
    }

    /// What the client installs, from the recorded (latest, not yanked) version.
    /// Kept in the response cache while current (deleted assets are not found here at all).
    @Sendable func installPackage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await services.responseCache.answer(cacheKey("install", context), to: request) {
            (try APIJSON.conditionalAnswer(try await installPayload(context)), true)
        }
    }

    private func installPayload(_ context: AppRequestContext) async throws -> JSONValue {
        let asset = try await asset(context)
        let version = try await installableVersion(asset)
        switch collection {
        case .skills:
            let files = try await services.registry.assets.package(versionId: version.id)
            var text: [String: JSONValue] = [:]
            var binary: [JSONValue] = []
            for file in files {
                if let content = file.text {
                    text[file.path] = .string(content)
                } else {
                    // Never dropped silently: listed with where to fetch the whole package.
                    binary.append(.object([
                        "path": .string(file.path), "size": .number(Double(file.contents.count)), "sha256": .string(file.sha256),
                        "download_url": .string("/api/v1/assets/skill/\(asset.name)/versions/\(version.version)/download"),
                    ]))
                }
            }
            var gitURL = "", commit = "", path = ""
            if case .git(let url, _, let hash, let subPath) = version.source {
                gitURL = url
                commit = hash ?? ""
                path = subPath ?? ""
            }
            return .object([
                "name": .string(asset.name), "version": .string(version.version), "digest": .string(version.digest),
                "git_url": .string(gitURL), "commit_hash": .string(commit), "skill_path": .string(path),
                "files": .object(text), "binary_files": .array(binary),
            ])
        case .mcps:
            let metadata = (try? JSONDecoder().decode(JSONValue.self, from: Data(version.metadataJSON.utf8))) ?? .object([:])
            guard case .object(let fields) = metadata, let server = fields["server"] else {
                throw APIError.notFound("tool '\(asset.name)' has no server configuration")
            }
            return .object([
                "name": .string(asset.name), "version": .string(version.version),
                "config": .object(["mcpServers": .object([asset.name: server])]),
                "env_vars_needed": fields["variables_needed"] ?? .array([]), "oauth_hint": .null,
            ])
        case .agents:
            let references = try await AssetPresenter(registry: services.registry).references(of: version)
            return .object([
                "name": .string(asset.name), "version": .string(version.version), "prompt": .string(AgentHubResponses.prompt(version)),
                "skill_names": .array(references.filter { $0.kind == .skill }.map { .string($0.name) }),
                "mcp_names": .array(references.filter { $0.kind == .tool }.map { .string($0.name) }),
                "referenced_skills": .array(references.filter { $0.kind == .skill }.map(AgentHubResponses.reference)),
                "referenced_mcps": .array(references.filter { $0.kind == .tool }.map(AgentHubResponses.reference)),
            ])
        }
    }

    /// Records an install of the version the client was given. 204, no body.
    @Sendable func recordInstall(_ request: Request, context: AppRequestContext) async throws -> Response {
        let asset = try await asset(context)
        let version = try? await installableVersion(asset)
        try await AssetLifecycle.recordInstall(asset, versionId: version?.id, agentType: request.queryString("agent_type"), services: services, context: context)
        return APIJSON.noContent()
    }

    // MARK: - Lookups

    /// The asset of the `id` path parameter in this collection; deleted ones are not found.
    func asset(_ context: AppRequestContext) async throws -> Asset {
        let id = try context.idParameter()
        guard let asset = try await services.registry.assets.find(id: id), asset.kind == collection.assetKind, asset.status != .deleted else {
            throw APIError.notFound("\(collection.assetKind.rawValue) \(id) not found")
        }
        return asset
    }

    private func installableVersion(_ asset: Asset) async throws -> AssetVersion {
        if let id = asset.latestVersionId, let latest = try await services.registry.assets.version(id: id), !latest.yanked {
            return latest
        }
        guard let version = try await services.registry.assets.versions(assetId: asset.id).first(where: { !$0.yanked }) else {
            throw APIError.notFound("\(asset.kind.rawValue) '\(asset.name)' has no installable version (all are yanked)")
        }
        return version
    }
}
