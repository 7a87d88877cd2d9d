import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import RegistryServer
import Shared
import Testing
import TestSupport

/// Limits, headers, and what answers and logs never contain.
@Suite("Security: rate limits, headers, no internals in answers, no secrets in logs")
struct SecurityTests {
    @Test("registering is limited per client address, publishing per user (admins and sync excepted); 429 with Retry-After, nothing stored")
    func rateLimits() async throws {
        try await TestApp.run(.sqlite, environment: ["REGISTER_RATE_LIMIT": "3", "PUBLISH_RATE_LIMIT": "2"]) { (app: TestApp) async throws in
            let first = try await app.register("limited-1")
            _ = try await app.register("limited-2")
            let legacy = try await app.request(.post, "/api/v1/auth/api-key", json: ["username": "limited-3", "email": "limited3@example.com"])
            #expect(legacy.status == .created, "the AgentHub client's sign-up counts too")
            let users = try await app.userCount()
            let refused = try await app.request(.post, "/api/v1/auth/register", json: ["username": "limited-4", "email": "limited4@example.com", "password": "password-123"])
            #expect(refused.status == .tooManyRequests)
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(try await app.request(.post, "/api/v1/auth/api-key", json: ["username": "limited-5", "email": "limited5@example.com"]).status == .tooManyRequests)
            #expect(try await app.userCount() == users, "no account was created")

            for version in ["1.0.0", "1.0.1"] {
                #expect(try await app.publishArchive(.skill, TestApp.skill("busy", version: version), key: first.apiKey).status == .created)
            }
            let third = try await app.publishArchive(.skill, TestApp.skill("busy", version: "1.0.2"), key: first.apiKey)
            #expect(third.status == .tooManyRequests && third.headers[.retryAfter] != nil)
            #expect(try await app.request(.get, "/api/v1/assets/skill/busy/versions/1.0.2").status == .notFound, "the refused version was not stored")
            #expect(try await app.publishArchive(.skill, TestApp.skill("admin-busy", version: "1.0.0"), key: TestApp.adminAPIKey).status == .created)
            #expect(try await app.publishArchive(.skill, TestApp.skill("admin-busy", version: "1.0.1"), key: TestApp.adminAPIKey).status == .created)
            #expect(try await app.publishArchive(.skill, TestApp.skill("admin-busy", version: "1.0.2"), key: TestApp.adminAPIKey).status == .created, "admins are not limited")
        }
    }

    @Test("every answer — page, JSON, error, 404 — carries nosniff, frame denial, no-referrer and the Content-Security-Policy")
    func headers() async throws {
        try await TestApp.run(.sqlite) { (app: TestApp) async throws in
            for (method, path) in [(HTTPRequest.Method.get, "/"), (.get, "/health"), (.get, "/api/v1/assets"), (.get, "/api/v1/nothing-here"), (.post, "/api/v1/auth/login"), (.get, "/metrics"), (.get, "/ui/no-such-file.js")] {
                let reply = try await app.request(method, path)
                #expect(reply.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(reply.headers[.xFrameOptions] == "DENY", "\(path)")
                #expect(reply.headers[.referrerPolicy] == "no-referrer", "\(path)")
                let policy = reply.headers[.contentSecurityPolicy] ?? ""
                #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline") && policy.contains("frame-ancestors 'none'"), "\(path): \(policy)")
                #expect(reply.headers[.crossOriginOpenerPolicy] == "same-origin", "\(path)")
                for name in [HTTPField.Name.xContentTypeOptions, .xFrameOptions, .referrerPolicy, .contentSecurityPolicy, .crossOriginOpenerPolicy] {
                    #expect(reply.headers[values: name].count == 1, "\(path): one \(name)")
                }
                if path.hasPrefix("/api/") {
                    // The lists say no-cache with their ETag; an error says nothing, so it gets no-store.
                    #expect(reply.headers[values: .cacheControl] == [reply.status == .ok ? "no-cache" : "no-store"], "\(path)")
                }
            }
            // A cached answer keeps its own Cache-Control, and gets no second one.
            let user = try await app.register("header-owner")
            #expect(try await app.publishArchive(.skill, TestApp.skill("headed", version: "1.0.0"), key: user.apiKey).status == .created)
            for _ in 0..<2 {
                let detail = try await app.request(.get, "/api/v1/assets/skill/headed")
                #expect(detail.status == .ok)
                #expect(detail.headers[values: .cacheControl] == ["no-cache"])
                #expect(detail.headers[values: .xFrameOptions] == ["DENY"])
            }
        }
    }

