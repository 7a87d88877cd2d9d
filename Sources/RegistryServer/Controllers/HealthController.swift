import Hummingbird
import RegistryStore

/// `GET /health` (the process answers) and `GET /ready` (the database answers and is migrated).
struct HealthController {
    let registry: RegistryDatabase
    let migrations: MigrationRunner

    struct Status: ResponseEncodable {
        let status: String
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in
            Status(status: "ok")
        }
        router.get("openapi.json") { _, _ -> Response in
            try APIJSON.response(OpenAPIDocument.document())
        }
        router.get("ready") { _, context -> Response in
            do {
                try await registry.database.ping()
                let status = try await migrations.status()
                guard status.isUpToDate else {
                    return APIJSON.errorResponse(status: .serviceUnavailable, detail: "database schema is not current: \(status.pending.count) pending, \(status.unknown.count) unknown, \(status.modified.count) modified migrations; run `agenthub-server migrate status`")
                }
                return try APIJSON.response(Status(status: "ready"))
            } catch {
                context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
                return APIJSON.errorResponse(status: .serviceUnavailable, detail: "database is not reachable")
            }
        }
    }
}
