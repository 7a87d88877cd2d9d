import Foundation
import RegistryStore
import Shared

/// Changes to an asset shared by our routes and the AgentHub routes.
enum AssetLifecycle {
    static func delete(_ asset: Asset, services: AppServices, context: AppRequestContext) async throws {
        guard asset.status != .deleted else { return }
        try await services.registry.transaction { stores in
            try await stores.assets.setStatus(assetId: asset.id, status: .deleted)
            try await stores.audit.record(context.auditEvent("asset.delete", targetType: asset.kind.rawValue, targetId: String(asset.id), detail: ["name": asset.name]))
        }
    }

    static func recordInstall(_ asset: Asset, versionId: Int64?, agentType: String?, services: AppServices, context: AppRequestContext) async throws {
        let agent = String((agentType ?? "").trimmingCharacters(in: .whitespaces).prefix(32))
        guard agent.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw APIError.unprocessable("agent_type may only contain letters, digits, '-' and '_'")
        }
        let userId = context.identity.flatMap { $0.method == .adminKey ? nil : $0.user.id }
        _ = try await services.registry.transaction { stores in
            try await stores.assets.recordInstall(assetId: asset.id, versionId: versionId, userId: userId, agentType: agent)
        }
    }
}