    @Test("a handler's own value for one of the security headers is replaced, not repeated")
    func securityHeadersReplaceTheHandlers() async throws {
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        router.get("framed") { _, _ in
            Response(status: .ok, headers: [.xFrameOptions: "SAMEORIGIN", .contentType: "text/plain"])
        }
        router.get("plain") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"]) }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/framed", method: .get) { response in
                #expect(response.headers[values: .xFrameOptions] == ["DENY"])
                #expect(response.headers[values: .xContentTypeOptions] == ["nosniff"])
                #expect(response.headers[.contentType] == "text/plain")
            }
            try await client.execute(uri: "/plain", method: .get) { response in
                for field in SecurityHeaders.fields {
                    #expect(response.headers[values: field.name] == [field.value])
                }
                #expect(response.headers[.cacheControl] == nil, "no-store is for /api/ answers")
            }
        }
    }

    @Test("hostile and broken requests get 4xx answers without stack traces, SQL or internal names", arguments: TestDatabases.backends)
    func noInternals(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let user = try await app.register("prober")
            var replies: [TestApp.Reply] = []
            replies.append(try await app.request(.post, "/api/v1/auth/login", raw: "{\"email\": "))
            replies.append(try await app.request(.post, "/api/v1/auth/register", json: ["username": ["nested"], "email": 5, "password": nil as Any? as Any]))
            replies.append(try await app.request(.get, "/api/v1/assets?q=%27%20OR%201%3D1--&kind=skill%27%3B%20DROP%20TABLE%20users"))
            replies.append(try await app.request(.get, "/api/v1/assets?page=-1&size=100000000"))
            replies.append(try await app.request(.get, "/api/v1/assets/skill/%00%01"))
            replies.append(try await app.request(.get, "/api/v1/skills/99999999999999999999999"))
            replies.append(try await app.request(.get, "/api/v1/assets/skill/x/versions/not-a-version"))
            replies.append(try await app.request(.post, "/api/v1/assets/skill", auth: .apiKey(user.apiKey), raw: String(repeating: "[", count: 10_000)))
            replies.append(try await app.request(.post, "/api/v1/assets/tool", auth: .apiKey(user.apiKey), json: ["files": ["mcp.json": "{\"name\": \"x\", \"command\": 1}"]]))
            replies.append(try await app.request(.put, "/api/v1/admin/users/1/role", auth: .apiKey(TestApp.adminAPIKey), json: ["role": "root"]))
            replies.append(try await app.request(.delete, "/health"))
            for reply in replies {
                #expect((400..<500).contains(Int(reply.status.code)), "\(reply.status.code) \(reply.text.prefix(200))")
                #expect((try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any])?["detail"] is String, "\(reply.text.prefix(200))")
                let lowered = reply.text.lowercased()
                for leak in ["select ", "insert ", "update ", "sqlite", "psqlerror", "postgresnio", ".swift", "fatal error", "stack", "0x0000", "sqlstate"] {
                    #expect(!lowered.contains(leak), "\(leak) in \(reply.text.prefix(300))")
                }
            }
        }
    }

    @Test("a full run of a real server at LOG_LEVEL=trace never logs a secret it was given or made")
    func secretsNeverLogged() async throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("private", files: ["a/SKILL.md": "---\nname: private-skill\ndescription: d\n---\n"])
        let secrets = [
            "admin-password-secret-771", "admin-api-key-secret-0123456789abcdefghij", "server-secret-key-0123456789abcdefghijklmnop",
            "webhook-secret-0123456789", "metrics-token-secret-0123456789", "user-password-secret-992", "git-token-secret-556677", "mcp-env-secret-value-8841",
        ]
        let server = try await ServerProcess.start(environment: [
            "DATA_DIR": data.url.path, "LOG_LEVEL": "trace", "BCRYPT_COST": "4", "SYNC_ALLOW_FILE_URLS": "true",
            "ADMIN_PASSWORD": secrets[0], "ADMIN_API_KEY": secrets[1], "SECRET_KEY": secrets[2], "WEBHOOK_SECRET": secrets[3], "METRICS_TOKEN": secrets[4],
        ])
        func call(_ method: String, _ path: String, _ body: [String: Any]? = nil, headers: [String: String] = [:]) async throws -> [String: Any] {
            try await httpJSON(server.baseURL, method, path, body: try body.map(jsonBody), headers: headers).json
        }
        let registered = try await call("POST", "api/v1/auth/register", ["username": "logged", "email": "logged@example.com", "password": secrets[5]])
        let key = try #require(registered["api_key"] as? String)
        let token = try #require(registered["token"] as? String)
        let login = try await call("POST", "api/v1/auth/login", ["email": "logged@example.com", "password": secrets[5]])
        _ = try await call("POST", "api/v1/auth/login", ["email": "logged@example.com", "password": "wrong-\(secrets[5])"])
        _ = try await call("POST", "api/v1/auth/login", ["email": "admin@agenthub.local", "password": secrets[0]])
        let created = try await call("POST", "api/v1/users/me/api-keys", ["name": "second"], headers: ["X-API-Key": key])
        _ = try await call("GET", "api/v1/users/me", headers: ["Authorization": "Bearer \(token)"])
        _ = try await call("GET", "api/v1/users/me", headers: ["X-API-Key": key + "tampered"])
        _ = try await call("POST", "api/v1/assets/tool", ["files": ["mcp.json": "{\"name\": \"secretive\", \"description\": \"d\", \"command\": \"npx\", \"env\": {\"TOKEN\": \"\(secrets[7])\"}}"]], headers: ["X-API-Key": key])
        let source = try await call("POST", "api/v1/admin/sync-sources", ["name": "private", "url": fixture.fileURL("private"), "token": secrets[6]], headers: ["X-API-Key": secrets[1]])
        if let id = source["id"] as? Int { _ = try await call("POST", "api/v1/admin/sync-sources/\(id)/sync", headers: ["X-API-Key": secrets[1]]) }
        _ = try await call("POST", "api/v1/webhooks/gitlab", ["ref": "refs/heads/main"], headers: ["X-Gitlab-Token": secrets[3]])
        _ = try await call("GET", "metrics", headers: ["Authorization": "Bearer \(secrets[4])"])
        try await Task.sleep(for: .milliseconds(500))
        _ = try await server.stop()
        let log = server.stdout.finish() + server.stderr.finish()
        #expect(log.contains("trace") || log.contains("debug") || log.contains("request"), "the log has content")
        let made = [key, token, login["token"] as? String, created["api_key"] as? String].compactMap { $0 }
        for secret in secrets + made {
            #expect(!log.contains(secret), "a secret appears in the log: \(secret.prefix(12))…")
        }
    }
}
