import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RegistryStore
import Synchronization

/// The one error edge: every error becomes `{"detail": …}` with the right status. A 500 never
/// carries internal text; it is logged with the request id instead. An unrouted method on a
/// routed path is 405 with `Allow`, not 404.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return APIJSON.errorResponse(status: error.status, detail: error.detail, headers: error.headers)
        } catch let error as HTTPError {
            if error.status == .notFound {
                let allowed = routes.allowedMethods(for: request.uri.path)
                if !allowed.isEmpty {
                    let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                    return APIJSON.errorResponse(status: .methodNotAllowed, detail: "method \(request.method.rawValue) is not allowed on \(request.uri.path); allowed: \(list)", headers: [.allow: list])
                }
                return APIJSON.errorResponse(status: .notFound, detail: "not found: \(request.method.rawValue) \(request.uri.path)")
            }
            let detail = error.body ?? error.status.reasonPhrase
            return APIJSON.errorResponse(status: error.status, detail: detail, headers: error.headers)
        } catch let error as DecodingError {
            return APIJSON.errorResponse(status: .unprocessableContent, detail: APIJSON.describe(error))
        } catch let error where Self.isDiskFull(error) {
            context.logger.critical("out of disk space", metadata: ["error": "\(error)"])
            return APIJSON.errorResponse(status: HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), detail: "the server is out of disk space, so nothing was stored; try again after an administrator has freed space")
        } catch let error as DatabaseError {
            if case .unavailable = error {
                context.logger.error("database unavailable", metadata: ["error": "\(error)"])
                return APIJSON.errorResponse(status: .serviceUnavailable, detail: "the database is unavailable; try again shortly", headers: [.retryAfter: "5"])
            }
            if case .unstorableText = error {
                context.logger.notice("text refused by the database", metadata: ["error": "\(error)"])
                return APIJSON.errorResponse(status: .badRequest, detail: "the request holds text the database cannot store, such as a NUL (\\u0000) character; remove it and try again")
            }
            context.logger.error("database error", metadata: ["error": "\(error)"])
            return APIJSON.errorResponse(status: .internalServerError, detail: "internal server error (request \(requestId(context)))")
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return APIJSON.errorResponse(status: .internalServerError, detail: "internal server error (request \(requestId(context)))")
        }
    }

    /// SQLite's SQLITE_FULL, PostgreSQL's "could not extend file … No space left", or ENOSPC from a file write.
    static func isDiskFull(_ error: any Error) -> Bool {
        let text = String(describing: error).lowercased()
        return text.contains("database or disk is full") || text.contains("no space left on device") || text.contains("disk full")
    }

    private func requestId(_ context: Context) -> String {
        context.logger[metadataKey: "hb.request.id"].map { "\($0)" } ?? "unknown"
    }
}

/// The routes of the router, for answering 405 on a known path with an unrouted method.
///
/// Filled once after every route is added: Hummingbird applies a middleware only to routes added
/// after it, so the error middleware is added first and learns the routes later.
final class RouteTable: Sendable {
    private let routes = Mutex<[(path: RouterPath, method: HTTPRequest.Method)]>([])

    func install(_ list: [(path: RouterPath, method: HTTPRequest.Method)]) {
        routes.withLock { $0 = list }
    }

    func allowedMethods(for path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.withLock { routes in
            Set(routes.filter { Self.matches($0.path, segments) }.map(\.method))
        }
    }

    private static func matches(_ pattern: RouterPath, _ segments: [Substring]) -> Bool {
        var index = 0
        for element in pattern.components {
            if element == .recursiveWildcard { return true }
            guard index < segments.count, element ~= segments[index] else { return false }
            index += 1
        }
        return index == segments.count
    }
}
