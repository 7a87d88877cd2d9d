import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Shared

/// The JSON conventions of the API: snake_case keys, ISO-8601 UTC dates with `Z`.
enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static let stableEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `value` with an `ETag` (the SHA-256 of the body); `304 Not Modified` without a body when
    /// the request's `If-None-Match` names it, so a client that cached the answer re-reads nothing.
    static func conditionalResponse(_ value: some Encodable, request: Request) throws -> Response {
        try conditionalAnswer(value).response(to: request)
    }

    /// `value` encoded with sorted keys — the same value is the same bytes, so the same ETag.
    /// The asset lists write their own JSON (`StableJSON`): the same bytes, without `JSONEncoder`.
    static func conditionalAnswer(_ value: some Encodable) throws -> CachedAnswer {
        let data: [UInt8]
        if let writable = value as? any StableJSONWritable {
            data = StableJSON.encode(writable)
        } else {
            data = Array(try stableEncoder.encode(value))
        }
        return CachedAnswer(
            etag: "\"\(SHA256Hex.hex(data))\"", headers: [.cacheControl: "no-cache"],
            contentHeaders: [.contentType: "application/json; charset=utf-8"], body: ByteBuffer(bytes: data)
        )
    }

    static func errorResponse(status: HTTPResponse.Status, detail: String, headers: HTTPFields = [:]) -> Response {
        // Encoding a struct of one string cannot fail.
        let data = (try? encoder.encode(ErrorBody(detail: detail))) ?? Data("{\"detail\":\"error\"}".utf8)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func noContent() -> Response {
        Response(status: .noContent)
    }

    /// Reads the body (at most `limit` bytes) and decodes it, answering 400 for malformed JSON and
    /// 422 with the field's name for missing, null or wrong-typed fields.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let data = try await jsonBody(request, limit: limit)
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError.unprocessable(describe(error))
        }
    }

    /// The body (at most `limit` bytes), checked to be JSON: 413 when larger, 400 when empty or not JSON.
    static func jsonBody(_ request: Request, limit: Int) async throws -> Data {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "request body is larger than \(limit) bytes")
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("request body is empty: send a JSON object")
        }
        let data = Data(buffer.readableBytesView)
        guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
            throw APIError.badRequest("request body is not valid JSON")
        }
        return data
    }

    /// A JSON value as the response, keys exactly as given.
    static func response(_ value: JSONValue, status: HTTPResponse.Status = .ok) throws -> Response {
        try response(JSONValueBody(value: value), status: status)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (codingPath + (last.map { [$0] } ?? [])).map { key in
                key.intValue.map { "[\($0)]" } ?? snakeCase(key.stringValue)
            }
            return keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "field '\(path(context.codingPath, key))' is required"
        case .valueNotFound(_, let context):
            return "field '\(path(context.codingPath))' must not be null"
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            if field.isEmpty { return "request body must be a JSON object" }
            return "field '\(field)' must be \(typeName(type))"
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return field.isEmpty ? "request body is not valid JSON" : "field '\(field)' is invalid: \(context.debugDescription)"
        @unknown default:
            return "request body does not match the expected shape"
        }
    }

    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

extension Request {
    /// A query parameter as an integer within `range`, or `fallback` when absent; 422 otherwise.
    func queryInt(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = uri.queryParameters[Substring(name)] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.unprocessable("query parameter '\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func queryString(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init)
    }

    /// `page` and `size` of a list request, checked.
    func pageRequest() throws -> PageRequest {
        PageRequest(
            page: try queryInt("page", default: 1, range: 1...1_000_000),
            size: try queryInt("size", default: 20, range: 1...PageRequest.maxSize)
        )
    }
}

extension RequestContext {
    /// A path parameter that must be a positive integer id; 422 otherwise.
    func idParameter(_ name: String = "id") throws -> Int64 {
        guard let text = parameters.get(name), let id = Int64(text), id > 0 else {
            throw APIError.unprocessable("path parameter '\(name)' must be a positive integer")
        }
        return id
    }
}

/// Wraps a `JSONValue` so it encodes as itself.
struct JSONValueBody: Encodable {
    let value: JSONValue
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
