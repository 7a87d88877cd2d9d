import Foundation
@testable import RegistryCLI
import Shared
import Testing
import TestSupport

/// Merging MCP servers into agents' config files: other content untouched, secrets as variables.
@Suite("MCP config files")
struct MCPConfigFileTests {
    static let remote = try! MCPServerConfig.parse(Array(#"{"name": "search-api", "description": "Search", "transport": "streamable-http", "url": "https://search.example.com/mcp", "headers": {"Authorization": "${SEARCH_API_AUTHORIZATION}"}}"#.utf8))
    static let local = try! MCPServerConfig.parse(Array(#"{"name": "files", "description": "Files", "command": "npx", "args": ["-y", "files \"quoted\""], "env": {"ROOT": "${ROOT}"}}"#.utf8))

    @Test("Codex: the server's table is replaced in place; comments, order and other tables stay")
    func codexInPlace() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = MCPConfigFile(root: folder.url, target: .codex, global: false)
        let original = "# top comment\nmodel = \"o3\"\n\n[mcp_servers.files]\ncommand = \"old\"\n\n[mcp_servers.files.env]\nA = \"1\"\n\n[profiles.fast] # keep me\nmodel = \"mini\"\n"
        try FileManager.default.createDirectory(at: file.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try original.write(to: file.url, atomically: true, encoding: .utf8)
        try file.write("files", Self.local)
        let text = try String(contentsOf: file.url, encoding: .utf8)
        #expect(text.hasPrefix("# top comment\nmodel = \"o3\"\n\n[mcp_servers.files]\ncommand = \"npx\"\nargs = [\"-y\", \"files \\\"quoted\\\"\"]\nenv_vars = [\"ROOT\"]\n"))
        #expect(!text.contains("command = \"old\"") && !text.contains("A = \"1\""), "the old table and its sub-table are gone")
        #expect(text.hasSuffix("[profiles.fast] # keep me\nmodel = \"mini\"\n"))
        #expect(try file.installedFingerprint("files") == MCPConfigFile.fingerprint(Self.local))

        try file.write("search-api", Self.remote)
        #expect(try String(contentsOf: file.url, encoding: .utf8).contains("[mcp_servers.search-api]\nurl = \"https://search.example.com/mcp\"\nenv_http_headers = { \"Authorization\" = \"SEARCH_API_AUTHORIZATION\" }\n"))
        #expect(try file.installedFingerprint("search-api") == MCPConfigFile.fingerprint(Self.remote))
        try file.remove("files")
        try file.remove("search-api")
        #expect(try String(contentsOf: file.url, encoding: .utf8) == "# top comment\nmodel = \"o3\"\n\n[profiles.fast] # keep me\nmodel = \"mini\"\n")
    }

    @Test("a new config file is 0600, an existing one keeps its mode, and a linked one (dotfiles) is written where the link points", arguments: [AgentTarget.claude, .codex])
    func modesAndLinks(target: AgentTarget) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = MCPConfigFile(root: folder.url, target: target, global: false)
        func mode(_ url: URL) throws -> Int? { (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue }

        try file.write("files", Self.local)
        #expect(try mode(file.url) == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.url.path)
        try file.write("search-api", Self.remote)
        #expect(try mode(file.url) == 0o640)

        // The file moved into a dotfiles folder, linked from where the agent reads it.
        let dotfiles = folder.url.appendingPathComponent("dotfiles", isDirectory: true)
        try FileManager.default.createDirectory(at: dotfiles, withIntermediateDirectories: true)
        let real = dotfiles.appendingPathComponent(file.url.lastPathComponent)
        try FileManager.default.moveItem(at: file.url, to: real)
        try FileManager.default.createSymbolicLink(at: file.url, withDestinationURL: real)
        try file.remove("files")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: file.url.path) == real.path, "still a link")
        #expect(try file.installedFingerprint("files") == nil)
        #expect(try file.installedFingerprint("search-api") == MCPConfigFile.fingerprint(Self.remote))
        #expect(try mode(real) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dotfiles.path) == [real.lastPathComponent], "no temporary file left")
    }

    @Test("a file that is not valid JSON or TOML is refused and left as it was", arguments: [AgentTarget.claude, .codex])
    func invalidFiles(target: AgentTarget) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = MCPConfigFile(root: folder.url, target: target, global: false)
        try FileManager.default.createDirectory(at: file.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let broken = target == .codex ? "[mcp_servers\nbroken" : "{\"mcpServers\": {,}"
        try broken.write(to: file.url, atomically: true, encoding: .utf8)
        #expect(throws: CLIError.self) { try file.write("files", Self.local) }
        #expect(try String(contentsOf: file.url, encoding: .utf8) == broken)
    }

    @Test("JSON: remote servers carry headers as variables; Cursor writes ${env:…}; the global Claude file is ~/.claude.json")
    func jsonEntries() throws {
        let cursor = MCPConfigFile(root: URL(fileURLWithPath: "/project"), target: .cursor, global: false).jsonEntry(Self.remote)
        #expect(cursor["headers"] == .object(["Authorization": .string("${env:SEARCH_API_AUTHORIZATION}")]))
        #expect(cursor["url"] == .string("https://search.example.com/mcp") && cursor["type"] == .string("http"))
        let claude = MCPConfigFile(root: URL(fileURLWithPath: "/home/me"), target: .claude, global: true)
        #expect(claude.url.path == "/home/me/.claude.json")
        #expect(claude.jsonEntry(Self.local)["env"] == .object(["ROOT": .string("${ROOT}")]))
    }
}
