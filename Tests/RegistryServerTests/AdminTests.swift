import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import RegistryServer

@Suite("Admin: users, roles, disabled accounts, the admin key, the audit log")
struct AdminTests {
    static func adminToken(_ app: TestApp) async throws -> String {
        let login = try await app.request(.post, "/api/v1/auth/login", json: ["email": "admin@agenthub.local", "password": TestApp.adminPassword])
        guard let token = login.json["token"] as? String else { throw TestFailure("admin login: \(login.text)") }
        return token
    }

    @Test("admin routes: anonymous 401, user 403, admin and ADMIN_API_KEY 200", arguments: TestDatabases.backends)
    func access(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let user = try await app.register("plain")
            let admin = try await Self.adminToken(app)
            let routes: [(HTTPRequest.Method, String, Any?)] = [
                (.get, "/api/v1/admin/users", nil),
                (.put, "/api/v1/admin/users/\(user.id)/role", ["role": "user"]),
                (.put, "/api/v1/admin/users/\(user.id)/disable", nil),
                (.put, "/api/v1/admin/users/\(user.id)/enable", nil),
                (.get, "/api/v1/admin/audit", nil),
            ]
            for (method, path, body) in routes {
                #expect(try await app.request(method, path, json: body).status == .unauthorized, "anonymous \(path)")
                #expect(try await app.request(method, path, auth: .apiKey(user.apiKey), json: body).status == .forbidden, "user \(path)")
                #expect(try await app.request(method, path, auth: .bearer(admin), json: body).status == .ok, "admin \(path)")
                #expect(try await app.request(method, path, auth: .apiKey(TestApp.adminAPIKey), json: body).status == .ok, "admin key \(path)")
            }
            let page = try await app.request(.get, "/api/v1/admin/users?page=1&size=1", auth: .bearer(admin))
            #expect(page.json["total"] as? Int == 2)
            #expect(page.json["pages"] as? Int == 2)
            #expect((page.json["items"] as? [Any])?.count == 1)
            #expect(try await app.request(.get, "/api/v1/admin/users?size=500", auth: .bearer(admin)).status == .unprocessableContent)
            #expect(try await app.request(.get, "/api/v1/admin/users?page=0", auth: .bearer(admin)).status == .unprocessableContent)
            let search = try await app.request(.get, "/api/v1/admin/users?q=PLAIN", auth: .bearer(admin))
            #expect((search.json["items"] as? [[String: Any]])?.map { $0["username"] as? String } == ["plain"])
        }
    }

    @Test("role changes: only user or admin, unknown users 404, the last admin stays", arguments: TestDatabases.backends)
    func roles(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let user = try await app.register("riley")
            let admin = try await Self.adminToken(app)
            let adminId = try #require(try await app.services.registry.users.find(username: "admin")?.id)

            for bad in ["root", "Admin", "", "superuser"] {
                let reply = try await app.request(.put, "/api/v1/admin/users/\(user.id)/role", auth: .bearer(admin), json: ["role": bad])
                #expect(reply.status == .unprocessableContent, "role \(bad)")
            }
            #expect(try await app.request(.put, "/api/v1/admin/users/\(user.id)/role", auth: .bearer(admin), json: ["role": 1]).status == .unprocessableContent)
            #expect(try await app.request(.put, "/api/v1/admin/users/\(user.id)/role", auth: .bearer(admin), json: [:] as [String: String]).status == .unprocessableContent)
            #expect(try await app.request(.put, "/api/v1/admin/users/999999/role", auth: .bearer(admin), json: ["role": "admin"]).status == .notFound)
            #expect(try await app.services.registry.users.find(id: user.id)?.role == .user, "nothing changed")

            #expect(try await app.request(.put, "/api/v1/admin/users/\(adminId)/role", auth: .bearer(admin), json: ["role": "user"]).status == .conflict, "the last admin cannot be demoted")

            let promoted = try await app.request(.put, "/api/v1/admin/users/\(user.id)/role", auth: .bearer(admin), json: ["role": "admin"])
            #expect(promoted.status == .ok)
            #expect(promoted.json["role"] as? String == "admin")
            #expect(try await app.request(.get, "/api/v1/admin/users", auth: .apiKey(user.apiKey)).status == .ok, "the new role applies at once")
            #expect(try await app.request(.put, "/api/v1/admin/users/\(adminId)/role", auth: .apiKey(user.apiKey), json: ["role": "user"]).status == .ok, "with two admins one can step down")

            let changes = try await app.services.registry.audit.list(.init(), action: "user.role_change")
            #expect(changes.total == 2)
            #expect(changes.records.first?.event.detail.contains("\"to\":\"user\"") == true)
        }
    }

    @Test("a disabled user's keys and tokens get 403 and login is refused; enabling restores them", arguments: TestDatabases.backends)
    func disable(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let user = try await app.register("sam")
            let admin = try await Self.adminToken(app)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(user.apiKey)).status == .ok)

            let disabled = try await app.request(.put, "/api/v1/admin/users/\(user.id)/disable", auth: .bearer(admin))
            #expect(disabled.status == .ok)
            #expect(disabled.json["is_active"] as? Bool == false)
            for auth in [TestApp.Auth.apiKey(user.apiKey), .bearer(user.token)] {
                let reply = try await app.request(.get, "/api/v1/users/me", auth: auth)
                #expect(reply.status == .forbidden)
                #expect(reply.detail?.contains("disabled") == true)
            }
            #expect(try await app.request(.post, "/api/v1/auth/login", json: ["email": "sam@example.com", "password": "password-123"]).status == .forbidden)

            #expect(try await app.request(.put, "/api/v1/admin/users/\(user.id)/enable", auth: .bearer(admin)).status == .ok)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(user.apiKey)).status == .ok)

            let adminId = try #require(try await app.services.registry.users.find(username: "admin")?.id)
            #expect(try await app.request(.put, "/api/v1/admin/users/\(adminId)/disable", auth: .bearer(admin)).status == .conflict)
            #expect(try await app.request(.put, "/api/v1/admin/users/999999/disable", auth: .bearer(admin)).status == .notFound)
            #expect(try await app.request(.put, "/api/v1/admin/users/abc/disable", auth: .bearer(admin)).status == .unprocessableContent)
        }
    }

    @Test("ADMIN_API_KEY acts as the admin, stops working when changed, and is never stored", arguments: TestDatabases.backends)
    func adminKeyRotation(backend: TestBackend) async throws {
        try await TestDatabases.withDatabaseURL(backend) { url in
            let data = try TemporaryDirectory()
            defer { data.remove() }
            try await TestApp.run(url: url, dataDirectory: data.url) { (app: TestApp) async throws in
                let me = try await app.request(.get, "/api/v1/users/me", auth: .apiKey(TestApp.adminAPIKey))
                #expect(me.json["role"] as? String == "admin")
                #expect(try await app.request(.get, "/api/v1/admin/users", auth: .bearer(TestApp.adminAPIKey)).status == .ok)
                let prefixes = try await app.services.registry.database.query("SELECT lookup_prefix, key_hash FROM api_keys", [])
                #expect(try prefixes.allSatisfy { !TestApp.adminAPIKey.hasPrefix(try $0.string("lookup_prefix")) })
            }
            let rotated = "rotated-admin-key-0123456789abcdefghijklmnop"
            try await TestApp.run(url: url, dataDirectory: data.url, environment: ["ADMIN_API_KEY": rotated]) { (app: TestApp) async throws in
                #expect(try await app.request(.get, "/api/v1/admin/users", auth: .apiKey(TestApp.adminAPIKey)).status == .unauthorized)
                #expect(try await app.request(.get, "/api/v1/admin/users", auth: .apiKey(rotated)).status == .ok)
                let nearMiss = String(rotated.dropLast()) + "q"
                #expect(try await app.request(.get, "/api/v1/admin/users", auth: .apiKey(nearMiss)).status == .unauthorized)
            }
            try await TestApp.run(url: url, dataDirectory: data.url, environment: ["ADMIN_API_KEY": ""]) { (app: TestApp) async throws in
                #expect(try await app.request(.get, "/api/v1/admin/users", auth: .apiKey(rotated)).status == .unauthorized, "unset: no admin key at all")
            }
        }
    }

    @Test("auth events are in the audit log, newest first, paged, without secrets", arguments: TestDatabases.backends)
    func auditLog(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let user = try await app.register("tess")
            _ = try await app.request(.post, "/api/v1/auth/login", json: ["email": "tess@example.com", "password": "nope-nope"])
            let admin = try await Self.adminToken(app)
            let log = try await app.request(.get, "/api/v1/admin/audit?size=100", auth: .bearer(admin))
            #expect(log.status == .ok)
            let actions = (log.json["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
            #expect(Array(actions.prefix(3)) == ["auth.login", "auth.login_failed", "auth.register"])
            #expect(actions.contains("admin.bootstrap"))
            #expect(!log.text.contains(user.apiKey))
            #expect(!log.text.contains("password-123"))
            #expect(!log.text.contains("nope-nope"))
            let filtered = try await app.request(.get, "/api/v1/admin/audit?action=auth.login_failed", auth: .bearer(admin))
            #expect(filtered.json["total"] as? Int == 1)
        }
    }
}
