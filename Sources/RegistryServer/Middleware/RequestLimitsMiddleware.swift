import Hummingbird

/// Refuses, before anything reads them, a declared body over the limit (bodies without a length
/// are cut at the same limit where they are read, in `APIJSON.decode`) and a path or query
/// holding an encoded NUL, which no name, filter or search can contain and PostgreSQL cannot
/// compare — so both databases answer it the same way.
struct RequestLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw APIError(.contentTooLarge, "request body of \(length) bytes is larger than the limit of \(maxBodyBytes) bytes")
        }
        if request.uri.string.utf8.containsEncodedNUL {
            throw APIError(.badRequest, "the path or query contains a NUL character (%00), which no name or parameter may hold")
        }
        return try await next(request, context)
    }
}

extension String.UTF8View {
    /// Whether the text holds `%00` (or a raw NUL byte).
    fileprivate var containsEncodedNUL: Bool {
        var previous: (UInt8, UInt8) = (0xFF, 0xFF)
        for byte in self {
            if byte == 0 { return true }
            if previous.0 == UInt8(ascii: "%") && previous.1 == UInt8(ascii: "0") && byte == UInt8(ascii: "0") { return true }
            previous = (previous.1, byte)
        }
        return false
    }
}
