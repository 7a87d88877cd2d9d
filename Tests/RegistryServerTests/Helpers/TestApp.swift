import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RegistryStore
import Synchronization
import TestSupport
@testable import RegistryServer

/// A registry server built by the same builder as `main`, on a throwaway database, driven through
/// Hummingbird's in-process router client.
struct TestApp {
    static let adminPassword = "admin-password-1"
    static let adminAPIKey = "test-admin-key-0123456789abcdefghijklmnop"
    static let secret = "test-secret-0123456789abcdefghijklmnopqrstuvwxyz"

    let services: AppServices
    let client: any TestClientProtocol
    let announcements: [String]

    /// The environment every test app starts from; `overrides` replace or add variables.
    static func environment(_ url: DatabaseURL, dataDirectory: URL, overrides: [String: String]) -> [String: String] {
        var environment = [
            "DATA_DIR": dataDirectory.path,
            "BCRYPT_COST": "4",
            "ADMIN_PASSWORD": adminPassword,
            "ADMIN_API_KEY": adminAPIKey,
            "SECRET_KEY": secret,
            "LOGIN_RATE_LIMIT": "1000",
            "REGISTER_RATE_LIMIT": "100000",
            "PUBLISH_RATE_LIMIT": "100000",
            "AUTO_MIGRATE": "true",
            "LOG_LEVEL": "critical",
        ]
        environment["DATABASE_URL"] = url.connectionString
        for (name, value) in overrides { environment[name] = value }
        return environment
    }

    /// Runs `body` against a fresh app on a fresh database of `backend`.
    static func run(_ backend: TestBackend, environment overrides: [String: String] = [:], test: String = #function, _ body: @Sendable (TestApp) async throws -> Void) async throws {
        try await TestDatabases.withDatabaseURL(backend, test: test) { url in
            let data = try TemporaryDirectory()
            defer { data.remove() }
            try await run(url: url, dataDirectory: data.url, environment: overrides, body)
        }
    }

    /// Runs `body` against an app on an existing database and data folder (restarts, key rotation).
    static func run(url: DatabaseURL, dataDirectory: URL, environment overrides: [String: String] = [:], _ body: @Sendable (TestApp) async throws -> Void) async throws {
        let configuration = try ServerConfiguration(environment: environment(url, dataDirectory: dataDirectory, overrides: overrides))
        let announced = Mutex<[String]>([])
        let services = try await AppServices.prepare(configuration, logger: TestDatabases.logger, announce: { text in announced.withLock { $0.append(text) } })
        let app = buildApplication(services)
        do {
            try await app.test(.router) { client in
                try await body(TestApp(services: services, client: client, announcements: announced.withLock { $0 }))
            }
        } catch {
            await services.shutdown()
            throw error
        }
        await services.shutdown()
    }

    // MARK: - Requests

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: Data

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }

        var detail: String? { json["detail"] as? String }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    enum Auth {
        case none
        case apiKey(String)
        case bearer(String)
    }

    @discardableResult
    func request(_ method: HTTPRequest.Method, _ uri: String, auth: Auth = .none, json: Any? = nil, raw: String? = nil, headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        switch auth {
        case .none: break
        case .apiKey(let key): headers[.apiKey] = key
        case .bearer(let token): headers[.authorization] = "Bearer \(token)"
        }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
            headers[.contentType] = "application/json"
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers[.contentType] = "application/json"
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Reply(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
        }
    }

    /// Registers a user and returns (id, api key, token).
    func register(_ username: String, email: String? = nil, password: String = "password-123") async throws -> (id: Int64, apiKey: String, token: String) {
        let reply = try await request(.post, "/api/v1/auth/register", json: ["username": username, "email": email ?? "\(username)@example.com", "password": password])
        guard reply.status == .created, let user = reply.json["user"] as? [String: Any], let id = user["id"] as? Int,
              let key = reply.json["api_key"] as? String, let token = reply.json["token"] as? String
        else {
            throw TestFailure("register \(username) answered \(reply.status.code): \(reply.text)")
        }
        return (Int64(id), key, token)
    }

    func userCount() async throws -> Int {
        try await services.registry.users.count()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
