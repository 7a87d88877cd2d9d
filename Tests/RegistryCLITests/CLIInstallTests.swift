import Foundation
import Shared
import Testing
import TestSupport

/// Skills, agents and tools installed, updated, verified and removed for every agent layout by
/// the built `agenthub` against a live server; caches, hostile packages and error messages.
@Suite("agenthub installs for each agent layout")
struct CLIInstallTests {
    typealias Setup = CLICommandTests.Setup

    static func seedAgentAndTool(_ setup: Setup) async throws {
        let tool = #"{"name": "github-tools", "description": "GitHub MCP server", "version": "1.0.0", "command": "npx", "args": ["-y", "@example/github-mcp"], "env": {"GITHUB_TOKEN": "ghp_should_never_be_stored"}}"#
        #expect(try await setup.publish("tool", [PackageFile(path: "mcp.json", text: tool)]) == 201)
        let agent = "---\nname: reviewer\ndescription: Reviews PDF reports\nversion: 1.0.0\nskills: [pdf, missing-skill]\nmcps: [github-tools]\n---\nYou review PDF reports.\n"
        #expect(try await setup.publish("agent", [PackageFile(path: "AGENT.md", text: agent)]) == 201)
    }

    static func json(_ result: CommandResult) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    static func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// Where each agent reads skills, agents and MCP servers in a project, as the issue and the
    /// agents' documentation say.
    struct Layout {
        let skills: String, agents: String, mcpConfig: String
        func reference(_ variable: String) -> String { mcpConfig.hasPrefix(".cursor") ? "${env:\(variable)}" : "${\(variable)}" }
    }

    static let layouts: [String: Layout] = [
        "claude": Layout(skills: ".claude/skills", agents: ".claude/agents", mcpConfig: ".mcp.json"),
        "kiro": Layout(skills: ".kiro/skills", agents: ".kiro/agents", mcpConfig: ".kiro/settings/mcp.json"),
        "cursor": Layout(skills: ".cursor/skills", agents: ".cursor/agents", mcpConfig: ".cursor/mcp.json"),
        "codex": Layout(skills: ".agents/skills", agents: ".agents/agents", mcpConfig: ".codex/config.toml"),
        "generic": Layout(skills: ".agents/skills", agents: ".agents/agents", mcpConfig: ".agents/mcp.json"),
    ]

