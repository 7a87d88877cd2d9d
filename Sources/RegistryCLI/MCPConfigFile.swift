import Foundation
import Shared
import TOMLKit

/// An agent's MCP configuration file, edited one server at a time: every other server and every
/// other setting stays as it was. JSON files (`mcpServers`) are Claude Code, Kiro, Cursor and the
/// generic layout; Codex keeps `[mcp_servers.NAME]` tables in `config.toml`, edited as text so its
/// comments and order survive.
///
/// Secret values never reach the file from the registry: entries carry `${VARIABLE}` references
/// (Codex: `env_vars` and `env_http_headers`), and the user sets the variables.
struct MCPConfigFile {
    let url: URL
    let target: AgentTarget

    init(root: URL, target: AgentTarget, global: Bool) {
        url = root.appendingPathComponent(target.mcpConfigFile(global: global))
        self.target = target
    }

    /// What identifies an installed server regardless of the values the user filled in: command,
    /// arguments, URL, transport and the names (not values) of its variables and headers.
    static func fingerprint(_ config: MCPServerConfig) -> String {
        fingerprint(command: config.command, args: config.transport == .stdio ? config.args : [], url: config.url, env: config.env.keys.sorted(), headers: config.headers.keys.sorted())
    }

    private static func fingerprint(command: String?, args: [String], url: String?, env: [String], headers: [String]) -> String {
        let value = JSONValue.object([
            "command": command.map(JSONValue.string) ?? .null, "args": .array(args.map(JSONValue.string)), "url": url.map(JSONValue.string) ?? .null,
            "env": .array(env.sorted().map(JSONValue.string)), "headers": .array(headers.sorted().map(JSONValue.string)),
        ])
        return "sha256:" + SHA256Hex.hex(value.jsonText)
    }

    /// The fingerprint of server `name` as the file has it now; nil when the file has no such server.
    func installedFingerprint(_ name: String) throws -> String? {
        if target == .codex {
            guard let text = try readText(), let server = try parseTOML(text)["mcp_servers"]?.table?[name]?.table else { return nil }
            let args = server["args"]?.array.map { $0.compactMap { $0.string } } ?? []
            let env = server["env_vars"]?.array.map { $0.compactMap { $0.string } } ?? []
            let headers = server["env_http_headers"]?.table?.keys ?? []
            return Self.fingerprint(command: server["command"]?.string, args: server["url"] == nil ? args : [], url: server["url"]?.string, env: env, headers: headers)
        }
        guard case .object(let server)? = try servers()[name] else { return nil }
        func strings(_ value: JSONValue?) -> [String] {
            guard case .array(let items)? = value else { return [] }
            return items.compactMap(\.stringValue)
        }
        func keys(_ value: JSONValue?) -> [String] {
            guard case .object(let fields)? = value else { return [] }
            return Array(fields.keys)
        }
        let url = server["url"]?.stringValue ?? server["serverUrl"]?.stringValue
        return Self.fingerprint(command: server["command"]?.stringValue, args: url == nil ? strings(server["args"]) : [], url: url, env: keys(server["env"]), headers: keys(server["headers"]))
    }

    /// Adds or replaces server `name`.
    func write(_ name: String, _ config: MCPServerConfig) throws {
        if target == .codex {
            let block = codexBlock(name, config)
            let text = try readText() ?? ""
            try writeText(replacingCodexBlock(name, in: text, with: block))
            return
        }
        var document = try document()
        var servers = try servers(in: document)
        servers[name] = .object(jsonEntry(config))
        document["mcpServers"] = .object(servers)
        try writeJSON(document)
    }

    /// Removes server `name`; a file without it is left alone.
    func remove(_ name: String) throws {
        if target == .codex {
            guard let text = try readText() else { return }
            try writeText(replacingCodexBlock(name, in: text, with: nil))
            return
        }
        var document = try document()
        var servers = try servers(in: document)
        guard servers.removeValue(forKey: name) != nil else { return }
        document["mcpServers"] = .object(servers)
        try writeJSON(document)
    }

    // MARK: - JSON files

    func jsonEntry(_ config: MCPServerConfig) -> [String: JSONValue] {
        var entry = config.publicServerEntry
        if !config.env.isEmpty {
            entry["env"] = .object(Dictionary(uniqueKeysWithValues: config.env.keys.map { ($0, .string(target.variableReference($0))) }))
        }
        if !config.headers.isEmpty {
            entry["headers"] = .object(Dictionary(uniqueKeysWithValues: config.headers.keys.map { ($0, .string(target.variableReference(config.variableName(forHeader: $0)))) }))
        }
        return entry
    }

