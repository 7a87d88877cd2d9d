import Hummingbird

/// Sets `context.identity` from the request's credentials. No credentials: anonymous, and each
/// route decides. Bad credentials: 401 at once; a disabled account: 403.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let credential = try Authenticator.credential(
            apiKeyHeader: request.headers[.apiKey],
            authorization: request.headers[.authorization]
        )
        if let credential {
            context.identity = try await authenticator.identity(for: credential)
        }
        return try await next(request, context)
    }
}
