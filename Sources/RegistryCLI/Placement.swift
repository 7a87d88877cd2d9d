import Foundation
import Shared

/// Puts cached packages where an agent reads them, takes them away again, and tells whether
/// what is there still is what was installed:
/// - a skill is a folder `<skills>/NAME` (a link to the cache, or a copy);
/// - an agent is a file `<agents>/NAME.md` (a link to its cached manifest, or a copy);
/// - a tool is an entry `NAME` in the agent's MCP config file, merged in.
struct Placement {
    let scope: Scope
    let target: AgentTarget

    /// Where `name` of `kind` goes, relative to the scope's root.
    func path(_ kind: AssetKind, _ name: String) -> String {
        Self.path(kind, name, target: target, global: scope.global)
    }

    static func path(_ kind: AssetKind, _ name: String, target: AgentTarget, global: Bool) -> String {
        switch kind {
        case .skill: "\(target.skillsFolder)/\(name)"
        case .agent: "\(target.agentsFolder)/\(name).md"
        case .tool: target.mcpConfigFile(global: global)
        }
    }

    /// Places `cached` and answers its lock entry. `owned`: the lock already has this install, so
    /// what is there may be replaced; anything else already there is never overwritten.
    func place(_ cached: CachedPackage, copy: Bool, owned: Bool, requested: String?) throws -> LockFile.Entry {
        let relative = path(cached.kind, cached.name)
        let destination = scope.url(relative)
        var placed: String?
        switch cached.kind {
        case .skill:
            try put(cached.folder, at: destination, copy: copy, owned: owned)
        case .agent:
            let manifest = try Self.agentManifestFile(cached)
            try put(cached.folder.appendingPathComponent(manifest.path), at: destination, copy: copy, owned: owned)
            placed = "sha256:" + manifest.sha256
        case .tool:
            let config = try Self.toolConfig(cached)
            let file = MCPConfigFile(root: scope.root, target: target, global: scope.global)
            if !owned, try file.installedFingerprint(cached.name) != nil {
                throw CLIError("\(file.url.path) already has an MCP server named \(cached.name) that agenthub did not install; remove it there first")
            }
            try file.write(cached.name, config)
            placed = MCPConfigFile.fingerprint(config)
        }
        return LockFile.Entry(
            name: cached.name, kind: cached.kind.rawValue, version: cached.version, digest: cached.digest, agent: target.rawValue,
            path: relative, mode: cached.kind == .tool ? "config" : copy ? "copy" : "link", requested: requested, placedSHA256: placed
        )
    }

    /// Takes an install away: the folder, the file, or the entry in the MCP config file.
    func remove(_ entry: LockFile.Entry) throws {
        if entry.kind == AssetKind.tool.rawValue {
            try MCPConfigFile(root: scope.root, target: target, global: scope.global).remove(entry.name)
            return
        }
        let url = scope.url(entry.path)
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil || FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.removeItem(at: url)
        }
    }

    /// "ok", "missing" or "modified".
    func state(of entry: LockFile.Entry) -> String {
        let url = scope.url(entry.path)
        switch AssetKind(rawValue: entry.kind) {
        case .skill?:
            let folder = url.resolvingSymlinksInPath()
            guard FileManager.default.fileExists(atPath: folder.path) else { return "missing" }
            guard let files = try? FileTree.read(folder), let package = try? AssetPackage(files: files, limits: Installer.readLimits) else { return "modified" }
            return package.digest == entry.digest ? "ok" : "modified"
        case .agent?:
            guard let data = FileManager.default.contents(atPath: url.resolvingSymlinksInPath().path) else { return "missing" }
            return "sha256:" + SHA256Hex.hex(data) == entry.placedSHA256 ? "ok" : "modified"
        case .tool?:
            guard let fingerprint = try? MCPConfigFile(root: scope.root, target: target, global: scope.global).installedFingerprint(entry.name) else {
                return FileManager.default.fileExists(atPath: url.path) ? "modified" : "missing"
            }
            return fingerprint == entry.placedSHA256 ? "ok" : "modified"
        case nil:
            return "modified"
        }
    }

    /// Links (or copies) `source` to `destination`; an existing file or folder that agenthub did
    /// not install is never overwritten.
    private func put(_ source: URL, at destination: URL, copy: Bool, owned: Bool) throws {
        let manager = FileManager.default
        if (try? manager.destinationOfSymbolicLink(atPath: destination.path)) != nil || manager.fileExists(atPath: destination.path) {
            guard owned else {
                throw CLIError("\(destination.path) already exists and was not installed by agenthub; move it away or remove it first")
            }
            try manager.removeItem(at: destination)
        }
        try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        if copy {
            try manager.copyItem(at: source, to: destination)
        } else {
            try manager.createSymbolicLink(at: destination, withDestinationURL: source)
        }
    }

    /// The agent's manifest: `AGENT.md`, or the one top-level Markdown file of a Claude subagent.
    static func agentManifestFile(_ cached: CachedPackage) throws -> PackageFile {
        let markdown = cached.package.files.filter { !$0.path.contains("/") && $0.path.hasSuffix(".md") && $0.path != "README.md" }
        guard let file = cached.package.file(AgentManifest.fileName) ?? (markdown.count == 1 ? markdown[0] : nil) else {
            throw CLIError("the package of agent \(cached.name) \(cached.version) has no AGENT.md; it cannot be installed")
        }
        return file
    }

    static func agentManifest(_ cached: CachedPackage) throws -> AgentManifest {
        let file = try agentManifestFile(cached)
        do {
            return try AgentManifest.parse(file.contents, file: file.path)
        } catch {
            throw CLIError("agent \(cached.name) \(cached.version): \(error)")
        }
    }

    static func toolConfig(_ cached: CachedPackage) throws -> MCPServerConfig {
        guard let file = cached.package.file(MCPServerConfig.fileName) else {
            throw CLIError("the package of tool \(cached.name) \(cached.version) has no mcp.json; it cannot be installed")
        }
        do {
            return try MCPServerConfig.parse(file.contents)
        } catch {
            throw CLIError("tool \(cached.name) \(cached.version): \(error)")
        }
    }
}