    private func document() throws -> [String: JSONValue] {
        guard let text = try readText(), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [:] }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), case .object(let document) = value else {
            throw CLIError("\(url.path) is not a JSON object; fix it (or move it away) and run the command again — nothing was changed")
        }
        return document
    }

    private func servers() throws -> [String: JSONValue] { try servers(in: document()) }

    private func servers(in document: [String: JSONValue]) throws -> [String: JSONValue] {
        switch document["mcpServers"] {
        case nil, .null?: return [:]
        case .object(let servers)?: return servers
        default: throw CLIError("\(url.path): mcpServers is not an object; fix it and run the command again — nothing was changed")
        }
    }

    private func writeJSON(_ document: [String: JSONValue]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try writeText(String(decoding: try encoder.encode(JSONValue.object(document)), as: UTF8.self) + "\n")
    }

    // MARK: - Codex TOML

    func codexBlock(_ name: String, _ config: MCPServerConfig) -> String {
        let quoted = DoubleQuoted.string
        var lines = ["[mcp_servers.\(name)]"]
        if let command = config.command, config.transport == .stdio {
            lines.append("command = \(quoted(command))")
            lines.append("args = [\(config.args.map(quoted).joined(separator: ", "))]")
        }
        if let url = config.url, config.transport != .stdio { lines.append("url = \(quoted(url))") }
        if !config.env.isEmpty { lines.append("env_vars = [\(config.env.keys.sorted().map(quoted).joined(separator: ", "))]") }
        if !config.headers.isEmpty {
            let pairs = config.headers.keys.sorted().map { "\(quoted($0)) = \(quoted(config.variableName(forHeader: $0)))" }
            lines.append("env_http_headers = { \(pairs.joined(separator: ", ")) }")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` with the `[mcp_servers.NAME]` table (and its sub-tables) replaced by `block`, or
    /// removed when `block` is nil; appended when the file has none. The result must still be TOML.
    func replacingCodexBlock(_ name: String, in text: String, with block: String?) throws -> String {
        if !text.isEmpty { _ = try parseTOML(text) }
        let headers = ["[mcp_servers.\(name)]", "[mcp_servers.\"\(name)\"]"]
        let prefixes = ["[mcp_servers.\(name).", "[mcp_servers.\"\(name)\"."]
        var kept: [Substring] = []
        var inside = false
        var insertAt: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") {
                let header = trimmed.split(separator: "#", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces)
                let ours = headers.contains(header) || prefixes.contains { header.hasPrefix($0) }
                if ours && insertAt == nil { insertAt = kept.count }
                inside = ours
            }
            if !inside { kept.append(line) }
        }
        var lines = kept.map(String.init)
        if let block {
            let blockLines = block.split(separator: "\n").map(String.init) + [""]
            if let insertAt {
                lines.insert(contentsOf: blockLines, at: insertAt)
            } else {
                while lines.last == "" { lines.removeLast() }
                if !lines.isEmpty { lines.append("") }
                lines += blockLines
            }
        }
        while lines.count > 1 && lines.last == "" && lines[lines.count - 2] == "" { lines.removeLast() }
        var result = lines.joined(separator: "\n")
        if !result.isEmpty && !result.hasSuffix("\n") { result += "\n" }
        guard (try? parseTOML(result)) != nil else {
            throw CLIError("\(url.path) defines mcp_servers.\(name) in a way agenthub cannot edit safely; edit it by hand — nothing was changed")
        }
        return result
    }

    private func parseTOML(_ text: String) throws -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch {
            throw CLIError("\(url.path) is not valid TOML (\(error)); fix it and run the command again — nothing was changed")
        }
    }

    // MARK: - Files

    private func readText() throws -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(url.path) is not UTF-8 text; nothing was changed") }
        return text
    }

    /// Written next to the file and renamed over it, keeping the file's permissions (new files: 0600,
    /// since users put secrets into them).
    private func writeText(_ text: String) throws {
        // A config file that is a link (dotfiles) is written where it points, keeping the link.
        let url = self.url.resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let kept = (try? FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue
        try FileReplacement.write(Data(text.utf8), to: url, permissions: mode_t(kept ?? 0o600))
    }
}
