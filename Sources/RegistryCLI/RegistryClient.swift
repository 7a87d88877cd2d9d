import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Shared

/// The registry's HTTP API as the CLI uses it. Errors say what to do next.
struct RegistryClient {
    let baseURL: String
    let apiKey: String

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    func request(_ method: String, _ path: String, query: [String: String?] = [:], body: Data? = nil, headers: [String: String] = [:]) async throws -> (Data, HTTPURLResponse) {
        guard var components = URLComponents(string: baseURL.hasSuffix("/") ? String(baseURL.dropLast()) + path : baseURL + path) else {
            throw CLIError("registry.url '\(baseURL)' is not a URL; set it with `agenthub config set registry.url https://…`")
        }
        let items = query.compactMap { key, value in value.map { URLQueryItem(name: key, value: $0) } }
        if !items.isEmpty { components.queryItems = items.sorted { $0.name < $1.name } }
        guard let url = components.url else { throw CLIError("cannot build a request for \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue(apiKey, forHTTPHeaderField: "X-API-Key")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CLIError("cannot reach the registry at \(baseURL) (\(error.localizedDescription)); check `agenthub config get registry.url`, or work offline with cached versions (`add NAME@VERSION`)")
        }
        guard let http = response as? HTTPURLResponse else { throw CLIError("the registry gave no HTTP answer") }
        if http.statusCode >= 400 {
            let detail = (try? JSONDecoder().decode(ErrorBody.self, from: data))?.detail ?? String(decoding: data.prefix(200), as: UTF8.self)
            let hint = switch http.statusCode {
            case 401: " — log in with `agenthub login` or set `agenthub config set registry.api_key sr_…`"
            case 403: " — your account may not do this"
            case 404: " — check the name with `agenthub find`"
            default: ""
            }
            throw CLIError("the registry answered \(http.statusCode): \(detail)\(hint)")
        }
        return (data, http)
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try Self.decoder.decode(T.self, from: data)
        } catch {
            throw CLIError("the registry's answer was not understood (\(error)); is registry.url an AgentHub registry?")
        }
    }

    func search(_ text: String?, kind: AssetKind?, tag: String?, size: Int = 50) async throws -> Page<AssetSummary> {
        let (data, _) = try await request("GET", "/api/v1/assets", query: ["q": text, "kind": kind?.rawValue, "tag": tag, "size": String(size)])
        return try decode(Page<AssetSummary>.self, data)
    }

    func detail(_ kind: AssetKind, _ name: String) async throws -> AssetDetail {
        let (data, _) = try await request("GET", "/api/v1/assets/\(kind.rawValue)/\(name)")
        return try decode(AssetDetail.self, data)
    }

    /// The package of `version` (or the latest not yanked), with the digest the server vouches for.
    func download(_ kind: AssetKind, _ name: String, version: String?) async throws -> (bytes: [UInt8], digest: String, version: String) {
        let path = version.map { "/api/v1/assets/\(kind.rawValue)/\(name)/versions/\($0)/download" } ?? "/api/v1/assets/\(kind.rawValue)/\(name)/download"
        let (data, response) = try await request("GET", path)
        guard let digest = response.value(forHTTPHeaderField: PackageHeaders.digest), let number = response.value(forHTTPHeaderField: PackageHeaders.version) else {
            throw CLIError("the registry sent a package without its digest; refusing to install it")
        }
        return (Array(data), digest, number)
    }

    func recordInstall(_ kind: AssetKind, _ name: String, version: String, agent: String) async {
        let body = try? JSONSerialization.data(withJSONObject: ["version": version, "agent_type": agent])
        _ = try? await request("POST", "/api/v1/assets/\(kind.rawValue)/\(name)/installs", body: body)
    }
}
