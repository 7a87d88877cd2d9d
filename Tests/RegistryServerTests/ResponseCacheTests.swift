import Foundation
import HTTPTypes
import RegistryStore
import Shared
import Testing
import TestSupport
@testable import RegistryServer

@Suite("Response cache and recent identities: hot answers from memory, never stale after a change made here")
struct ResponseCacheTests {
    /// Writes to the database without this server's change count — what another process does.
    static func writeElsewhere(_ app: TestApp, _ sql: String, _ binds: SQLValue...) async throws {
        let counted = try #require(app.services.registry.database as? ChangeCountingDatabase)
        try await counted.base.execute(sql, binds)
    }

    @Test("detail, downloads and the AgentHub item and install are kept; a publish, yank, deprecation, install, delete and restore here show at once", arguments: TestDatabases.backends)
    func changesHereShowAtOnce(backend: TestBackend) async throws {
        try await TestApp.run(backend, environment: ["RESPONSE_CACHE_SECONDS": "600"]) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            let admin = TestApp.Auth.apiKey(TestApp.adminAPIKey)
            try await app.publishArchive(.skill, TestApp.skill("hot", version: "1.0.0", description: "First words"), key: owner.apiKey)
            let first = try await app.request(.get, "/api/v1/assets/skill/hot")
            let id = try #require((first.json["asset"] as? [String: Any])?["id"] as? Int)
            let paths = ["/api/v1/assets/skill/hot", "/api/v1/assets/skill/hot/download", "/api/v1/assets/skill/hot/versions/1.0.0/download",
                         "/api/v1/skills/\(id)", "/api/v1/skills/\(id)/install"]
            for path in paths {
                let one = try await app.request(.get, path)
                let two = try await app.request(.get, path)
                #expect(one.status == .ok && two.status == .ok, "\(path): \(one.status.code)")
                #expect(one.body == two.body && one.headers[.eTag] == two.headers[.eTag] && one.headers[.eTag] != nil, "\(path)")
                let revalidated = try await app.request(.get, path, headers: [.ifNoneMatch: try #require(one.headers[.eTag])])
                #expect(revalidated.status == .notModified && revalidated.body.isEmpty, "\(path)")
            }
            #expect(app.services.responseCache.count == paths.count)

            // Searches are kept by query, in all three search routes.
            let searches = ["/api/v1/assets?q=hot", "/api/v1/search?q=hot", "/api/v1/skills?keyword=hot"]
            for path in searches {
                #expect(try await app.request(.get, path).text.contains("First words"), "\(path)")
            }
            #expect(app.services.responseCache.count == paths.count + searches.count)

            // Kept: a change this server did not make is not seen within the lifetime…
            try await Self.writeElsewhere(app, "UPDATE assets SET description = ? WHERE name = ?", .text("Changed elsewhere"), .text("hot"))
            #expect(try await app.request(.get, "/api/v1/assets/skill/hot").text.contains("First words"))
            #expect(try await app.request(.get, "/api/v1/assets?q=hot").text.contains("First words"))

            // …but every change made here is, at once.
            try await app.publishArchive(.skill, TestApp.skill("hot", version: "1.1.0", description: "Second words"), key: owner.apiKey)
            try await app.publishArchive(.skill, TestApp.skill("hot-too", version: "1.0.0", description: "Also hot"), key: owner.apiKey)
            for path in searches {
                let found = try await app.request(.get, path).text
                #expect(found.contains("Second words") && found.contains("hot-too"), "\(path): \(found.prefix(200))")
            }
            let second = try await app.request(.get, "/api/v1/assets/skill/hot")
            #expect((second.json["asset"] as? [String: Any])?["latest_version"] as? String == "1.1.0", "\(second.text)")
            #expect(try await app.request(.get, "/api/v1/assets/skill/hot/download").headers[.init(PackageHeaders.version)!] == "1.1.0")
            #expect(try await app.request(.get, "/api/v1/skills/\(id)/install").json["version"] as? String == "1.1.0")

            #expect(try await app.request(.post, "/api/v1/assets/skill/hot/versions/1.1.0/yank", auth: .apiKey(owner.apiKey), json: ["reason": "broken"]).status == .ok)
            #expect(try await app.request(.get, "/api/v1/assets/skill/hot/download").headers[.init(PackageHeaders.version)!] == "1.0.0")
            #expect(try await app.request(.get, "/api/v1/skills/\(id)/install").json["version"] as? String == "1.0.0")

            #expect(try await app.request(.put, "/api/v1/assets/skill/hot/deprecation", auth: .apiKey(owner.apiKey), json: ["message": "use cold"]).status == .ok)
            #expect(try await app.request(.get, "/api/v1/assets/skill/hot").text.contains("use cold"))

            let installsBefore = try #require(try await app.request(.get, "/api/v1/skills/\(id)").json["installs"] as? Int)
            #expect(try await app.request(.post, "/api/v1/skills/\(id)/install", auth: .apiKey(owner.apiKey)).status == .noContent)
            #expect(try await app.request(.get, "/api/v1/skills/\(id)").json["installs"] as? Int == installsBefore + 1)

            #expect(try await app.request(.delete, "/api/v1/assets/skill/hot", auth: admin).status == .noContent)
            for path in paths {
                #expect(try await app.request(.get, path).status == .notFound, "\(path) after delete")
            }
            // The admin still sees the deleted asset; that answer is not kept for anyone else.
            #expect(try await app.request(.get, "/api/v1/assets/skill/hot", auth: admin).status == .ok)
            #expect(try await app.request(.get, "/api/v1/assets/skill/hot").status == .notFound)
            #expect(try await app.request(.post, "/api/v1/assets/skill/hot/restore", auth: admin).status == .ok)
            #expect(try await app.request(.get, "/api/v1/assets/skill/hot").status == .ok)
        }
    }

    @Test("an API key's identity is kept: a revocation, a disabled account or a role change made here shows at once, one made elsewhere within the lifetime", arguments: TestDatabases.backends)
    func identities(backend: TestBackend) async throws {
        try await TestApp.run(backend, environment: ["RESPONSE_CACHE_SECONDS": "600"]) { (app: TestApp) async throws in
            let admin = TestApp.Auth.apiKey(TestApp.adminAPIKey)
            let alice = try await app.register("alice")
            // The first use records when the key was last used — a write, so the second is the one kept.
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(alice.apiKey)).status == .ok)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(alice.apiKey)).status == .ok)

            // Revoked by another process: still accepted within the lifetime…
            try await Self.writeElsewhere(app, "UPDATE api_keys SET revoked_at = created_at WHERE user_id = ?", .int(alice.id))
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(alice.apiKey)).status == .ok)
            // …and refused as soon as anything is written here.
            _ = try await app.register("carol")
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(alice.apiKey)).status == .unauthorized)

            // Revoked here: refused at once.
            let bob = try await app.register("bob")
            let created = try await app.request(.post, "/api/v1/users/me/api-keys", auth: .bearer(bob.token), json: ["name": "laptop"])
            let key = try #require(created.json["api_key"] as? String)
            let keyId = try #require(created.json["id"] as? Int)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(key)).status == .ok)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(key)).status == .ok)
            #expect(try await app.request(.delete, "/api/v1/users/me/api-keys/\(keyId)", auth: .bearer(bob.token)).status == .noContent)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(key)).status == .unauthorized)

            // Promoted, then disabled, here: the next request sees both.
            #expect(try await app.request(.get, "/api/v1/admin/users", auth: .apiKey(bob.apiKey)).status == .forbidden)
            #expect(try await app.request(.put, "/api/v1/admin/users/\(bob.id)/role", auth: admin, json: ["role": "admin"]).status == .ok)
            #expect(try await app.request(.get, "/api/v1/admin/users", auth: .apiKey(bob.apiKey)).status == .ok)
            #expect(try await app.request(.put, "/api/v1/admin/users/\(bob.id)/disable", auth: admin).status == .ok)
            #expect(try await app.request(.get, "/api/v1/users/me", auth: .apiKey(bob.apiKey)).status == .forbidden)
        }
    }

    @Test("requests arriving together share one answer; one after a change gets its own", arguments: TestDatabases.backends)
    func sharedWhileMade(backend: TestBackend) async throws {
        try await TestApp.run(backend, environment: ["RESPONSE_CACHE_SECONDS": "600"]) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            for index in 0..<30 {
                try await app.publishArchive(.skill, TestApp.skill("crowd-\(index)", version: "1.0.0", description: "A crowded skill"), key: owner.apiKey)
            }
            let bodies = try await withThrowingTaskGroup(of: TestApp.Reply.self) { group in
                for _ in 0..<32 { group.addTask { try await app.request(.get, "/api/v1/assets?q=crowded&size=50") } }
                return try await group.reduce(into: [TestApp.Reply]()) { $0.append($1) }
            }
            #expect(bodies.allSatisfy { $0.status == .ok })
            #expect(Set(bodies.map(\.body)).count == 1)
            #expect(bodies.first?.json["total"] as? Int == 30)
            // Published, then asked at once, while others ask too: the new one is in every later answer.
            try await app.publishArchive(.skill, TestApp.skill("crowd-new", version: "1.0.0", description: "A crowded skill"), key: owner.apiKey)
            let after = try await withThrowingTaskGroup(of: TestApp.Reply.self) { group in
                for _ in 0..<8 { group.addTask { try await app.request(.get, "/api/v1/assets?q=crowded&size=50") } }
                return try await group.reduce(into: [TestApp.Reply]()) { $0.append($1) }
            }
            #expect(after.allSatisfy { $0.json["total"] as? Int == 31 })
        }
    }

    @Test("a change made by another process shows once the lifetime is over; a lifetime of 0 keeps nothing")
    func lifetime() async throws {
        try await TestApp.run(.sqlite, environment: ["RESPONSE_CACHE_SECONDS": "1"]) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            try await app.publishArchive(.skill, TestApp.skill("warm", version: "1.0.0", description: "Old words"), key: owner.apiKey)
            #expect(try await app.request(.get, "/api/v1/assets/skill/warm").text.contains("Old words"))
            try await Self.writeElsewhere(app, "UPDATE assets SET description = ? WHERE name = ?", .text("New words"), .text("warm"))
            #expect(try await app.request(.get, "/api/v1/assets/skill/warm").text.contains("Old words"))
            // Past the lifetime the kept answer is given once more while it is made again, then
            // the new one — never later than a second lifetime.
            try await Task.sleep(for: .milliseconds(1100))
            var fresh = false
            for _ in 0..<50 where !fresh {
                fresh = try await app.request(.get, "/api/v1/assets/skill/warm").text.contains("New words")
                if !fresh { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(fresh)
            // Gone elsewhere: the refresh fails, and what was kept is dropped with it.
            try await Self.writeElsewhere(app, "UPDATE assets SET status = 'deleted' WHERE name = ?", .text("warm"))
            try await Task.sleep(for: .milliseconds(1100))
            var gone = false
            for _ in 0..<50 where !gone {
                gone = try await app.request(.get, "/api/v1/assets/skill/warm").status == .notFound
                if !gone { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(gone)
        }
        try await TestApp.run(.sqlite, environment: ["RESPONSE_CACHE_SECONDS": "0"]) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            try await app.publishArchive(.skill, TestApp.skill("cold", version: "1.0.0", description: "Old words"), key: owner.apiKey)
            #expect(try await app.request(.get, "/api/v1/assets/skill/cold").text.contains("Old words"))
            try await Self.writeElsewhere(app, "UPDATE assets SET description = ? WHERE name = ?", .text("New words"), .text("cold"))
            #expect(try await app.request(.get, "/api/v1/assets/skill/cold").text.contains("New words"))
            #expect(app.services.responseCache.count == 0)
        }
    }

    @Test("the cache stays within its memory bound")
    func bounded() async throws {
        // 1 MiB: entries of up to 128 KiB, so at most a handful of 100 KB packages stay.
        try await TestApp.run(.sqlite, environment: ["RESPONSE_CACHE_MB": "1", "RESPONSE_CACHE_SECONDS": "600"]) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            var generator = SystemRandomNumberGenerator()
            for index in 0..<20 {
                // Random bytes do not compress: each archive is about 100 KB.
                let noise = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
                try await app.publishArchive(.skill, TestApp.skill("big-\(index)", version: "1.0.0", extra: [PackageFile(path: "data.bin", contents: noise)]), key: owner.apiKey)
            }
            for index in 0..<20 {
                let reply = try await app.request(.get, "/api/v1/assets/skill/big-\(index)/download")
                #expect(reply.status == .ok && reply.body.count > 90_000)
            }
            #expect(app.services.responseCache.count <= 10)
            #expect(app.services.responseCache.count >= 1)
        }
    }
}
