import Foundation
import HTTPTypes
@testable import RegistryServer
import Shared
import Testing
import TestSupport

/// Every documented route against every kind of caller: who gets in, who gets 401, who gets 403.
/// The table below is written out on purpose: a new route without a line here fails the test.
@Suite("Auth matrix: every route x every caller")
struct AuthMatrixTests {
    /// Who may call a route.
    enum Rule: String {
        /// Anyone; credentials are optional, but bad credentials are refused on /api/v1.
        case anyone
        /// A logged-in user.
        case user
        /// The owner of the asset in the path, or an admin; another user is refused (403, or 404
        /// where the thing is looked up among the caller's own).
        case owner
        /// An admin (JWT of an admin, an admin's key, or ADMIN_API_KEY).
        case admin
        /// Authorised by a signature or shared secret in the request, not by the caller.
        case signed
        /// A user's own API keys: any logged-in user, but not ADMIN_API_KEY, which has no keys (403).
        case ownKeys
    }

    static let table: [String: Rule] = [
        "get /health": .anyone, "get /metrics": .anyone, "get /": .anyone, "get /ui/{file}": .anyone, "get /ready": .anyone, "get /openapi.json": .anyone,
        "post /api/v1/auth/register": .anyone, "post /api/v1/auth/login": .anyone, "post /api/v1/auth/api-key": .ownKeys,
        "get /api/v1/users/me": .user, "post /api/v1/users/me/api-key/regenerate": .ownKeys, "get /api/v1/users/me/api-keys": .ownKeys,
        "post /api/v1/users/me/api-keys": .ownKeys, "delete /api/v1/users/me/api-keys/{id}": .ownKeys, "get /api/v1/users/me/published": .user,
        "get /api/v1/users/me/installed": .user, "get /api/v1/users/me/stats": .user,
        "get /api/v1/admin/users": .admin, "put /api/v1/admin/users/{id}/role": .admin, "put /api/v1/admin/users/{id}/disable": .admin,
        "put /api/v1/admin/users/{id}/enable": .admin, "get /api/v1/admin/stats": .admin, "get /api/v1/admin/audit": .admin,
        "get /api/v1/admin/assets": .admin, "delete /api/v1/admin/assets/{type}/{id}": .admin,
        "get /api/v1/assets": .anyone, "get /api/v1/search": .anyone, "post /api/v1/assets/{kind}": .user, "post /api/v1/assets/{kind}/{name}": .owner,
        "get /api/v1/assets/{kind}/{name}": .anyone, "delete /api/v1/assets/{kind}/{name}": .admin, "post /api/v1/assets/{kind}/{name}/restore": .admin,
        "put /api/v1/assets/{kind}/{name}/deprecation": .owner, "delete /api/v1/assets/{kind}/{name}/deprecation": .owner,
        "post /api/v1/assets/{kind}/{name}/installs": .anyone, "get /api/v1/assets/{kind}/{name}/diagnostics": .owner,
        "get /api/v1/assets/{kind}/{name}/download": .anyone, "get /api/v1/assets/{kind}/{name}/versions/{version}": .anyone,
        "get /api/v1/assets/{kind}/{name}/versions/{version}/download": .anyone,
        "post /api/v1/assets/{kind}/{name}/versions/{version}/yank": .owner, "delete /api/v1/assets/{kind}/{name}/versions/{version}/yank": .owner,
        "get /api/v1/skills": .anyone, "get /api/v1/mcps": .anyone, "get /api/v1/agents": .anyone,
        "get /api/v1/skills/top": .anyone, "get /api/v1/skills/{id}": .anyone, "delete /api/v1/skills/{id}": .admin,
        "get /api/v1/skills/{id}/install": .anyone, "post /api/v1/skills/{id}/install": .anyone,
        "get /api/v1/mcps/top": .anyone, "get /api/v1/mcps/{id}": .anyone, "delete /api/v1/mcps/{id}": .admin,
        "get /api/v1/mcps/{id}/install": .anyone, "post /api/v1/mcps/{id}/install": .anyone,
        "get /api/v1/agents/top": .anyone, "get /api/v1/agents/{id}": .anyone, "delete /api/v1/agents/{id}": .admin,
        "get /api/v1/agents/{id}/install": .anyone, "post /api/v1/agents/{id}/install": .anyone,
        "post /api/v1/skills/upload": .user, "post /api/v1/skills": .user, "post /api/v1/mcps": .user, "post /api/v1/agents": .user,
        "get /api/v1/admin/sync-sources": .admin, "post /api/v1/admin/sync-sources": .admin, "get /api/v1/admin/sync-sources/{id}": .admin,
        "put /api/v1/admin/sync-sources/{id}": .admin, "delete /api/v1/admin/sync-sources/{id}": .admin, "post /api/v1/admin/sync-sources/{id}/sync": .admin,
        "get /api/v1/admin/sync-sources/{id}/runs": .admin, "get /api/v1/admin/sync-runs/{id}": .admin, "post /api/v1/admin/import": .admin,
        "post /api/v1/webhooks/github": .signed, "post /api/v1/webhooks/gitlab": .signed, "post /api/v1/sync/git": .admin,
    ]

