import Foundation
import Hummingbird
import RegistryStore
import Shared

/// AgentHub's `GET /search` (all three collections at once) and the caller's own lists.
struct SearchController {
    let services: AppServices
    var responses: AgentHubResponses { AgentHubResponses(registry: services.registry) }

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("search", use: search)
        api.get("users/me/published", use: published)
        api.get("users/me/installed", use: installed)
        api.get("users/me/stats", use: stats)
    }

    /// `{"skills": page, "mcps": page, "agents": page}`; with `type`, only that one.
    /// The same for every caller, so kept in the response cache by query.
    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await services.responseCache.answer("search\u{0}" + (request.uri.query ?? ""), to: request) {
            (try APIJSON.conditionalAnswer(try await searchResult(request)), true)
        }
    }

    private func searchResult(_ request: Request) async throws -> JSONValue {
        let page = try request.pageRequest()
        let text = request.queryString("q") ?? request.queryString("keyword")
        if let text, text.count > 256 { throw APIError.unprocessable("q must be at most 256 characters") }
        var collections = AgentHubKind.allCases
        if let type = request.queryString("type"), !type.isEmpty {
            guard let only = AgentHubKind(type: type) else { throw APIError.unprocessable("type must be skill, mcp or agent") }
            collections = [only]
        }
        var result: [String: JSONValue] = [:]
        for collection in collections {
            let query = AssetQuery(text: text, kind: collection.assetKind, tag: request.queryString("tag"))
            let (assets, total) = try await services.registry.assets.search(query, page: page)
            result[collection.rawValue] = AgentHubResponses.page(try await responses.items(assets), total: total, page: page)
        }
        return .object(result)
    }

    @Sendable func published(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let page = try request.pageRequest()
        let (assets, total) = try await services.registry.assets.search(AssetQuery(ownerId: identity.user.id, sort: .recent, includeRemoved: true), page: page)
        return try APIJSON.response(AgentHubResponses.page(try await responses.items(assets), total: total, page: page))
    }

    @Sendable func installed(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var items: [JSONValue] = []
        for (asset, at) in try await services.registry.assets.installed(userId: identity.user.id) {
            guard case .object(var fields) = try await responses.item(asset) else { continue }
            fields["type"] = .string(AgentHubKind(asset.kind).rawValue)
            fields["installed_at"] = AgentHubResponses.date(at)
            items.append(.object(fields))
        }
        return try APIJSON.response(.array(items))
    }

    @Sendable func stats(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let (counts, installs) = try await services.registry.assets.stats(ownerId: identity.user.id)
        return try APIJSON.response(.object([
            "skill_count": .number(Double(counts[.skill] ?? 0)), "mcp_count": .number(Double(counts[.tool] ?? 0)),
            "agent_count": .number(Double(counts[.agent] ?? 0)), "total_installs": .number(Double(installs)),
        ]))
    }
}
