import ArgumentParser
import Foundation
import Shared

/// `agenthub add NAME[@VERSION|@RANGE]`
struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Install a skill, agent or tool for an agent, verified by digest.",
        discussion: """
            The package is downloaded into ~/.skills-registry/cache/, its digest checked, then placed
            where the agent reads it — in this project, or the home folder with --global:
              skills  Claude Code .claude/skills/NAME, Kiro .kiro/skills/NAME, Cursor .cursor/skills/NAME,
                      Codex and generic .agents/skills/NAME (linked to the cache, or copied with --copy)
              agents  .claude/agents/NAME.md, .kiro/agents/, .cursor/agents/, .agents/agents/; the skills
                      and tools an agent names are installed with it
              tools   merged into the MCP config (.mcp.json or ~/.claude.json, .kiro/settings/mcp.json,
                      .cursor/mcp.json, .codex/config.toml, .agents/mcp.json) without touching other
                      servers; secrets stay ${VARIABLES} you set yourself
            VERSION is exact (1.2.0) or a range: ^1.2 (1.x from 1.2), ~1.2 (1.2.x), 1.x, >=1.2 <2.
            An exact version that is cached needs no server.

            Examples:
              agenthub add pdf-tools
              agenthub add pdf-tools@^1.2 --agent kiro --copy
              agenthub add github-tools --type tool
              agenthub add reviewer --agent claude --global
            """
    )

    @Argument(help: "NAME, NAME@VERSION or NAME@RANGE") var spec: String
    @Option(name: .long, help: "skill, agent or tool (default: whichever the registry has under NAME)") var type: AssetKind?
    @Option(name: .long, help: "claude, kiro, cursor, codex or generic (default: client.agent)") var agent: String?
    @Flag(name: .long, help: "Install into the home folder instead of this project.") var global = false
    @Flag(name: .long, help: "Copy the files instead of linking to the cache.") var copy = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            let (name, range) = try Self.parse(spec)
            let target = try AgentTarget.named(agent ?? context.config.client.agent)
            var session = try InstallSession(context: context, global: global)
            let kind = try await session.installer.kind(of: name, type: type, exactVersion: range?.exact?.description)
            let version = try await session.installer.version(kind, name, in: range)
            try await session.install(kind, name, version: version, requested: range?.description, target: target, copy: copy)
            await session.recordInstalls()
            try session.printReport(verb: "installed")
        }
    }

    /// `NAME`, `NAME@1.2.3` or `NAME@^1.2`.
    static func parse(_ spec: String) throws -> (String, VersionRange?) {
        let parts = spec.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0]
        if let problem = AssetName.problem(name) { throw CLIError(problem) }
        guard parts.count > 1 else { return (name, nil) }
        guard let range = VersionRange(parts[1]) else {
            throw CLIError("'\(parts[1])' is not a version or range; write NAME@1.2.3, NAME@^1.2, NAME@~1.2 or NAME@\">=1.2 <2\"")
        }
        return (name, range)
    }
}
