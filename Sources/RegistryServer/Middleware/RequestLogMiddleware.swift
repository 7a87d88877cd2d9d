import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Logs one line per request with its id, method, path (never the query: it may carry secrets),
/// status and duration, and returns the id in `X-Request-ID`.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let requestId = context.logger[metadataKey: "hb.request.id"].map { "\($0)" } ?? ""
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = elapsed.inSeconds * 1000
        let level: Logger.Level = response.status.code >= 500 ? .error : .info
        context.logger.log(level: level, "request", metadata: [
            "method": "\(request.method.rawValue)",
            "path": "\(request.uri.path)",
            "status": "\(response.status.code)",
            "ms": "\(String(format: "%.1f", milliseconds))",
        ])
        if !requestId.isEmpty { response.headers[.requestId] = requestId }
        return response
    }
}