    @Test("add (ranges, agents with their skills and tools), list, verify, install --frozen, update, local edits, remove", arguments: ["claude", "kiro", "cursor", "codex", "generic"])
    func layout(agent: String) async throws {
        let setup = try await CLICommandTests.setUp()
        defer { Task { try? await setup.stop() } }
        try await Self.seedAgentAndTool(setup)
        let target = try #require(Self.layouts[agent])
        let codex = agent == "codex"
        let project = setup.project.url
        // Someone's own MCP configuration, which must survive every step.
        let configFile = project.appendingPathComponent(target.mcpConfig)
        try FileManager.default.createDirectory(at: configFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        if codex {
            try "# my settings\nmodel = \"o3\"\n\n[mcp_servers.other]\ncommand = \"other-server\"\nargs = []\n".write(to: configFile, atomically: true, encoding: .utf8)
        } else {
            try #"{"mcpServers": {"other": {"command": "other-server", "args": []}}, "theme": "dark"}"#.write(to: configFile, atomically: true, encoding: .utf8)
        }
        func configHasOther() throws -> Bool {
            let text = try Self.read(configFile)
            return codex ? text.hasPrefix("# my settings\nmodel = \"o3\"\n") && text.contains("[mcp_servers.other]\ncommand = \"other-server\"") : text.contains("\"other-server\"") && text.contains("\"theme\" : \"dark\"")
        }

        let skill = try await setup.agenthub("add", "pdf@~1.0", "--agent", agent)
        #expect(skill.status == 0, "\(skill.stderr)")
        let skillFile = project.appendingPathComponent(target.skills).appendingPathComponent("pdf/SKILL.md")
        #expect(try Self.read(skillFile).contains("version: 1.0.0"), "~1.0 picks 1.0.x, not 1.1.0")

        let added = try await setup.agenthub("add", "reviewer", "--agent", agent)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr.contains("missing-skill"), "a reference the registry lacks is reported")
        #expect(added.stdout.contains("GITHUB_TOKEN"), "the variables to set are printed")
        let agentFile = project.appendingPathComponent(target.agents).appendingPathComponent("reviewer.md")
        #expect(try Self.read(agentFile).contains("name: reviewer"))
        let config = try Self.read(configFile)
        #expect(config.contains("github-tools") && config.contains("@example/github-mcp"))
        #expect(!config.contains("ghp_should_never_be_stored"))
        #expect(config.contains(codex ? "env_vars = [\"GITHUB_TOKEN\"]" : target.reference("GITHUB_TOKEN")))
        #expect(try configHasOther(), "other servers and settings are left alone")
        #expect(try Self.read(skillFile).contains("version: 1.0.0"), "the agent's skill was already installed and keeps its version")

        let list = try Self.json(try await setup.agenthub("list", "--json")) as? [[String: Any]]
        #expect(Set(list?.compactMap { "\($0["kind"]!):\($0["name"]!)" } ?? []) == ["skill:pdf", "agent:reviewer", "tool:github-tools"])
        #expect(try await setup.agenthub("verify").status == 0)
        #expect(try await setup.agenthub("install", "--frozen").status == 0)

        // A new patch inside the range is taken; 1.1.0 is outside ~1.0.
        #expect(try await setup.publish("skill", [PackageFile(path: "SKILL.md", text: "---\nname: pdf\ndescription: Work with PDF files\nversion: 1.0.1\n---\n# PDF 1.0.1\n")]) == 201)
        let update = try await setup.agenthub("update", "--json")
        #expect(update.status == 0, "\(update.stderr)")
        let changes = (try Self.json(update) as? [String: Any])?["updated"] as? [[String: Any]]
        #expect(changes?.count == 1 && changes?.first?["to"] as? String == "1.0.1")
        #expect(try Self.read(skillFile).contains("version: 1.0.1"))
        #expect(try await setup.agenthub("update").stdout.contains("up to date"))

        // A value filled into the MCP entry is not a local edit; a changed agent file is.
        if !codex {
            try Self.read(configFile).replacingOccurrences(of: target.reference("GITHUB_TOKEN"), with: "ghp_filled_in_by_user").write(to: configFile, atomically: true, encoding: .utf8)
            #expect(try await setup.agenthub("verify").status == 0, "filling in a variable is expected")
        }
        let edited = try Self.read(agentFile) + "My own extra instructions.\n"
        try FileManager.default.removeItem(at: agentFile)
        try edited.write(to: agentFile, atomically: true, encoding: .utf8)
        let stopped = try await setup.agenthub("update")
        #expect(stopped.status == 1 && stopped.stderr.contains("edited locally") && stopped.stderr.contains("--force"))
        #expect(try Self.read(agentFile) == edited, "nothing was overwritten")
        #expect(try await setup.agenthub("verify").status == 1)
        #expect(try await setup.agenthub("install", "--frozen").status == 1)
        #expect(try await setup.agenthub("update", "--force").status == 0)
        #expect(!(try Self.read(agentFile)).contains("My own extra instructions"))

        #expect(try await setup.agenthub("remove", "github-tools").status == 0)
        #expect(!(try Self.read(configFile)).contains("github-tools"))
        #expect(try configHasOther())
        #expect(try await setup.agenthub("remove", "reviewer").status == 0)
        #expect(try await setup.agenthub("remove", "pdf").status == 0)
        #expect(!FileManager.default.fileExists(atPath: agentFile.path) && !FileManager.default.fileExists(atPath: skillFile.deletingLastPathComponent().path))
        #expect((try Self.json(try await setup.agenthub("list", "--json")) as? [Any])?.isEmpty == true)
    }

