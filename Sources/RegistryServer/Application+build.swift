import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the router: middlewares, then every controller. `main` and the tests use the same one.
func buildRouter(_ services: AppServices) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    let routeTable = RouteTable()
    // Outermost first: headers on every answer, one log line per request with its final status,
    // the error edge, then the size limit (its 413 goes through the error edge like any other).
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: services.metrics))
    router.add(middleware: ErrorMiddleware(routes: routeTable))
    router.add(middleware: RequestLimitsMiddleware(maxBodyBytes: services.configuration.maxBodyBytes))

    HealthController(registry: services.registry, migrations: services.migrations).addRoutes(to: router)
    if services.configuration.metricsEnabled { MetricsController(services: services).addRoutes(to: router) }
    WebUIController(folder: WebUIController.locate(explicit: services.configuration.frontendDirectory)).addRoutes(to: router)
    let api = router.group("api/v1").add(middleware: AuthMiddleware(authenticator: services.authenticator))
    AuthController(services: services).addRoutes(to: api.group("auth"))
    UsersController(services: services).addRoutes(to: api.group("users"))
    AdminUsersController(services: services).addRoutes(to: api.group("admin"))
    AdminAssetsController(services: services).addRoutes(to: api.group("admin"))
    AdminStatsController(services: services).addRoutes(to: api.group("admin"))
    SyncSourcesController(services: services).addRoutes(admin: api.group("admin"), api: api)
    WebhooksController(services: services).addRoutes(to: api.group("webhooks"))
    AssetsController(services: services).addRoutes(to: api.group("assets"))
    for collection in AgentHubKind.allCases {
        AgentHubController(services: services, collection: collection).addRoutes(to: api.group(RouterPath(collection.rawValue)))
    }
    SearchController(services: services).addRoutes(to: api)

    routeTable.install(router.routes.map { ($0.path, $0.method) })
    return router
}

/// Builds the whole application for `serve`; `onListening` receives the bound port.
func buildApplication(_ services: AppServices, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    let configuration = services.configuration
    var background: [any Service] = []
    if configuration.syncEnabled {
        background.append(SyncScheduler(sync: services.syncService, period: configuration.syncInterval, logger: services.logger))
    }
    return Application(
        router: buildRouter(services),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "agenthub"),
        services: background,
        onServerRunning: { channel in
            await onListening(channel.localAddress?.port ?? configuration.port)
        },
        logger: services.logger
    )
}
