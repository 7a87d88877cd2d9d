import Foundation

/// Where each agent looks for skills, relative to the project (or the home folder with --global).
enum AgentTarget: String, CaseIterable {
    case claude, kiro, cursor, codex, generic

    var skillsFolder: String {
        switch self {
        case .claude: ".claude/skills"
        case .kiro: ".kiro/skills"
        case .cursor: ".cursor/skills"
        case .codex, .generic: ".agents/skills"
        }
    }
}
