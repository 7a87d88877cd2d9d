import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport
@testable import RegistryServer

@Suite("AgentHub: tools keep their secrets, agents resolve their references")
struct AgentHubToolAndAgentTests {
    static let secret = "super-secret-value-123"

    @Test("MCP env and header values never leave the server", arguments: TestDatabases.backends)
    func secrets(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            let created = try await app.request(.post, "/api/v1/mcps", auth: .apiKey(owner.apiKey), json: [
                "name": "remote-search", "description": "Search", "transport": "streamable-http", "url": "https://mcp.example.com/search",
                "headers": ["Authorization": "Bearer \(Self.secret)"], "env": ["SEARCH_TOKEN": Self.secret, "RETRIES": 3], "auto_approve": ["search"],
            ])
            #expect(created.status == .created, "\(created.text)")
            #expect(!created.text.contains(Self.secret))
            let id = try #require(created.json["id"] as? Int)
            #expect((created.json["config"] as? [String: Any])?["url"] as? String == "https://mcp.example.com/search")

            let install = try await app.request(.get, "/api/v1/mcps/\(id)/install")
            let servers = try #require((install.json["config"] as? [String: Any])?["mcpServers"] as? [String: Any])
            let entry = try #require(servers["remote-search"] as? [String: Any])
            #expect(entry["headers"] as? [String: String] == ["Authorization": "${REMOTE_SEARCH_AUTHORIZATION}"])
            #expect(entry["env"] as? [String: String] == ["RETRIES": "${RETRIES}", "SEARCH_TOKEN": "${SEARCH_TOKEN}"])
            #expect(install.json["env_vars_needed"] as? [String] == ["RETRIES", "SEARCH_TOKEN", "REMOTE_SEARCH_AUTHORIZATION"])

            var bodies = [created, install]
            for path in ["/api/v1/mcps", "/api/v1/mcps/\(id)", "/api/v1/search?q=search", "/api/v1/assets/tool/remote-search",
                         "/api/v1/assets/tool/remote-search/versions/1.0.0", "/api/v1/assets/tool/remote-search/download", "/api/v1/mcps/top"] {
                bodies.append(try await app.request(.get, path))
            }
            for reply in bodies {
                #expect((200..<300).contains(Int(reply.status.code)))
                #expect(!reply.body.contains(Array(Self.secret.utf8)), "a secret in \(reply.text.prefix(80))")
            }
            let rows = try await app.services.registry.database.query("SELECT content FROM blobs", [])
            #expect(try rows.allSatisfy { !String(decoding: try $0.bytes("content"), as: UTF8.self).contains(Self.secret) }, "not even stored")

            for (name, body) in [
                ("stdio without command", ["name": "bad-one", "description": "d", "transport": "stdio"]),
                ("remote without url", ["name": "bad-one", "description": "d", "transport": "sse"]),
                ("ftp url", ["name": "bad-one", "description": "d", "transport": "sse", "url": "ftp://x"]),
                ("unknown transport", ["name": "bad-one", "description": "d", "transport": "carrier-pigeon", "command": "x"]),
                ("bad env name", ["name": "bad-one", "description": "d", "command": "x", "env": ["1BAD": "v"]]),
                ("bad name", ["name": "Bad One", "description": "d", "command": "x"]),
                ("missing name", ["description": "d", "command": "x"]),
            ] as [(String, [String: Any])] {
                let reply = try await app.request(.post, "/api/v1/mcps", auth: .apiKey(owner.apiKey), json: body)
                #expect(reply.status == .unprocessableContent, "\(name): \(reply.status.code) \(reply.text)")
            }
        }
    }

    @Test("agent references resolve to active, deprecated or missing", arguments: TestDatabases.backends)
    func references(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            try await app.publishArchive(.skill, TestApp.skill("fresh", version: "1.0.0"), key: owner.apiKey)
            try await app.publishArchive(.skill, TestApp.skill("old", version: "1.0.0"), key: owner.apiKey)
            _ = try await app.request(.put, "/api/v1/assets/skill/old/deprecation", auth: .apiKey(owner.apiKey), json: ["message": "use fresh"])
            let created = try await app.request(.post, "/api/v1/agents", auth: .apiKey(owner.apiKey), json: [
                "name": "helper", "description": "Helps", "tags": ["team"], "prompt": "You help.", "agent_md_content": "",
                "skill_names": ["fresh", "old", "ghost"], "mcp_names": ["nowhere"],
            ])
            #expect(created.status == .created, "\(created.text)")
            let statuses = (created.json["referenced_skills"] as? [[String: Any]])?.map { "\($0["name"]!)=\($0["status"]!)" }
            #expect(statuses == ["fresh=active", "ghost=missing", "old=deprecated"])
            #expect((created.json["referenced_mcps"] as? [[String: Any]])?.first?["status"] as? String == "missing")
            #expect(created.json["prompt"] as? String == "You help.")
            let id = try #require(created.json["id"] as? Int)
            let install = try await app.request(.get, "/api/v1/agents/\(id)/install")
            #expect(install.json["prompt"] as? String == "You help.")
            #expect(install.json["skill_names"] as? [String] == ["fresh", "ghost", "old"])
            #expect(install.json["mcp_names"] as? [String] == ["nowhere"])

            // A Claude Code subagent file is an agent too; its `tools` are Claude's, not references.
            let subagent = PackageFile(path: "code-reviewer.md", text: "---\nname: code-reviewer\ndescription: Reviews code\ntools: Read, Grep\nskills: [fresh]\n---\nReview the diff.\n")
            let published = try await app.publishArchive(.agent, [subagent], key: owner.apiKey)
            #expect(published.status == .created, "\(published.text)")
            let version = try await app.request(.get, "/api/v1/assets/agent/code-reviewer/versions/1.0.0")
            #expect((version.json["references"] as? [[String: Any]])?.map { $0["name"] as? String } == ["fresh"])
            #expect(try await app.request(.post, "/api/v1/agents", auth: .apiKey(owner.apiKey), json: ["name": "x y", "description": "d", "prompt": "p"]).status == .unprocessableContent)
        }
    }

    @Test("AgentHub lists: envelope, keyword with the exact name first, tag filter before paging, top, 404 for missing ids", arguments: TestDatabases.backends)
    func lists(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            for index in 0..<25 {
                try await app.publishArchive(.skill, TestApp.skill("pdf-helper-\(index)", version: "1.0.0", description: "pdf pdf helper \(index)", tags: index.isMultiple(of: 5) ? ["special"] : []), key: owner.apiKey)
            }
            try await app.publishArchive(.skill, TestApp.skill("pdf", version: "1.0.0", description: "Plain"), key: owner.apiKey)
            let list = try await app.request(.get, "/api/v1/skills?keyword=pdf&size=10")
            #expect(list.json["total"] as? Int == 26)
            #expect(list.json["pages"] as? Int == 3)
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.first?["name"] as? String == "pdf", "exact name first")
            for key in ["id", "name", "description", "version", "tags", "git_url", "git_ref", "commit_hash", "skill_path", "readme_html", "readme_content", "author", "installs", "source", "created_at", "updated_at"] {
                #expect(items[0].keys.contains(key), "SkillResponse has \(key)")
            }
            #expect(items[0]["git_ref"] is NSNull)
            let tagged = try await app.request(.get, "/api/v1/skills?tag=special&size=2&page=3")
            #expect(tagged.json["total"] as? Int == 5, "the tag filter applies before paging")
            #expect((tagged.json["items"] as? [Any])?.count == 1)
            let top = try await app.request(.get, "/api/v1/skills/top?limit=3")
            #expect((try JSONSerialization.jsonObject(with: top.body) as? [Any])?.count == 3)
            #expect(try await app.request(.get, "/api/v1/skills/top?limit=51").status == .unprocessableContent)
            #expect(try await app.request(.get, "/api/v1/skills/999999").status == .notFound)
            #expect(try await app.request(.get, "/api/v1/mcps/\(items[0]["id"] as! Int)").status == .notFound, "a skill id is not an mcp")
            let search = try await app.request(.get, "/api/v1/search?q=pdf&type=skill")
            #expect(search.json.keys.sorted() == ["skills"])
            let all = try await app.request(.get, "/api/v1/search?q=pdf")
            #expect(all.json.keys.sorted() == ["agents", "mcps", "skills"])
            #expect(try await app.request(.get, "/api/v1/search?q=pdf&type=plugin").status == .unprocessableContent)

            let published = try await app.request(.get, "/api/v1/users/me/published?size=5", auth: .apiKey(owner.apiKey))
            #expect(published.json["total"] as? Int == 26)
            #expect((published.json["items"] as? [Any])?.count == 5)
            #expect(try await app.request(.get, "/api/v1/users/me/published").status == .unauthorized)

            // Deleting through AgentHub's routes: admins only, a tombstone the admin list still shows.
            let id = try #require(items.first?["id"] as? Int)
            #expect(try await app.request(.delete, "/api/v1/skills/\(id)", auth: .apiKey(owner.apiKey)).status == .forbidden)
            #expect(try await app.request(.delete, "/api/v1/skills/\(id)", auth: .apiKey(TestApp.adminAPIKey)).status == .noContent)
            #expect(try await app.request(.get, "/api/v1/skills/\(id)").status == .notFound)
            let second = try #require(items.dropFirst().first?["id"] as? Int)
            #expect(try await app.request(.delete, "/api/v1/admin/assets/skill/\(second)", auth: .apiKey(TestApp.adminAPIKey)).status == .noContent)
            #expect(try await app.request(.delete, "/api/v1/admin/assets/mcp/\(second)", auth: .apiKey(TestApp.adminAPIKey)).status == .notFound, "a skill id is not an mcp")
            #expect(try await app.request(.delete, "/api/v1/admin/assets/plugin/\(second)", auth: .apiKey(TestApp.adminAPIKey)).status == .notFound)
            let adminList = try await app.request(.get, "/api/v1/admin/assets?type=skill&size=100", auth: .apiKey(TestApp.adminAPIKey))
            let statuses = (adminList.json["items"] as? [[String: Any]])?.compactMap { $0["status"] as? String } ?? []
            #expect(adminList.json["total"] as? Int == 26)
            #expect(statuses.filter { $0 == "deleted" }.count == 2)
            #expect(try await app.request(.get, "/api/v1/admin/assets", auth: .apiKey(owner.apiKey)).status == .forbidden)
            #expect(try await app.request(.get, "/api/v1/admin/assets?type=plugin", auth: .apiKey(TestApp.adminAPIKey)).status == .unprocessableContent)
            #expect((try await app.request(.get, "/api/v1/skills?size=100").json["total"] as? Int) == 24, "deleted ones leave the public lists")
        }
    }
}

extension Data {
    func contains(_ bytes: [UInt8]) -> Bool { range(of: Data(bytes)) != nil }
}
