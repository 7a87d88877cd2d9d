import Foundation

/// Where each agent looks for skills, agents and MCP servers, relative to the project (or the
/// home folder with --global).
enum AgentTarget: String, CaseIterable {
    case claude, kiro, cursor, codex, generic

    /// Skills are folders: `<skillsFolder>/NAME/SKILL.md`.
    var skillsFolder: String {
        switch self {
        case .claude: ".claude/skills"
        case .kiro: ".kiro/skills"
        case .cursor: ".cursor/skills"
        case .codex, .generic: ".agents/skills"
        }
    }

    /// Agents are Markdown files with frontmatter: `<agentsFolder>/NAME.md` (Claude Code's subagent layout).
    var agentsFolder: String {
        switch self {
        case .claude: ".claude/agents"
        case .kiro: ".kiro/agents"
        case .cursor: ".cursor/agents"
        case .codex, .generic: ".agents/agents"
        }
    }

    /// The file MCP servers are configured in, for the project or (`global`) the home folder.
    func mcpConfigFile(global: Bool) -> String {
        switch self {
        case .claude: global ? ".claude.json" : ".mcp.json"
        case .kiro: ".kiro/settings/mcp.json"
        case .cursor: ".cursor/mcp.json"
        case .codex: ".codex/config.toml"
        case .generic: ".agents/mcp.json"
        }
    }

    /// How a `${VARIABLE}` reference is written in this agent's MCP config.
    func variableReference(_ name: String) -> String {
        self == .cursor ? "${env:\(name)}" : "${\(name)}"
    }

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    static func named(_ name: String) throws -> AgentTarget {
        guard let target = AgentTarget(rawValue: name) else { throw CLIError("unknown agent '\(name)'; use one of: \(names)") }
        return target
    }
}
