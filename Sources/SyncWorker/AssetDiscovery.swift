import Foundation
import Shared

/// An asset found in a repository: its kind, where it is, and which tree entries make it up.
public struct DiscoveredAsset: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// Files to read from the repository, with their paths inside the package.
        case files([(packagePath: String, entry: GitTreeEntry)])
        /// A package made here (an MCP server taken out of a `.mcp.json`).
        case generated([PackageFile])

        public static func == (lhs: Content, rhs: Content) -> Bool {
            switch (lhs, rhs) {
            case (.files(let a), .files(let b)): a.map(\.packagePath) == b.map(\.packagePath) && a.map(\.entry) == b.map(\.entry)
            case (.generated(let a), .generated(let b)): a == b
            default: false
            }
        }
    }

    public let kind: AssetKind
    /// The folder (skills, AGENT.md agents) or file (subagents, MCP configs) in the repository.
    public let location: String
    public let content: Content
    /// Things skipped on the way (symlinks, submodules), reported as diagnostics.
    public let notes: [String]
}

/// Finds skills, agents and tools in a commit's tree, without reading anything outside it.
///
/// - Skills: every folder with a `SKILL.md` (including `skills/`, `.claude/skills`, `.agents/skills`,
///   `.kiro/skills`), with the files below it except nested skills.
/// - Agents: folders with an `AGENT.md`; Markdown files directly in `.claude/agents/` or `agents/`.
/// - Tools: each server of an `.mcp.json` / `mcp.json` (`mcpServers`), and `server.json` files of
///   the MCP registry format (read by the sync service, which has their bytes).
///
/// `.git` and `node_modules` are skipped; depth is bounded; symlinks and submodules are never
/// followed (a note says so); everything is relative to the repository root or `subPath`.
public struct AssetDiscovery: Sendable {
    public static let skippedFolders: Set<String> = [".git", "node_modules"]
    public var maxDepth = 12
    public var subPath: String?