    /// The callers.
    enum Caller: String, CaseIterable {
        case anonymous, owner, otherUser, admin, adminKey, revokedKey, expiredToken, tamperedToken, disabledUser
    }

    @Test("the table names every documented route, and agrees with the document on who may call it")
    func tableCoversDocument() {
        let documented = Set(OpenAPIDocument.operations.map { "\($0.method) \($0.path)" })
        #expect(Set(Self.table.keys) == documented, "missing: \(documented.subtracting(Self.table.keys).sorted()); stale: \(Set(Self.table.keys).subtracting(documented).sorted())")
        for operation in OpenAPIDocument.operations {
            guard let rule = Self.table["\(operation.method) \(operation.path)"] else { continue }
            switch operation.access {
            case .admin: #expect(rule == .admin, "\(operation.method) \(operation.path)")
            case .user: #expect(rule == .user || rule == .owner || rule == .ownKeys, "\(operation.method) \(operation.path)")
            case .anyone: #expect(rule == .anyone || rule == .signed, "\(operation.method) \(operation.path)")
            case .optional: #expect(rule == .anyone || rule == .ownKeys, "\(operation.method) \(operation.path)")
            }
        }
    }

    /// What `caller` must get on a route with `rule`: nil means "let in" (any status but 401 and 403).
    static func expected(_ rule: Rule, _ caller: Caller, path: String) -> Set<Int>? {
        let guarded = path.hasPrefix("/api/v1/")
        switch caller {
        case .revokedKey, .expiredToken, .tamperedToken: return guarded ? [401] : nil
        case .disabledUser: return guarded ? [403] : nil
        default: break
        }
        switch (rule, caller) {
        case (.signed, _): return [401, 403]
        case (.ownKeys, .adminKey): return [403]
        case (.ownKeys, .anonymous): return path == "/api/v1/auth/api-key" ? nil : [401]
        case (.anyone, _): return nil
        case (.user, .anonymous), (.owner, .anonymous), (.admin, .anonymous): return [401]
        case (.admin, .owner), (.admin, .otherUser): return [403]
        case (.owner, .otherUser): return [403, 404]
        default: return nil
        }
    }

    /// A fresh registry for one route: an owner with a skill (two versions), a tool and an agent, a
    /// spare key, another user, a disabled user, a revoked key, an admin, a sync source with a run.
    struct World {
        var credentials: [Caller: TestApp.Auth] = [:]
        var parameters: [String: String] = [:]
    }

