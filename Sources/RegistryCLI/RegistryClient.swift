import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Shared
import Synchronization

/// An HTTP answer: status, headers and the whole body.
struct HTTPAnswer {
    let statusCode: Int
    let headers: HTTPHeaders

    func value(forHTTPHeaderField name: String) -> String? { headers.first(name: name) }
}

/// The registry's HTTP API as the CLI uses it. Errors say what to do next.
///
/// Requests go through AsyncHTTPClient (SwiftNIO, TLS from BoringSSL linked in), not URLSession:
/// FoundationNetworking loads libcurl and some thirty libraries at every start, ~11 ms of each
/// command, even of those that need no network.
struct RegistryClient {
    let baseURL: String
    let apiKey: String
    /// A package or an answer larger than this is refused (the server's own limits are far lower).
    static let maxBody = 512 * 1024 * 1024

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// One client per proxy (usually none) for the process: a refused or failed connection fails
    /// the command at once (AsyncHTTPClient would retry until the timeout, 30 s for a registry that
    /// is down). The proxy is the one `https_proxy`/`http_proxy` name (as curl reads them) unless
    /// `no_proxy` names the host.
    static func client(for url: URL) -> HTTPClient {
        let proxy = Proxy.forURL(url, environment: ProcessInfo.processInfo.environment)
        return clients.withLock { clients in
            if let client = clients[proxy] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.timeout.connect = .seconds(10)
            if let proxy { configuration.proxy = .server(host: proxy.host, port: proxy.port) }
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[proxy] = client
            return client
        }
    }

    /// Never shut down: they live as long as the command.
    private static let clients = Mutex<[Proxy?: HTTPClient]>([:])

    /// Whether this process has started an HTTP client (its next request is cheap).
    static var started: Bool { clients.withLock { !$0.isEmpty } }

