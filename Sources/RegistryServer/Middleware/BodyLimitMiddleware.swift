import Hummingbird

/// Refuses a declared body over the limit before anything reads it. (Bodies without a length are
/// cut at the same limit where they are read, in `APIJSON.decode`.)
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw APIError(.contentTooLarge, "request body of \(length) bytes is larger than the limit of \(maxBodyBytes) bytes")
        }
        return try await next(request, context)
    }
}
