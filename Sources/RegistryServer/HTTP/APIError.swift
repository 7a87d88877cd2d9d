import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// An error answer: a status and a `detail` that tells the client what to fix.
///
/// Controllers throw it; `ErrorMiddleware` turns it (and every other error) into `{"detail": …}`.
struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    let status: HTTPResponse.Status
    let detail: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    var description: String { "\(status.code) \(detail)" }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        APIJSON.errorResponse(status: status, detail: detail, headers: headers)
    }

    static func badRequest(_ detail: String) -> APIError { APIError(.badRequest, detail) }
    static func unprocessable(_ detail: String) -> APIError { APIError(.unprocessableContent, detail) }
    static func unauthorized(_ detail: String) -> APIError {
        APIError(.unauthorized, detail, headers: [.wwwAuthenticate: "Bearer"])
    }
    static func forbidden(_ detail: String) -> APIError { APIError(.forbidden, detail) }
    static func notFound(_ detail: String) -> APIError { APIError(.notFound, detail) }
    static func conflict(_ detail: String) -> APIError { APIError(.conflict, detail) }
}