    public init(subPath: String? = nil) {
        self.subPath = subPath.flatMap { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")).isEmpty ? nil : $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
    }

    /// Entries under `subPath`, inside the depth bound, outside skipped folders.
    func visible(_ entries: [GitTreeEntry]) -> [GitTreeEntry] {
        entries.filter { entry in
            let parts = entry.path.split(separator: "/")
            if parts.count > maxDepth { return false }
            if parts.dropLast().contains(where: { Self.skippedFolders.contains(String($0)) }) { return false }
            if let subPath { return entry.path.hasPrefix(subPath + "/") }
            return true
        }
    }

    public func discover(_ allEntries: [GitTreeEntry]) -> (assets: [DiscoveredAsset], configFiles: [GitTreeEntry]) {
        let entries = visible(allEntries)
        var assets: [DiscoveredAsset] = []

        // Skills: folders holding a SKILL.md.
        let skillFolders = Set(entries.filter { Self.name($0.path) == SkillManifest.fileName }.map { Self.folder($0.path) })
        // Each entry belongs to the deepest folder above it that holds a SKILL.md: a skill inside
        // another skill's folder is its own asset. (One walk up per entry; comparing every entry
        // with every skill folder took 30 ms for 500 skills.)
        var files: [String: [(String, GitTreeEntry)]] = [:]
        var notes: [String: [String]] = [:]
        func owningSkill(_ path: String) -> String? {
            var folder = Self.folder(path)
            while !skillFolders.contains(folder) {
                if folder.isEmpty { return nil }
                folder = Self.folder(folder)
            }
            return folder
        }
        for entry in entries {
            guard let folder = owningSkill(entry.path) else { continue }
            switch entry.kind {
            case .file, .executable: files[folder, default: []].append((String(entry.path.dropFirst(folder.isEmpty ? 0 : folder.count + 1)), entry))
            case .symlink: notes[folder, default: []].append("\(entry.path): a symbolic link, not followed and not included")
            case .submodule: notes[folder, default: []].append("\(entry.path): a submodule, not included")
            }
        }
        for folder in skillFolders.sorted() {
            assets.append(DiscoveredAsset(kind: .skill, location: folder, content: .files(files[folder] ?? []), notes: notes[folder] ?? []))
        }

        // Agents: AGENT.md folders, and subagent files.
        for entry in entries where entry.kind == .file || entry.kind == .executable {
            let folder = Self.folder(entry.path)
            let name = Self.name(entry.path)
            if name == AgentManifest.fileName {
                assets.append(DiscoveredAsset(kind: .agent, location: folder, content: .files([(AgentManifest.fileName, entry)]), notes: []))
            } else if name.hasSuffix(".md"), name != "README.md", folder == ".claude/agents" || folder == "agents" || folder.hasSuffix("/.claude/agents") {
                assets.append(DiscoveredAsset(kind: .agent, location: entry.path, content: .files([(name, entry)]), notes: []))
            }
        }

        let configFiles = entries.filter { entry in
            let name = Self.name(entry.path)
            return (entry.kind == .file) && (name == ".mcp.json" || name == "mcp.json" || name == "server.json")
        }
        return (assets, configFiles)
    }

    /// The tools described by an MCP configuration file's bytes (`mcpServers` or `server.json`).
    public static func tools(in bytes: [UInt8], path: String) -> (tools: [DiscoveredAsset], problems: [String]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            return ([], ["\(path): not a JSON object"])
        }
        var tools: [DiscoveredAsset] = []
        var problems: [String] = []
        if let servers = object["mcpServers"] as? [String: Any] {
            for (key, value) in servers.sorted(by: { $0.key < $1.key }) {
                guard var server = value as? [String: Any] else {
                    problems.append("\(path): server '\(key)' is not an object")
                    continue
                }
                server["name"] = key
                if server["description"] == nil { server["description"] = "MCP server \(key)" }
                if let type = server["type"] as? String, server["transport"] == nil {
                    server["transport"] = type == "sse" ? "sse" : (type == "http" || type == "streamable-http" ? "streamable-http" : type)
                }
                server["type"] = nil
                if let approve = server["autoApprove"], server["auto_approve"] == nil { server["auto_approve"] = approve }
                server["autoApprove"] = nil
                guard let data = try? JSONSerialization.data(withJSONObject: server, options: [.sortedKeys]) else { continue }
                tools.append(DiscoveredAsset(kind: .tool, location: "\(path)#\(key)", content: .generated([PackageFile(path: MCPServerConfig.fileName, contents: Array(data))]), notes: []))
            }
        } else if let name = object["name"] as? String, path.hasSuffix("server.json") {
            // The MCP registry's server.json: a remote, or a package to run.
            let short = String(name.split(separator: "/").last ?? Substring(name)).lowercased()
                .map { $0.isLetter || $0.isNumber ? $0 : "-" }.reduce(into: "") { $0.append($1) }
                .split(separator: "-").joined(separator: "-")
            var server: [String: Any] = ["name": short, "description": object["description"] as? String ?? "MCP server \(name)"]
            if let version = object["version"] as? String { server["version"] = version }
            if let remote = (object["remotes"] as? [[String: Any]])?.first, let url = remote["url"] as? String {
                server["url"] = url
                server["transport"] = (remote["type"] as? String) == "sse" ? "sse" : "streamable-http"
            } else if let package = (object["packages"] as? [[String: Any]])?.first, let identifier = package["identifier"] as? String {
                switch (package["registry_type"] ?? package["registryType"]) as? String {
                case "pypi": server["command"] = "uvx"; server["args"] = [identifier]
                case "oci": server["command"] = "docker"; server["args"] = ["run", "-i", "--rm", identifier]
                default: server["command"] = "npx"; server["args"] = ["-y", identifier]
                }
                server["transport"] = "stdio"
                var env: [String: String] = [:]
                for variable in package["environment_variables"] as? [[String: Any]] ?? package["environmentVariables"] as? [[String: Any]] ?? [] {
                    if let variableName = variable["name"] as? String { env[variableName] = "" }
                }
                if !env.isEmpty { server["env"] = env }
            } else {
                problems.append("\(path): server.json has neither remotes nor packages")
            }
            if problems.isEmpty, let data = try? JSONSerialization.data(withJSONObject: server, options: [.sortedKeys]) {
                tools.append(DiscoveredAsset(kind: .tool, location: path, content: .generated([PackageFile(path: MCPServerConfig.fileName, contents: Array(data))]), notes: []))
            }
        }
        return (tools, problems)
    }

    static func folder(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func name(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