    static func world(_ app: TestApp, fixture: GitFixture) async throws -> World {
        var world = World()
        let owner = try await app.register("matrix-owner")
        let other = try await app.register("matrix-other")
        let disabled = try await app.register("matrix-disabled")
        let target = try await app.register("matrix-target")
        #expect(try await app.publishArchive(.skill, TestApp.skill("pdf", version: "1.0.0"), key: owner.apiKey).status == .created)
        #expect(try await app.publishArchive(.skill, TestApp.skill("pdf", version: "1.1.0"), key: owner.apiKey).status == .created)
        let tool = try await app.publishArchive(.tool, [PackageFile(path: "mcp.json", text: #"{"name": "gh", "description": "GitHub", "command": "npx"}"#)], key: owner.apiKey)
        let agent = try await app.publishArchive(.agent, [PackageFile(path: "AGENT.md", text: "---\nname: reviewer\ndescription: Reviews\nskills: [pdf]\n---\nPrompt\n")], key: owner.apiKey)
        let skillAsset = try #require(try await app.request(.get, "/api/v1/assets/skill/pdf").json["asset"] as? [String: Any])
        let skillId = try #require(skillAsset["id"] as? Int)
        let spare = try await app.request(.post, "/api/v1/users/me/api-keys", auth: .apiKey(owner.apiKey), json: ["name": "spare"])
        let revoked = try await app.request(.post, "/api/v1/users/me/api-keys", auth: .apiKey(owner.apiKey), json: ["name": "revoked"])
        let revokedKey = try #require(revoked.json["api_key"] as? String, "\(revoked.text)")
        let revokedId = try #require(revoked.json["id"] as? Int, "\(revoked.text)")
        #expect(try await app.request(.delete, "/api/v1/users/me/api-keys/\(revokedId)", auth: .apiKey(owner.apiKey)).status.code < 300)
        #expect(try await app.request(.put, "/api/v1/admin/users/\(disabled.id)/disable", auth: .apiKey(TestApp.adminAPIKey)).status == .ok)
        let source = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "matrix", "url": fixture.fileURL("matrix")])
        let sourceId = try #require(source.json["id"] as? Int)
        let run = try await SyncTests.syncNow(app, source: sourceId)
        let adminLogin = try await app.request(.post, "/api/v1/auth/login", json: ["email": "admin@agenthub.local", "password": TestApp.adminPassword])
        let expired = try await app.services.tokens.issue(userId: owner.id, now: Date().addingTimeInterval(-3 * 86_400))
        var tampered = Array(owner.token)
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == "A" ? "B" : "A"

        world.credentials = [
            .anonymous: .none, .owner: .apiKey(owner.apiKey), .otherUser: .bearer(other.token),
            .admin: .bearer(try #require(adminLogin.json["token"] as? String)), .adminKey: .apiKey(TestApp.adminAPIKey),
            .revokedKey: .apiKey(revokedKey), .expiredToken: .bearer(expired), .tamperedToken: .bearer(String(tampered)),
            .disabledUser: .apiKey(disabled.apiKey),
        ]
        world.parameters = [
            "kind": "skill", "name": "pdf", "version": "1.0.0", "type": "skill", "file": "app.js",
            "skills": String(skillId), "mcps": String(try #require(tool.json["id"] as? Int)), "agents": String(try #require(agent.json["id"] as? Int)),
            "api-keys": String(try #require(spare.json["id"] as? Int, "\(spare.text)")),
            "users": String(target.id), "assets": String(skillId), "sync-sources": String(sourceId), "sync-runs": String(try #require(run["id"] as? Int)),
        ]
        return world
    }

    /// The path with its parameters filled from the world; `{id}` by the segment before it.
    static func fill(_ path: String, _ world: World) -> String {
        var segments = path.split(separator: "/").map(String.init)
        for index in segments.indices where segments[index].hasPrefix("{") {
            let name = String(segments[index].dropFirst().dropLast())
            if name == "id" {
                let owner = index >= 2 && segments[index - 1] == "skill" ? "assets" : segments[index - 1]
                segments[index] = world.parameters[owner] ?? "1"
            } else {
                segments[index] = world.parameters[name] ?? "x"
            }
        }
        return "/" + segments.joined(separator: "/")
    }

    /// A body that passes validation where one is needed, so that the answer is about who asks.
    static func body(_ method: String, _ path: String) -> Any? {
        switch (method, path) {
        case ("put", "/api/v1/assets/{kind}/{name}/deprecation"): ["message": "use another"]
        case ("post", "/api/v1/assets/{kind}/{name}/versions/{version}/yank"): ["reason": "broken"]
        case ("post", "/api/v1/assets/{kind}/{name}"): ["files": ["SKILL.md": "---\nname: pdf\ndescription: A skill for tests\nversion: 9.0.0\n---\nNew\n"]]
        case ("put", "/api/v1/admin/users/{id}/role"): ["role": "user"]
        case ("post", _), ("put", _): [String: Any]()
        default: nil
        }
    }

    @Test("each route answers each caller as the table says", arguments: OpenAPIDocument.operations.map { "\($0.method) \($0.path)" })
    func route(operation: String) async throws {
        let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
        let (method, path) = (parts[0], parts[1])
        let rule = try #require(Self.table[operation], "no line in the table for \(operation)")
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("matrix", files: ["a/SKILL.md": "---\nname: synced\ndescription: d\n---\n"])
        try await TestApp.run(.sqlite, environment: ["SYNC_ALLOW_FILE_URLS": "true", "WEBHOOK_SECRET": "webhook-secret-0123456789"]) { (app: TestApp) async throws in
            let world = try await Self.world(app, fixture: fixture)
            // Callers who may not get in first, so that a destructive call by one who may comes last.
            let order: [Caller] = [.anonymous, .revokedKey, .expiredToken, .tamperedToken, .disabledUser, .otherUser, .owner, .admin, .adminKey]
            for caller in order {
                let reply = try await app.request(HTTPRequest.Method(rawValue: method.uppercased())!, Self.fill(path, world), auth: world.credentials[caller]!, json: Self.body(method, path))
                let status = Int(reply.status.code)
                if let allowed = Self.expected(rule, caller, path: path) {
                    #expect(allowed.contains(status), "\(operation) as \(caller): \(status) \(reply.text.prefix(200)), expected \(allowed.sorted())")
                } else {
                    #expect(status != 401 && status != 403, "\(operation) as \(caller): \(status) \(reply.text.prefix(200)), expected to get in")
                }
                #expect(status < 500, "\(operation) as \(caller): \(status) \(reply.text.prefix(200))")
            }
        }
    }
}
