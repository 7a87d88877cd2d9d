import Foundation
import Hummingbird
import RegistryStore
import Shared

/// AgentHub's admin asset routes: every asset (deleted ones too) and delete by type and id.
struct AdminAssetsController {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("assets", use: list)
        group.delete("assets/:type/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<AssetSummary> {
        _ = try context.requireAdmin()
        let page = try request.pageRequest()
        var kind: AssetKind?
        if let type = request.queryString("type"), !type.isEmpty {
            guard let collection = AgentHubKind(type: type) else { throw APIError.unprocessable("type must be skill, mcp or agent") }
            kind = collection.assetKind
        }
        var query = AssetQuery(text: request.queryString("q"), kind: kind, sort: .recent, includeRemoved: true)
        query.includeDeleted = true
        let (assets, total) = try await services.registry.assets.search(query, page: page)
        return Page(items: try await AssetPresenter(registry: services.registry).summaries(assets), total: total, page: page.page, size: page.size)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let type = context.parameters.get("type") ?? ""
        guard let collection = AgentHubKind(type: type) else { throw APIError.notFound("unknown asset type '\(type)'; use skill, mcp or agent") }
        let id = try context.idParameter()
        guard let asset = try await services.registry.assets.find(id: id), asset.kind == collection.assetKind else {
            throw APIError.notFound("\(collection.assetKind.rawValue) \(id) not found")
        }
        try await AssetLifecycle.delete(asset, services: services, context: context)
        return APIJSON.noContent()
    }
}
