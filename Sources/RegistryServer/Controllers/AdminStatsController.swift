import Foundation
import Hummingbird
import RegistryStore
import Shared

/// `GET /api/v1/admin/stats`: what the admin dashboard shows — counts, installs per day over the
/// last 30 days (UTC), and the health of the sync sources.
struct AdminStatsController {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("stats", use: stats)
    }

    @Sendable func stats(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let database = services.registry.database
        func count(_ sql: String, _ binds: [SQLValue] = []) async throws -> Double {
            Double(try await database.first(sql, binds)?.int("n") ?? 0)
        }
        var assets: [String: JSONValue] = ["skill": .number(0), "agent": .number(0), "tool": .number(0)]
        for row in try await database.query("SELECT kind, COUNT(*) AS n FROM assets WHERE status <> 'deleted' GROUP BY kind", []) {
            assets[try row.string("kind")] = .number(Double(try row.int("n")))
        }
        let calendar = Calendar(identifier: .gregorian)
        var utc = calendar
        utc.timeZone = .gmt
        let today = utc.startOfDay(for: Date())
        let since = utc.date(byAdding: .day, value: -29, to: today)!
        let day = services.registry.dialect == .sqlite ? "substr(created_at, 1, 10)" : "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        var perDay: [String: Double] = [:]
        for row in try await database.query("SELECT \(day) AS day, COUNT(*) AS n FROM install_events WHERE created_at >= ? GROUP BY \(day)", [.date(since)]) {
            perDay[try row.string("day")] = Double(try row.int("n"))
        }
        let formatter = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()
        let days: [JSONValue] = (0..<30).map { offset in
            let date = utc.date(byAdding: .day, value: offset, to: since)!
            let key = date.formatted(formatter)
            return .object(["day": .string(key), "count": .number(perDay[key] ?? 0)])
        }
        let health = try await services.registry.sync.health()
        let byStatus = Dictionary(grouping: health, by: \.lastStatus).mapValues { JSONValue.number(Double($0.count)) }
        let failing: [JSONValue] = health.filter(\.isFailing).map { source in
            .object([
                "id": .number(Double(source.id)), "name": .string(source.name), "status": .string(source.lastStatus),
                "error": AgentHubResponses.optional(source.lastError), "finished_at": source.lastFinishedAt.map(AgentHubResponses.date) ?? .null,
            ])
        }
        return try APIJSON.response(JSONValue.object([
            "users": .number(try await count("SELECT COUNT(*) AS n FROM users")),
            "admins": .number(try await count("SELECT COUNT(*) AS n FROM users WHERE role = 'admin'")),
            "assets": .object(assets),
            "versions": .number(try await count("SELECT COUNT(*) AS n FROM asset_versions")),
            "installs_total": .number(try await count("SELECT COUNT(*) AS n FROM install_events")),
            "installs_by_day": .array(days),
            "sync": .object(["sources": .number(Double(health.count)), "enabled": .number(Double(health.filter(\.enabled).count)), "by_last_status": .object(byStatus), "failing": .array(failing)]),
        ]))
    }
}