    func request(_ method: String, _ path: String, query: [String: String?] = [:], body: Data? = nil, headers: [String: String] = [:], progress: ProgressBar? = nil) async throws -> (Data, HTTPAnswer) {
        guard var components = URLComponents(string: baseURL.hasSuffix("/") ? String(baseURL.dropLast()) + path : baseURL + path),
              ["http", "https"].contains(components.scheme?.lowercased() ?? "") else {
            throw CLIError("registry.url '\(baseURL)' is not an http(s) URL; set it with `agenthub config set registry.url https://…`")
        }
        let items = query.compactMap { key, value in value.map { URLQueryItem(name: key, value: $0) } }
        if !items.isEmpty { components.queryItems = items.sorted { $0.name < $1.name } }
        guard let url = components.url else { throw CLIError("cannot build a request for \(path)") }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "X-API-Key", value: apiKey)
        request.headers.add(name: "User-Agent", value: "agenthub/\(AgentHubVersion.current)")
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let data: Data, answer: HTTPAnswer
        defer { progress?.finish() }
        do {
            let response = try await Self.client(for: url).execute(request, timeout: .seconds(30))
            answer = HTTPAnswer(statusCode: Int(response.status.code), headers: response.headers)
            let expected = response.headers.first(name: "Content-Length").flatMap(Int64.init) ?? -1
            var buffer = ByteBuffer()
            for try await part in response.body {
                guard buffer.readableBytes + part.readableBytes <= Self.maxBody else {
                    throw CLIError("the registry's answer is larger than \(Self.maxBody / 1_048_576) MB; refusing it")
                }
                var part = part
                buffer.writeBuffer(&part)
                progress?.update(received: Int64(buffer.readableBytes), expected: expected)
            }
            data = Data(buffer.readableBytesView)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("cannot reach the registry at \(baseURL) (\(Self.describe(error))); check `agenthub config get registry.url`, or work offline with cached versions (`add NAME@VERSION`)")
        }
        if answer.statusCode >= 400 {
            let detail = (try? JSONDecoder().decode(ErrorBody.self, from: data))?.detail ?? String(decoding: data.prefix(200), as: UTF8.self)
            let hint = switch answer.statusCode {
            case 401: " — log in with `agenthub login` or set `agenthub config set registry.api_key sr_…`"
            case 403: " — your account may not do this"
            case 404: " — check the name with `agenthub find`"
            case 409: " — it already exists; publish a new version number, or leave it as it is"
            default: ""
            }
            throw CLIError("the registry answered \(answer.statusCode): \(detail)\(hint)", status: answer.statusCode)
        }
        return (data, answer)
    }

    /// A short reason for a failed connection ("connection refused", "timed out").
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .connectTimeout, .readTimeout: return "timed out"
            default: return "\(error)"
            }
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text
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

    /// The asset's detail, revalidated with the ETag of the copy kept in `cache` (`.detail/`):
    /// when nothing changed the registry answers 304 and sends nothing again.
    func detail(_ kind: AssetKind, _ name: String, cache: URL) async throws -> AssetDetail {
        let body = cache.appendingPathComponent("detail.json"), tag = cache.appendingPathComponent("etag")
        let cachedTag = try? String(contentsOf: tag, encoding: .utf8)
        var (data, response) = try await request("GET", "/api/v1/assets/\(kind.rawValue)/\(name)", headers: cachedTag.map { ["If-None-Match": $0] } ?? [:])
        if response.statusCode == 304 {
            if let cached = FileManager.default.contents(atPath: body.path), let detail = try? decode(AssetDetail.self, cached) { return detail }
            // The kept copy is gone or unreadable: ask again without the ETag.
            (data, response) = try await request("GET", "/api/v1/assets/\(kind.rawValue)/\(name)")
        }
        let detail = try decode(AssetDetail.self, data)
        if let etag = response.value(forHTTPHeaderField: "ETag") {
            try? FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            try? FileReplacement.write(data, to: body)
            try? FileReplacement.write(Data(etag.utf8), to: tag)
        }
        return detail
    }

    /// The package of `version` (or the latest not yanked), with the digest the server vouches for.
    func download(_ kind: AssetKind, _ name: String, version: String?, progress: ProgressBar? = nil) async throws -> (bytes: [UInt8], digest: String, version: String) {
        let path = version.map { "/api/v1/assets/\(kind.rawValue)/\(name)/versions/\($0)/download" } ?? "/api/v1/assets/\(kind.rawValue)/\(name)/download"
        let (data, response) = try await request("GET", path, progress: progress)
        guard let digest = response.value(forHTTPHeaderField: PackageHeaders.digest), let number = response.value(forHTTPHeaderField: PackageHeaders.version) else {
            throw CLIError("the registry sent a package without its digest; refusing to install it")
        }
        return (Array(data), digest, number)
    }

    /// Starts an import of `gitURL` (admin): the run's id.
    func startImport(_ gitURL: String) async throws -> Int64 {
        let (data, _) = try await request("POST", "/api/v1/admin/import", body: try JSONSerialization.data(withJSONObject: ["git_url": gitURL]))
        struct Started: Decodable { let runId: Int64 }
        return try decode(Started.self, data).runId
    }

    func syncRun(_ id: Int64) async throws -> SyncRunReport {
        let (data, _) = try await request("GET", "/api/v1/admin/sync-runs/\(id)")
        return try decode(SyncRunReport.self, data)
    }

    func recordInstall(_ kind: AssetKind, _ name: String, version: String, agent: String) async {
        let body = try? JSONSerialization.data(withJSONObject: ["version": version, "agent_type": agent])
        _ = try? await request("POST", "/api/v1/assets/\(kind.rawValue)/\(name)/installs", body: body)
    }
}

/// A sync run as `GET /api/v1/admin/sync-runs/{id}` describes it.
struct SyncRunReport: Codable {
    struct Diagnostic: Codable {
        let kind: String?
        let name: String?
        let path: String
        let severity: String
        let message: String
    }

    let id: Int64
    let status: String
    let commit: String?
    let created: Int
    let updated: Int
    let unchanged: Int
    let removed: Int
    let failed: Int
    let error: String?
    let diagnostics: [Diagnostic]?
}
