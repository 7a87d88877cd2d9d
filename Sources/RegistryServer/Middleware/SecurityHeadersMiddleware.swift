import HTTPTypes
import Hummingbird

/// Headers every answer carries, errors included (it is the outermost middleware). The
/// Content-Security-Policy allows scripts, styles and connections from this origin only — no
/// inline script or style, no framing, no plugins; README images may come from https.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers.contains(where: { SecurityHeaders.names.contains($0.name) }) {
            // A handler set one of them: ours replace its values.
            for field in SecurityHeaders.fields { response.headers[field.name] = field.value }
        } else {
            response.headers.append(contentsOf: SecurityHeaders.fields)
        }
        if request.uri.path.hasPrefix("/api/"), !response.headers.contains(.cacheControl) {
            response.headers.append(SecurityHeaders.noStore)
        }
        return response
    }
}

/// The fields ``SecurityHeadersMiddleware`` adds, made once: a field's value is checked when it
/// is made, and setting each by name on every answer (remove, then append) cost about 3 % of a
/// cached route's CPU in a profile (docs/benchmarks.md).
enum SecurityHeaders {
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static let fields: [HTTPField] = [
        HTTPField(name: .xContentTypeOptions, value: "nosniff"),
        HTTPField(name: .xFrameOptions, value: "DENY"),
        HTTPField(name: .referrerPolicy, value: "no-referrer"),
        HTTPField(name: .contentSecurityPolicy, value: contentSecurityPolicy),
        HTTPField(name: .crossOriginOpenerPolicy, value: "same-origin"),
    ]
    static let names = Set(fields.map(\.name))
    /// For `/api/` answers that say nothing about caching.
    static let noStore = HTTPField(name: .cacheControl, value: "no-store")
}
