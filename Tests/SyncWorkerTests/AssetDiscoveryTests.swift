import Foundation
import SyncWorker
import Testing

@Suite("Asset discovery")
struct AssetDiscoveryTests {
    static func entry(_ path: String, _ kind: GitTreeEntry.Kind = .file) -> GitTreeEntry {
        GitTreeEntry(path: path, kind: kind, objectId: String(repeating: "a", count: 40))
    }

    @Test("skills, agents and MCP config files in the usual places; nested skills are their own; skipped folders and depth")
    func discover() {
        let entries = [
            "SKILL.md", "README.md",
            "skills/a/SKILL.md", "skills/a/x.py", "skills/a/inner/SKILL.md", "skills/a/inner/y.py",
            ".claude/skills/b/SKILL.md", ".agents/skills/c/SKILL.md", ".kiro/skills/d/SKILL.md",
            "node_modules/pkg/SKILL.md", "vendor/.git/SKILL.md",
            ".claude/agents/reviewer.md", "agents/helper.md", "agents/README.md", "team/AGENT.md",
            ".mcp.json", "tools/mcp.json", "servers/weather/server.json",
            String(repeating: "d/", count: 14) + "SKILL.md",
        ].map { Self.entry($0) } + [Self.entry("skills/a/link", .symlink), Self.entry("skills/a/sub", .submodule)]
        let (assets, configs) = AssetDiscovery().discover(entries)
        let skills = assets.filter { $0.kind == .skill }.map(\.location)
        #expect(skills == ["", ".agents/skills/c", ".claude/skills/b", ".kiro/skills/d", "skills/a", "skills/a/inner"])
        let agents = assets.filter { $0.kind == .agent }.map(\.location).sorted()
        #expect(agents == [".claude/agents/reviewer.md", "agents/helper.md", "team"])
        #expect(configs.map(\.path).sorted() == [".mcp.json", "servers/weather/server.json", "tools/mcp.json"])

        let skillA = assets.first { $0.location == "skills/a" }
        if case .files(let files)? = skillA?.content {
            #expect(files.map(\.packagePath) == ["SKILL.md", "x.py"], "the nested skill is not part of its parent")
        } else {
            Issue.record("skills/a has no files")
        }
        #expect(skillA?.notes.count == 2, "the symlink and the submodule are noted, not followed")
        if case .files(let files)? = assets.first(where: { $0.location == "" })?.content {
            // A root skill takes the rest of the repository, never another skill's files, skipped folders or .git.
            #expect(files.map(\.packagePath).sorted() == [
                ".claude/agents/reviewer.md", ".mcp.json", "README.md", "SKILL.md", "agents/README.md", "agents/helper.md",
                "servers/weather/server.json", "team/AGENT.md", "tools/mcp.json",
            ])
        } else {
            Issue.record("the root skill has no files")
        }
    }

    @Test("a sub-path limits discovery to its folder")
    func subPath() {
        let entries = ["a/skills/x/SKILL.md", "b/skills/y/SKILL.md"].map { Self.entry($0) }
        let (assets, _) = AssetDiscovery(subPath: "/b/").discover(entries)
        #expect(assets.map(\.location) == ["b/skills/y"])
    }

    @Test("MCP servers from .mcp.json and server.json become tools")
    func tools() {
        let mcp = #"{"mcpServers": {"github": {"command": "npx", "args": ["-y", "gh"]}, "remote": {"type": "http", "url": "https://mcp.example.com"}, "bad": 3}}"#
        let (tools, problems) = AssetDiscovery.tools(in: Array(mcp.utf8), path: ".mcp.json")
        #expect(tools.map(\.location) == [".mcp.json#github", ".mcp.json#remote"])
        #expect(problems.count == 1)
        let registry = #"{"name": "io.github.example/Weather-Server", "description": "Weather", "version": "1.2.0", "packages": [{"registry_type": "npm", "identifier": "@example/weather", "environment_variables": [{"name": "API_KEY"}]}]}"#
        let (fromRegistry, none) = AssetDiscovery.tools(in: Array(registry.utf8), path: "server.json")
        #expect(none.isEmpty)
        if case .generated(let files)? = fromRegistry.first?.content, let text = files.first?.text {
            #expect(text.contains("\"name\":\"weather-server\""))
            #expect(text.contains("\"command\":\"npx\""))
            #expect(text.contains("API_KEY"))
        } else {
            Issue.record("no tool from server.json")
        }
        #expect(AssetDiscovery.tools(in: Array("not json".utf8), path: "mcp.json").problems.count == 1)
    }
}
