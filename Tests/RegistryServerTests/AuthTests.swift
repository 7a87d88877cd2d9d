import Foundation
import HTTPTypes
import JWTKit
import Testing
import TestSupport
@testable import RegistryServer

@Suite("Auth: register, login, tokens, API keys")
struct AuthTests {
    @Test("register returns the user, a key shown once and a token; login and /users/me work with either", arguments: TestDatabases.backends)
    func registerLoginMe(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let reply = try await app.request(.post, "/api/v1/auth/register", json: ["username": "alice", "email": "Alice@Example.com", "password": "password-123"])
            #expect(reply.status == .created)
            let user = try #require(reply.json["user"] as? [String: Any])
            #expect(user["username"] as? String == "alice")
            #expect(user["email"] as? String == "Alice@Example.com")
            #expect(user["role"] as? String == "user")
            #expect(user.keys.contains("display_name"))
            #expect((user["created_at"] as? String)?.hasSuffix("Z") == true)
            let key = try #require(reply.json["api_key"] as? String)
            #expect(key.hasPrefix("sr_") && key.count == 46)
            #expect(key.dropFirst(3).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            let token = try #require(reply.json["token"] as? String)
            #expect(reply.json["message"] is String)

            let login = try await app.request(.post, "/api/v1/auth/login", json: ["email": "alice@EXAMPLE.com", "password": "password-123"])
            #expect(login.status == .ok)
            #expect(login.json.keys.contains("api_key"))
            #expect(login.json["api_key"] is NSNull)
            let loginToken = try #require(login.json["token"] as? String)

            for auth in [TestApp.Auth.apiKey(key), .bearer(token), .bearer(loginToken), .bearer(key)] {
                let me = try await app.request(.get, "/api/v1/users/me", auth: auth)
                #expect(me.status == .ok)
                #expect(me.json["username"] as? String == "alice")
                #expect(me.json["password_hash"] == nil)
            }

            // The stored key is a bcrypt hash with a lookup prefix, never the key.
            let stored = try await app.services.registry.apiKeys.active(userId: Int64(user["id"] as! Int))
            #expect(stored.count == 1)
            #expect(stored[0].keyHash.hasPrefix("$2"))
            #expect(stored[0].keyHash != key)
            #expect(key.hasPrefix(stored[0].lookupPrefix))

            let actions = try await app.services.registry.audit.list(.init(page: 1, size: 50)).records.map(\.event.action)
            #expect(actions.contains("auth.register"))
            #expect(actions.contains("auth.login"))
        }
    }

    @Test("the JWT is HS256 and carries exp 24 h ahead")
    func tokenShape() async throws {
        let tokens = await TokenService(secret: TestApp.secret, ttl: .seconds(86_400))
        let token = try await tokens.issue(userId: 7, now: Date(timeIntervalSince1970: 1_800_000_000))
        let parts = token.split(separator: ".")
        #expect(parts.count == 3)
        func decode(_ part: Substring) throws -> [String: Any] {
            var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while text.count % 4 != 0 { text += "=" }
            return try JSONSerialization.jsonObject(with: try #require(Data(base64Encoded: text))) as? [String: Any] ?? [:]
        }
        #expect(try decode(parts[0])["alg"] as? String == "HS256")
        let payload = try decode(parts[1])
        #expect(payload["sub"] as? String == "7")
        #expect(payload["exp"] as? Int == 1_800_000_000 + 86_400)
    }

    @Test("bad registrations get a 4xx with a detail and write nothing", arguments: TestDatabases.backends)
    func badRegistrations(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            _ = try await app.register("taken", email: "taken@example.com")
            let before = try await app.userCount()
            let cases: [(String, Any?, String?, HTTPResponse.Status)] = [
                ("malformed JSON", nil, "{\"username\": \"x\"", .badRequest),
                ("empty body", nil, "", .badRequest),
                ("array body", [1, 2], nil, .unprocessableContent),
                ("missing password", ["username": "newbie", "email": "n@example.com"], nil, .unprocessableContent),
                ("missing email", ["username": "newbie", "password": "password-123"], nil, .unprocessableContent),
                ("number as email", ["username": "newbie", "email": 5, "password": "password-123"], nil, .unprocessableContent),
                ("null username", ["username": NSNull(), "email": "n@example.com", "password": "password-123"], nil, .unprocessableContent),
                ("bad email", ["username": "newbie", "email": "not-an-email", "password": "password-123"], nil, .unprocessableContent),
                ("short password", ["username": "newbie", "email": "n@example.com", "password": "short"], nil, .unprocessableContent),
                ("73-byte password", ["username": "newbie", "email": "n@example.com", "password": String(repeating: "p", count: 73)], nil, .unprocessableContent),
                ("40 two-byte characters", ["username": "newbie", "email": "n@example.com", "password": String(repeating: "é", count: 40)], nil, .unprocessableContent),
                ("bad username", ["username": "a b", "email": "n@example.com", "password": "password-123"], nil, .unprocessableContent),
                ("duplicate username, other case", ["username": "TAKEN", "email": "n@example.com", "password": "password-123"], nil, .conflict),
                ("duplicate email, other case", ["username": "newbie", "email": "Taken@Example.COM", "password": "password-123"], nil, .conflict),
            ]
            for (name, json, raw, expected) in cases {
                let reply = try await app.request(.post, "/api/v1/auth/register", json: json, raw: raw)
                #expect(reply.status == expected, "\(name): \(reply.status.code) \(reply.text)")
                #expect(reply.detail?.isEmpty == false, "\(name) has a detail")
                #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true)
            }
            let long = try await app.request(.post, "/api/v1/auth/register", json: ["username": "newbie", "email": "n@example.com", "password": String(repeating: "p", count: 73)])
            #expect(long.detail?.contains("72 bytes") == true)
            let missing = try await app.request(.post, "/api/v1/auth/register", json: ["username": "newbie", "email": "n@example.com"])
            #expect(missing.detail == "field 'password' is required")
            #expect(try await app.userCount() == before)
        }
    }

    @Test("login failures: wrong password, unknown email, bad input, disabled account", arguments: TestDatabases.backends)
    func loginFailures(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            _ = try await app.register("bob")
            let wrong = try await app.request(.post, "/api/v1/auth/login", json: ["email": "bob@example.com", "password": "wrong-password"])
            #expect(wrong.status == .unauthorized)
            let unknown = try await app.request(.post, "/api/v1/auth/login", json: ["email": "nobody@example.com", "password": "password-123"])
            #expect(unknown.status == .unauthorized)
            #expect(unknown.detail == wrong.detail, "the answer does not tell which e-mails exist")
            #expect(try await app.request(.post, "/api/v1/auth/login", json: ["email": "bob@example.com"]).status == .unprocessableContent)
            #expect(try await app.request(.post, "/api/v1/auth/login", raw: "nope").status == .badRequest)
            let failures = try await app.services.registry.audit.list(.init(), action: "auth.login_failed")
            #expect(failures.total == 2)
        }
    }

    @Test("login is rate limited per account and client with 429 and Retry-After", arguments: TestDatabases.backends)
    func loginRateLimit(backend: TestBackend) async throws {
        try await TestApp.run(backend, environment: ["LOGIN_RATE_LIMIT": "3", "LOGIN_RATE_WINDOW_SECONDS": "60"]) { (app: TestApp) async throws in
            _ = try await app.register("carol")
            for _ in 0..<3 {
                let reply = try await app.request(.post, "/api/v1/auth/login", json: ["email": "carol@example.com", "password": "wrong-password"])
                #expect(reply.status == .unauthorized)
            }
            let limited = try await app.request(.post, "/api/v1/auth/login", json: ["email": "carol@example.com", "password": "password-123"])
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(limited.detail?.contains("too many") == true)
        }
    }

    @Test("API keys: create named, list without secrets, use, revoke; other users' keys are not theirs", arguments: TestDatabases.backends)
    func apiKeyLifecycle(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let alice = try await app.register("alice")
            let bob = try await app.register("bob")

            let created = try await app.request(.post, "/api/v1/users/me/api-keys", auth: .bearer(alice.token), json: ["name": "ci runner"])
            #expect(created.status == .created)
            let newKey = try #require(created.json["api_key"] as? String)
            let newId = try #require(created.json["id"] as? Int)
            #expect(created.json["name"] as? String == "ci runner")

            let list = try await app.request(.get, "/api/v1/users/me/api-keys", auth: .apiKey(newKey))
            #expect(list.status == .ok)
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(!list.text.contains(newKey), "a listed key never shows the key")
            #expect(!list.text.contains(alice.apiKey))
            #expect(items.allSatisfy { $0["prefix"] is String && $0["api_key"] == nil })

            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(newKey)).json["username"] as? String == "alice")
            #expect(try await app.request(.delete, "/api/v1/users/me/api-keys/\(newId)", auth: .bearer(bob.token)).status == .notFound)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(newKey)).status == .ok, "bob could not revoke alice's key")

            #expect(try await app.request(.delete, "/api/v1/users/me/api-keys/\(newId)", auth: .bearer(alice.token)).status == .noContent)
            let revoked = try await app.request(.get, "/api/v1/users/me", auth: .apiKey(newKey))
            #expect(revoked.status == .unauthorized)
            #expect(revoked.detail?.contains("API key") == true)
            #expect(try await app.request(.delete, "/api/v1/users/me/api-keys/\(newId)", auth: .bearer(alice.token)).status == .notFound)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(alice.apiKey)).status == .ok, "other keys keep working")

            for bad in ["", "   ", String(repeating: "x", count: 65)] {
                let reply = try await app.request(.post, "/api/v1/users/me/api-keys", auth: .bearer(alice.token), json: ["name": bad])
                #expect(reply.status == .unprocessableContent, "name \(bad.debugDescription)")
            }
            #expect(try await app.request(.delete, "/api/v1/users/me/api-keys/abc", auth: .bearer(alice.token)).status == .unprocessableContent)
            #expect(try await app.request(.post, "/api/v1/users/me/api-keys", json: ["name": "anon"]).status == .unauthorized)

            let actions = try await app.services.registry.audit.list(.init(page: 1, size: 100)).records.map(\.event.action)
            #expect(actions.contains("api_key.create"))
            #expect(actions.contains("api_key.revoke"))
        }
    }

    @Test("unknown, malformed, revoked and empty API keys", arguments: TestDatabases.backends)
    func badKeys(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let user = try await app.register("dave")
            // An empty X-API-Key is how the AgentHub client says "anonymous".
            let anonymous = try await app.request(.get, "/api/v1/users/me", headers: [.apiKey: ""])
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.detail?.contains("authentication required") == true)
            let unknownKey = "sr_" + String(repeating: "A", count: 43)
            for key in [unknownKey, "sr_short", "not-a-key", user.apiKey + "x", String(user.apiKey.dropLast()) + (user.apiKey.hasSuffix("A") ? "B" : "A")] {
                let reply = try await app.request(.get, "/api/v1/users/me", auth: .apiKey(key))
                #expect(reply.status == .unauthorized, "\(key)")
            }
            #expect(try await app.request(.get, "/api/v1/users/me", headers: [.authorization: "Basic abc"]).status == .unauthorized)
        }
    }

    @Test("expired, tampered, alg:none, wrong-key and exp-less tokens are refused", arguments: TestDatabases.backends)
    func badTokens(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let user = try await app.register("erin")
            let tokens = await TokenService(secret: TestApp.secret, ttl: .seconds(86_400))
            let expired = try await tokens.issue(userId: user.id, now: Date().addingTimeInterval(-2 * 86_400))
            let wrongKey = try await TokenService(secret: String(repeating: "z", count: 40), ttl: .seconds(3600)).issue(userId: user.id)

            var parts = user.token.split(separator: ".").map(String.init)
            let adminPayload = Data("{\"sub\":\"1\",\"exp\":9999999999,\"iat\":1}".utf8).base64URL
            let tampered = [parts[0], adminPayload, parts[2]].joined(separator: ".")
            let noneHeader = Data("{\"alg\":\"none\",\"typ\":\"JWT\"}".utf8).base64URL
            let algNone = [noneHeader, adminPayload, ""].joined(separator: ".")
            parts[2] = String(parts[2].reversed())
            let badSignature = parts.joined(separator: ".")

            struct NoExpiry: JWTPayload {
                var sub: SubjectClaim
                func verify(using algorithm: some JWTAlgorithm) throws {}
            }
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(key: TokenService.deriveKey(secret: TestApp.secret)), digestAlgorithm: .sha256)
            let noExp = try await keys.sign(NoExpiry(sub: SubjectClaim(value: String(user.id))))
            // The same key with an exp does pass: the refusal above is about the missing claim.
            let control = try await keys.sign(TokenService.Payload(sub: SubjectClaim(value: String(user.id)), exp: ExpirationClaim(value: Date().addingTimeInterval(60)), iat: IssuedAtClaim(value: Date())))
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .bearer(control)).status == .ok)

            for (name, token) in [("expired", expired), ("wrong key", wrongKey), ("tampered payload", tampered), ("alg none", algNone), ("bad signature", badSignature), ("no exp", noExp), ("garbage", "abc.def.ghi"), ("empty", "")] {
                let reply = try await app.request(.get, "/api/v1/users/me", auth: .bearer(token))
                #expect(reply.status == .unauthorized, "\(name): \(reply.status.code)")
                #expect(reply.json["username"] == nil)
            }
        }
    }

    @Test("a key request costs at most one bcrypt check; repeating it costs none", arguments: TestDatabases.backends)
    func bcryptCount(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let user = try await app.register("frank")
            _ = try await app.register("grace")
            let hasher = app.services.hasher
            let before = hasher.verificationCount
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(user.apiKey)).status == .ok)
            #expect(hasher.verificationCount - before == 1, "first use: one bcrypt check, not one per user")
            for _ in 0..<5 {
                #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(user.apiKey)).status == .ok)
            }
            #expect(hasher.verificationCount - before == 1, "cached: no more bcrypt checks")
            let unknown = "sr_" + String(repeating: "Q", count: 43)
            _ = try await app.request(.get, "/api/v1/users/me", auth: .apiKey(unknown))
            #expect(hasher.verificationCount - before == 1, "a key whose prefix matches nothing costs no bcrypt check")

            // Revoking clears the cache entry: the key stops at once.
            let created = try await app.request(.post, "/api/v1/users/me/api-keys", auth: .bearer(user.token), json: ["name": "temp"])
            let key = try #require(created.json["api_key"] as? String)
            let id = try #require(created.json["id"] as? Int)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(key)).status == .ok)
            #expect(try await app.request(.delete, "/api/v1/users/me/api-keys/\(id)", auth: .bearer(user.token)).status == .noContent)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(key)).status == .unauthorized)
        }
    }

    @Test("AgentHub's /auth/api-key and /users/me/api-key/regenerate keep their meaning", arguments: TestDatabases.backends)
    func legacyKeyRoutes(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            // Password-less sign-up of the old client.
            let signup = try await app.request(.post, "/api/v1/auth/api-key", json: ["username": "legacy", "email": "legacy@example.com"])
            #expect(signup.status == .created)
            let legacyKey = try #require(signup.json["api_key"] as? String)
            #expect(signup.json["message"] is String)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(legacyKey)).json["username"] as? String == "legacy")
            // Never a key for an existing account.
            let again = try await app.request(.post, "/api/v1/auth/api-key", json: ["username": "legacy", "email": "other@example.com"])
            #expect(again.status == .conflict)
            let stolen = try await app.request(.post, "/api/v1/auth/api-key", json: ["username": "thief", "email": "LEGACY@example.com"])
            #expect(stolen.status == .conflict)
            #expect(try await app.request(.post, "/api/v1/auth/api-key", json: ["username": "x y", "email": "bad"]).status == .unprocessableContent)
            // Password-less accounts cannot log in with a password.
            #expect(try await app.request(.post, "/api/v1/auth/login", json: ["email": "legacy@example.com", "password": "password-123"]).status == .unauthorized)

            // With credentials: another key for the caller.
            let more = try await app.request(.post, "/api/v1/auth/api-key", auth: .apiKey(legacyKey))
            #expect(more.status == .created)
            let second = try #require(more.json["api_key"] as? String)
            let named = try await app.request(.post, "/api/v1/users/me/api-keys", auth: .apiKey(legacyKey), json: ["name": "laptop"])
            let namedKey = try #require(named.json["api_key"] as? String)

            // Regenerate replaces the AgentHub key(s); named keys stay.
            let regenerated = try await app.request(.post, "/api/v1/users/me/api-key/regenerate", auth: .apiKey(legacyKey))
            #expect(regenerated.status == .ok)
            let fresh = try #require(regenerated.json["api_key"] as? String)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(legacyKey)).status == .unauthorized)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(second)).status == .unauthorized)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(fresh)).status == .ok)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(namedKey)).status == .ok)
            #expect(try await app.request(.post, "/api/v1/users/me/api-key/regenerate").status == .unauthorized)
        }
    }

    @Test("registration can be closed", arguments: TestDatabases.backends)
    func closedRegistration(backend: TestBackend) async throws {
        try await TestApp.run(backend, environment: ["REGISTRATION_ENABLED": "false"]) { (app: TestApp) async throws in
            let before = try await app.userCount()
            #expect(try await app.request(.post, "/api/v1/auth/register", json: ["username": "late", "email": "late@example.com", "password": "password-123"]).status == .forbidden)
            #expect(try await app.request(.post, "/api/v1/auth/api-key", json: ["username": "late", "email": "late@example.com"]).status == .unauthorized)
            #expect(try await app.userCount() == before)
        }
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

@Suite("API key cache")
struct APIKeyCacheTests {
    @Test("the cache is bounded: an evicted key costs one bcrypt check again")
    func bounded() async throws {
        try await TestApp.run(.sqlite, environment: ["API_KEY_CACHE_SIZE": "1"]) { (app: TestApp) async throws in
            let first = try await app.register("first")
            let second = try await app.register("second")
            let hasher = app.services.hasher
            let start = hasher.verificationCount
            _ = try await app.request(.get, "/api/v1/users/me", auth: .apiKey(first.apiKey))
            _ = try await app.request(.get, "/api/v1/users/me", auth: .apiKey(first.apiKey))
            #expect(hasher.verificationCount - start == 1)
            _ = try await app.request(.get, "/api/v1/users/me", auth: .apiKey(second.apiKey))
            #expect(app.services.apiKeys.cachedCount == 1)
            _ = try await app.request(.get, "/api/v1/users/me", auth: .apiKey(first.apiKey))
            #expect(hasher.verificationCount - start == 3, "the first key was evicted by the second")
        }
    }

    @Test("the cache expires: with a zero lifetime every request checks bcrypt")
    func expiring() async throws {
        try await TestApp.run(.sqlite, environment: ["API_KEY_CACHE_TTL_SECONDS": "0"]) { (app: TestApp) async throws in
            let user = try await app.register("ttl")
            let start = app.services.hasher.verificationCount
            for _ in 0..<3 {
                #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(user.apiKey)).status == .ok)
            }
            #expect(app.services.hasher.verificationCount - start == 3)
            #expect(app.services.apiKeys.cachedCount == 0)
        }
    }
}
