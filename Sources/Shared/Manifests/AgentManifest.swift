/// A parsed agent: `AGENT.md` or a Claude Code subagent file (`.claude/agents/NAME.md`).
///
/// Frontmatter `name`, `description`, `skills` and `mcps` (the skills and MCP tools it uses, by
/// name), `tags`; the body is the prompt. A subagent's `tools` (Claude Code's own tools such as
/// `Read, Grep`) and `model` are kept in `frontmatter` and are not references.
public struct AgentManifest: Sendable, Equatable {
    public static let fileName = "AGENT.md"

    public let name: String
    public let description: String
    public let version: SemanticVersion?
    public let skills: [String]
    public let mcps: [String]
    public let tags: [String]
    public let prompt: String
    public let frontmatter: [String: JSONValue]
    public let warnings: [String]

    public static func parse(_ bytes: [UInt8], file: String = fileName) throws(ManifestError) -> AgentManifest {
        let document = try Frontmatter(bytes: bytes, file: file)
        let name = try document.requiredString("name", file: file)
        if let problem = AssetName.problem(name) { throw ManifestError(file: file, field: "name", problem) }
        let description = try document.requiredString("description", file: file)
        let skills = try references(document, "skills", file: file)
        let mcps = try references(document, "mcps", file: file)
        let prompt = document.body.trimmingCharacters(in: .whitespacesAndNewlines)
        var warnings: [String] = []
        if prompt.isEmpty { warnings.append("\(file): the prompt (the text after the frontmatter) is empty") }
        if description.count > SkillManifest.descriptionLimit {
            warnings.append("\(file): description has \(description.count) characters; keep it under \(SkillManifest.descriptionLimit)")
        }
        return AgentManifest(
            name: name, description: description, version: try SkillManifest.version(document, file: file), skills: skills, mcps: mcps,
            tags: try SkillManifest.tags(document, file: file), prompt: prompt, frontmatter: document.fields, warnings: warnings
        )
    }

    private static func references(_ document: Frontmatter, _ key: String, file: String) throws(ManifestError) -> [String] {
        var result: [String] = []
        for name in try document.stringList(key, file: file) ?? [] {
            if let problem = AssetName.problem(name) { throw ManifestError(file: file, field: key, problem) }
            if !result.contains(name) { result.append(name) }
        }
        return result
    }

    /// Writes an AGENT.md for an agent published as JSON (the AgentHub client's `agent publish`).
    public static func render(name: String, description: String, skills: [String], mcps: [String], tags: [String], prompt: String) -> String {
        func list(_ items: [String]) -> String { "[" + items.map(yamlQuoted).joined(separator: ", ") + "]" }
        var lines = ["---", "name: \(name)", "description: \(yamlQuoted(description))"]
        if !skills.isEmpty { lines.append("skills: \(list(skills))") }
        if !mcps.isEmpty { lines.append("mcps: \(list(mcps))") }
        if !tags.isEmpty { lines.append("tags: \(list(tags))") }
        lines += ["---", "", prompt, ""]
        return lines.joined(separator: "\n")
    }

    /// A YAML double-quoted scalar.
    public static func yamlQuoted(_ text: String) -> String { DoubleQuoted.string(text) }
}

import Foundation