    @Test("update honours yanks and deprecations and revalidates with the ETag")
    func yanksAndETag() async throws {
        let setup = try await CLICommandTests.setUp()
        defer { Task { try? await setup.stop() } }
        #expect(try await setup.agenthub("add", "pdf").status == 0)
        let up = try await setup.agenthub("update")
        #expect(up.status == 0 && up.stdout.contains("up to date"))

        // The kept answer is used when the registry says 304: a marker put into it shows.
        let cached = setup.home.url.appendingPathComponent(".skills-registry/cache/skill/pdf/.detail/detail.json")
        var detail = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: cached)) as? [String: Any])
        var asset = try #require(detail["asset"] as? [String: Any])
        asset["deprecation_message"] = "MARKER-FROM-CACHE"
        detail["asset"] = asset
        try JSONSerialization.data(withJSONObject: detail).write(to: cached)
        #expect(try await setup.agenthub("update").stderr.contains("MARKER-FROM-CACHE"), "a 304 answer reuses the kept detail")

        // Yanking the installed version moves the install to the best other one.
        let (status, _) = try await CLICommandTests.call(setup.server.baseURL, "POST", "api/v1/assets/skill/pdf/versions/1.1.0/yank", body: try JSONSerialization.data(withJSONObject: ["reason": "broken build"]), headers: ["Content-Type": "application/json", "X-API-Key": setup.key])
        #expect(status == 200)
        let (deprecated, _) = try await CLICommandTests.call(setup.server.baseURL, "PUT", "api/v1/assets/skill/pdf/deprecation", body: try JSONSerialization.data(withJSONObject: ["message": "use pdf-next"]), headers: ["Content-Type": "application/json", "X-API-Key": setup.key])
        #expect(deprecated == 200)
        let moved = try await setup.agenthub("update")
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stderr.contains("yanked (broken build)") && moved.stderr.contains("use pdf-next"))
        #expect(moved.stdout.contains("1.1.0 -> 1.0.0"))
        #expect(!moved.stderr.contains("MARKER-FROM-CACHE"), "a changed asset is read again")
    }

    @Test("a tampered cache file is detected and downloaded again")
    func tamperedCache() async throws {
        let setup = try await CLICommandTests.setUp()
        defer { Task { try? await setup.stop() } }
        #expect(try await setup.agenthub("add", "pdf@1.0.0", "--copy").status == 0)
        let cachedLogo = setup.home.url.appendingPathComponent(".skills-registry/cache/skill/pdf/1.0.0/files/logo.bin")
        try Data("tampered".utf8).write(to: cachedLogo)
        let again = try await setup.agenthub("add", "pdf@1.0.0", "--agent", "kiro")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("changed on disk"))
        #expect(try Data(contentsOf: setup.project.url.appendingPathComponent(".kiro/skills/pdf/logo.bin")) == Data(CLICommandTests.binary))
        #expect(try Data(contentsOf: cachedLogo) == Data(CLICommandTests.binary))
    }

    @Test("a package that escapes its folder, links out, or does not match its digest is refused and nothing is written", arguments: ["traversal", "absolute", "symlink", "hardlink", "device", "digest"])
    func hostilePackages(variant: String) async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let registry = try await BackgroundServer.hostileRegistry(fixture)
        defer { registry.stop() }
        let home = try TemporaryDirectory(), workspace = try TemporaryDirectory()
        defer { home.remove(); workspace.remove() }
        let project = workspace.url.appendingPathComponent("a/b/project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        let result = try await runProduct("agenthub", ["add", "\(variant)@1.0.0", "--type", "skill"], environment: ["HOME": home.url.path, "SKILLS_REGISTRY_URL": "http://127.0.0.1:\(registry.port)"], in: project)
        #expect(result.status == 1)
        #expect(result.stderr.contains(variant == "digest" ? "does not match its digest" : "not safe to install"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was written"))
        for folder in [workspace.url, home.url] {
            let written = FileManager.default.enumerator(atPath: folder.path)?.allObjects.compactMap { $0 as? String }.filter { !$0.hasSuffix("config.toml") } ?? []
            #expect(written.allSatisfy { !$0.contains("escaped") && !$0.contains("SKILL.md") && !$0.contains(".claude") && !$0.contains("passwd") }, "\(written)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/agenthub-escaped-absolute.txt"))
    }

    @Test("a lock file whose entry points outside the agent's folders is refused before anything is placed or removed")
    func hostileLockFile() async throws {
        let setup = try await CLICommandTests.setUp()
        defer { Task { try? await setup.stop() } }
        #expect(try await setup.agenthub("add", "pdf").status == 0)
        let lockURL = setup.project.url.appendingPathComponent("agenthub.lock")
        let honest = try Self.read(lockURL)
        let victim = setup.home.url.appendingPathComponent("precious")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        for (field, value) in [("path", "../\(setup.home.url.lastPathComponent)/precious"), ("path", "/etc"), ("name", "../x"), ("version", "1.0.0/../../x")] {
            var lock = try #require(try JSONSerialization.jsonObject(with: Data(honest.utf8)) as? [String: Any])
            var entries = try #require(lock["entries"] as? [[String: Any]])
            entries[0][field] = value
            lock["entries"] = entries
            try JSONSerialization.data(withJSONObject: lock).write(to: lockURL)
            for command in [["install"], ["remove", "pdf"], ["update"], ["verify"]] {
                let result = try await setup.agenthub(command[0], command.dropFirst().first ?? "--json")
                #expect(result.status == 1 && result.stderr.contains("restore the file from version control"), "\(field)=\(value) \(command): \(result.stderr)")
            }
            #expect(FileManager.default.fileExists(atPath: victim.path) && FileManager.default.fileExists(atPath: "/etc/passwd"))
        }
    }

    @Test("unreachable, 401, 404 and 409 each give one line on standard error and exit status 1")
    func errors() async throws {
        let setup = try await CLICommandTests.setUp()
        defer { Task { try? await setup.stop() } }
        func oneLine(_ result: CommandResult, _ text: String) {
            #expect(result.status == 1)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("error: ") && result.stderr.contains(text), "\(result.stderr)")
        }
        oneLine(try await setup.agenthub("add", "nope", "--type", "skill"), "404")
        oneLine(try await setup.agenthub("info", "nope", "--type", "skill"), "404")
        oneLine(try await setup.agenthub("add", "nope"), "agenthub find nope")
        let folder = setup.project.url.appendingPathComponent("pdf")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "---\nname: pdf\ndescription: Work with PDF files\nversion: 1.0.0\n---\nDifferent contents\n".write(to: folder.appendingPathComponent("SKILL.md"), atomically: true, encoding: .utf8)
        oneLine(try await setup.agenthub(environment: ["SKILLS_REGISTRY_API_KEY": "sr_not_a_real_key_000000000000000000000000000"], ["publish", "pdf"]), "401")
        oneLine(try await setup.agenthub("publish", "pdf"), "409")
        oneLine(try await setup.agenthub("sync", "https://git.example.com/x.git"), "403")
        oneLine(try await setup.agenthub("add", "pdf@^x"), "not a version or range")
        try await setup.server.stop()
        oneLine(try await setup.agenthub("add", "pdf"), "cannot reach")
        oneLine(try await setup.agenthub("update"), "nothing is installed")
    }

    @Test("--json output of every command parses")
    func jsonEverywhere() async throws {
        let setup = try await CLICommandTests.setUp()
        defer { Task { try? await setup.stop() } }
        try await Self.seedAgentAndTool(setup)
        for arguments in [["find", "pdf"], ["info", "pdf"], ["add", "reviewer"], ["add", "pdf@^1.0"], ["list"], ["verify"], ["install"], ["install", "--frozen"], ["update"], ["config", "show"], ["remove", "github-tools"]] {
            let result = try await runProduct("agenthub", arguments + ["--json"], environment: setup.environment, in: setup.project.url)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect((try? Self.json(result)) != nil, "\(arguments) printed: \(result.stdout)")
        }
        let added = try Self.json(try await setup.agenthub("add", "github-tools", "--agent", "kiro", "--json")) as? [String: Any]
        #expect((added?["variables"] as? [String: [String]])?["github-tools"] == ["GITHUB_TOKEN"])
    }

    @Test("sync GIT_URL imports a repository as admin and shows the run; a failing run exits 1")
    func sync() async throws {
        let setup = try await CLICommandTests.setUp(environment: ["SYNC_ALLOW_FILE_URLS": "true"])
        defer { Task { try? await setup.stop() } }
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("team-skills", files: [
            "skills/chart-maker/SKILL.md": "---\nname: chart-maker\ndescription: Draws charts\n---\nBody\n",
            "skills/broken/SKILL.md": "---\nname: Not A Name\ndescription: x\n---\n",
        ])
        let url = "file://" + fixture.served.appendingPathComponent("team-skills.git").path
        let result = try await setup.agenthub(environment: ["SKILLS_REGISTRY_API_KEY": CLICommandTests.adminKey], ["sync", url, "--json"])
        #expect(result.status == 1, "one asset failed: \(result.stderr)")
        let report = try Self.json(result) as? [String: Any]
        #expect(report?["created"] as? Int == 1 && report?["failed"] as? Int == 1)
        #expect((report?["diagnostics"] as? [[String: Any]])?.contains { ($0["message"] as? String)?.contains("name") == true } == true)
        #expect(try await setup.agenthub("info", "chart-maker").status == 0)

        try fixture.commit("team-skills", files: ["skills/broken/SKILL.md": nil], message: "drop broken")
        let text = try await setup.agenthub(environment: ["SKILLS_REGISTRY_API_KEY": CLICommandTests.adminKey], ["sync", url])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("succeeded") && text.stdout.contains("1 unchanged"))

        let missing = try await setup.agenthub(environment: ["SKILLS_REGISTRY_API_KEY": CLICommandTests.adminKey], ["sync", url + "-missing"])
        #expect(missing.status == 1 && missing.stderr.contains("the sync failed"))
        #expect(try await setup.agenthub("sync", url).status == 1, "a user who is not admin is refused")
    }

    @Test("on a terminal: a progress bar for a large download, colours and aligned tables")
    func terminal() async throws {
        let setup = try await CLICommandTests.setUp()
        defer { Task { try? await setup.stop() } }
        var generator = SystemRandomNumberGenerator()
        let large = (0..<700_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(try await setup.publish("skill", [PackageFile(path: "SKILL.md", text: "---\nname: big-data\ndescription: Large files\n---\nBody\n"), PackageFile(path: "data.bin", contents: large)]) == 201)
        // `script` gives the command a pseudo-terminal, as a user's shell would.
        func inTerminal(_ arguments: String) async throws -> CommandResult {
            let binary = try BuiltProduct.url("agenthub").path
            return try await runProduct("/usr/bin/script", ["-qec", "\(binary) \(arguments)", "/dev/null"], environment: setup.environment, in: setup.project.url)
        }
        let added = try await inTerminal("add big-data")
        #expect(added.status == 0, "\(added.stdout)")
        #expect(added.stdout.contains("[##############################] 100%"), "\(added.stdout)")
        #expect(added.stdout.contains("\u{1B}[1mbig-data\u{1B}[0m"), "names are bold on a terminal")
        let piped = try await setup.agenthub("add", "big-data", "--agent", "kiro")
        #expect(!piped.stderr.contains("[#") && !piped.stdout.contains("\u{1B}["), "no bar and no colours when piped")
        let find = try await inTerminal("find")
        let lines = find.stdout.split(whereSeparator: \.isNewline).map(String.init).filter { $0.hasPrefix("big-data") || $0.hasPrefix("pdf") }
        let columns = lines.compactMap { line in line.range(of: " skill ").map { line.distance(from: line.startIndex, to: $0.lowerBound) } }
        #expect(columns.count == 2 && Set(columns).count == 1, "the KIND column lines up: \(find.stdout.debugDescription)")
    }
}
