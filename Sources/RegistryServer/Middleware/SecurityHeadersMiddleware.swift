import HTTPTypes
import Hummingbird

/// Headers every answer carries, errors included (it is the outermost middleware). The
/// Content-Security-Policy allows scripts, styles and connections from this origin only — no
/// inline script or style, no framing, no plugins; README images may come from https.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String { "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if request.uri.path.hasPrefix("/api/") {
            response.headers[.cacheControl] = response.headers[.cacheControl] ?? "no-store"
        }
        return response
    }
}
