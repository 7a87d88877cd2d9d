import HTTPTypes
import Hummingbird

/// Headers every answer carries, errors included (it is the outermost middleware).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        if request.uri.path.hasPrefix("/api/") {
            response.headers[.cacheControl] = response.headers[.cacheControl] ?? "no-store"
        }
        return response
    }
}
