import Shared

/// The three collections of the AgentHub API and the asset kind each holds.
enum AgentHubKind: String, CaseIterable, Sendable {
    case skills
    case mcps
    case agents

    var assetKind: AssetKind {
        switch self {
        case .skills: .skill
        case .mcps: .tool
        case .agents: .agent
        }
    }

    /// AgentHub's `type` query value: `skill`, `mcp` or `agent`.
    init?(type: String) {
        switch type {
        case "skill", "skills": self = .skills
        case "mcp", "mcps", "tool", "tools": self = .mcps
        case "agent", "agents": self = .agents
        default: return nil
        }
    }

    init(_ kind: AssetKind) {
        switch kind {
        case .skill: self = .skills
        case .tool: self = .mcps
        case .agent: self = .agents
        }
    }
}
