import Foundation
import HTTPTypes
import Testing
import TestSupport
@testable import RegistryServer

@Suite("HTTP: health, readiness, errors, limits, headers")
struct HTTPBehaviourTests {
    @Test("/health and /ready answer JSON")
    func health() async throws {
        try await TestApp.run(.sqlite) { (app: TestApp) async throws in
            let health = try await app.request(.get, "/health")
            #expect(health.status == .ok)
            #expect(health.json["status"] as? String == "ok")
            let ready = try await app.request(.get, "/ready")
            #expect(ready.status == .ok)
            #expect(ready.json["status"] as? String == "ready")
            #expect(try await app.request(.head, "/health").status == .ok)
        }
    }

    @Test("/ready says 503 when the schema is behind", arguments: TestDatabases.backends)
    func readyWhenBehind(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            try await app.services.migrations.down(steps: 1)
            let ready = try await app.request(.get, "/ready")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.detail?.contains("pending") == true)
            try await app.services.migrations.up()
            #expect(try await app.request(.get, "/ready").status == .ok)
        }
    }

    @Test("unknown paths are JSON 404; known paths with another method are 405 with Allow")
    func notFoundAndMethodNotAllowed() async throws {
        try await TestApp.run(.sqlite) { (app: TestApp) async throws in
            for path in ["/api/v1/nothing-here", "/api/v1/users/me/nope", "/api/v2/skills", "/nowhere"] {
                let reply = try await app.request(.get, path)
                #expect(reply.status == .notFound, "\(path)")
                #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(reply.detail?.isEmpty == false)
            }
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.delete, "/health", "GET"),
                (.get, "/api/v1/auth/login", "POST"),
                (.put, "/api/v1/users/me/api-keys", "GET, POST"),
                (.post, "/api/v1/users/me/api-keys/5", "DELETE"),
                (.patch, "/api/v1/admin/users/3/role", "PUT"),
            ]
            for (method, path, allow) in cases {
                let reply = try await app.request(method, path)
                #expect(reply.status == .methodNotAllowed, "\(method) \(path)")
                #expect(reply.headers[.allow]?.contains(allow.split(separator: ",").first.map(String.init) ?? allow) == true, "\(path): \(reply.headers[.allow] ?? "-")")
                #expect(reply.detail?.contains("not allowed") == true)
            }
        }
    }

    @Test("bodies over MAX_BODY_BYTES get 413 and write nothing")
    func bodyLimit() async throws {
        try await TestApp.run(.sqlite, environment: ["MAX_BODY_BYTES": "2048"]) { (app: TestApp) async throws in
            let before = try await app.userCount()
            let padding = String(repeating: "x", count: 4096)
            let reply = try await app.request(.post, "/api/v1/auth/register", json: ["username": "big", "email": "big@example.com", "password": "password-123", "display_name": padding])
            #expect(reply.status == .contentTooLarge)
            #expect(reply.detail?.contains("2048") == true)
            #expect(try await app.userCount() == before)
        }
    }

    // Found by the API fuzzer: a NUL in a query parameter (PostgreSQL 22021), a tag with a NUL
    // (SQLite's length() stops at it, failing the CHECK) — each answered 500.
    @Test("text no database can hold — NUL and control characters in tags, queries and manifests — is a 4xx that stores nothing", arguments: TestDatabases.backends)
    func unstorableText(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            let admin = TestApp.Auth.apiKey(TestApp.adminAPIKey)
            for path in ["/api/v1/admin/audit?action=a%00b", "/api/v1/search?q=pdf%00", "/api/v1/assets?owner=x%00y", "/api/v1/skills?keyword=%00",
                         "/api/v1/assets/skill/a%00b"] {
                let reply = try await app.request(.get, path, auth: admin)
                #expect(reply.status == .badRequest, "\(path): \(reply.status.code) \(reply.text)")
                #expect(reply.detail?.contains("NUL") == true)
            }
            // An escaped percent sign is text, not a NUL.
            #expect(try await app.request(.get, "/api/v1/search?q=100%2500", auth: admin).status == .ok)

            // A tool from an existing client: empty tags are dropped silently, unusable ones with a warning.
            let tool = try await app.request(.post, "/api/v1/mcps", auth: .apiKey(owner.apiKey), json: [
                "name": "tagged", "description": "d", "command": "npx", "tags": ["", "\u{0}V", "Ok", "ok", "a\u{7}b", String(repeating: "x", count: 65)],
            ])
            #expect(tool.status == .created, "\(tool.text)")
            #expect(tool.json["tags"] as? [String] == ["ok"], "\(tool.text)")
            let detail = try await app.request(.get, "/api/v1/assets/tool/tagged")
            #expect((detail.json["asset"] as? [String: Any])?["tags"] as? [String] == ["ok"], "\(detail.text)")
            let version = try await app.request(.get, "/api/v1/assets/tool/tagged/versions/1.0.0")
            #expect((version.json["warnings"] as? [String])?.filter { $0.contains("left out") }.count == 3, "\(version.text)")

            // A skill's manifest is the author's own: a bad tag or a NUL anywhere is refused.
            for (label, manifest) in [
                ("NUL in a tag", "---\nname: bad-skill\ndescription: d\ntags: [\"a\\0b\"]\n---\nBody\n"),
                ("bell in a tag", "---\nname: bad-skill\ndescription: d\ntags: [\"a\\ab\"]\n---\nBody\n"),
                ("65 scalars", "---\nname: bad-skill\ndescription: d\ntags: [\(String(repeating: "é", count: 65))]\n---\nBody\n"),
                ("NUL in the description", "---\nname: bad-skill\ndescription: \"a\\0b\"\n---\nBody\n"),
                ("NUL in the body", "---\nname: bad-skill\ndescription: d\n---\nBo\u{0}dy\n"),
                ("NUL in another key", "---\nname: bad-skill\ndescription: d\nx-note: \"a\\0b\"\n---\nBody\n"),
                ("NUL in metadata", "---\nname: bad-skill\ndescription: d\nmetadata:\n  author: \"\\0\"\n---\nBody\n"),
            ] {
                let reply = try await app.request(.post, "/api/v1/assets/skill", auth: .apiKey(owner.apiKey), json: ["files": ["SKILL.md": manifest]])
                #expect((400..<500).contains(Int(reply.status.code)), "\(label): \(reply.status.code) \(reply.text)")
            }
            // A backslash written before `u0000` is text, not a NUL: stored.
            let text = try await app.request(.post, "/api/v1/assets/skill", auth: .apiKey(owner.apiKey),
                                             json: ["files": ["SKILL.md": "---\nname: backslash-skill\ndescription: d\nx-note: 'C:\\u0000 is a path'\n---\nBody\n"]])
            #expect(text.status == .created, "\(text.text)")
            let description = try await app.request(.post, "/api/v1/mcps", auth: .apiKey(owner.apiKey), json: ["name": "nul-tool", "description": "a\u{0}b", "command": "npx"])
            #expect(description.status == .unprocessableContent, "\(description.text)")
            #expect(try await app.request(.get, "/api/v1/assets/skill/bad-skill").status == .notFound)
            #expect(try await app.request(.get, "/api/v1/assets/tool/nul-tool").status == .notFound)
        }
    }

    @Test("answers carry security headers and a request id; API answers are not cached")
    func headers() async throws {
        try await TestApp.run(.sqlite) { (app: TestApp) async throws in
            let reply = try await app.request(.get, "/api/v1/users/me")
            #expect(reply.headers[.xContentTypeOptions] == "nosniff")
            #expect(reply.headers[.cacheControl] == "no-store")
            #expect(reply.headers[.requestId]?.isEmpty == false)
            #expect(reply.headers[.wwwAuthenticate] == "Bearer")
        }
    }

    @Test("the server error edge hides internals")
    func internalErrorsAreOpaque() async throws {
        try await TestApp.run(.sqlite) { (app: TestApp) async throws in
            // Break the database under the running app: every store call now fails inside SQLite.
            try await app.services.registry.database.execute("DROP TABLE audit_log")
            let reply = try await app.request(.post, "/api/v1/auth/login", json: ["email": "nobody@example.com", "password": "password-123"])
            #expect(reply.status == .internalServerError)
            #expect(reply.detail?.hasPrefix("internal server error") == true)
            #expect(!reply.text.lowercased().contains("sqlite"))
            #expect(!reply.text.contains("audit_log"))
        }
    }
}
