import Foundation

/// An MCP server configuration: a local (stdio) server started with `command`/`args`/`env`, or a
/// remote one at `url` (`streamable-http` or `sse`) with `headers`.
///
/// The values of `env` and `headers` may be secrets: they are stored, but public answers show only
/// their names (`publicConfig`, `variablesNeeded`).
public struct MCPServerConfig: Sendable, Equatable, Codable {
    public static let fileName = "mcp.json"

    public enum Transport: String, Sendable, Codable, CaseIterable {
        case stdio
        case streamableHTTP = "streamable-http"
        case sse
    }

    public var name: String
    public var description: String
    public var version: String?
    public var tags: [String]
    public var transport: Transport
    public var command: String?
    public var args: [String]
    public var env: [String: String]
    public var url: String?
    public var headers: [String: String]
    public var autoApprove: [String]

    public init(name: String, description: String, version: String? = nil, tags: [String] = [], transport: Transport, command: String? = nil, args: [String] = [], env: [String: String] = [:], url: String? = nil, headers: [String: String] = [:], autoApprove: [String] = []) {
        self.name = name
        self.description = description
        self.version = version
        self.tags = tags
        self.transport = transport
        self.command = command
        self.args = args
        self.env = env
        self.url = url
        self.headers = headers
        self.autoApprove = autoApprove
    }

    enum CodingKeys: String, CodingKey {
        case name, description, version, tags, transport, command, args, env, url, headers
        case autoApprove = "auto_approve"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        version = try container.decodeIfPresent(String.self, forKey: .version)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        command = try container.decodeIfPresent(String.self, forKey: .command)
        args = try container.decodeIfPresent([String].self, forKey: .args) ?? []
        env = try Self.stringMap(container, .env)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        headers = try Self.stringMap(container, .headers)
        autoApprove = try container.decodeIfPresent([String].self, forKey: .autoApprove) ?? []
        if let text = try container.decodeIfPresent(String.self, forKey: .transport) {
            guard let transport = Transport(rawValue: text) else {
                throw DecodingError.dataCorruptedError(forKey: .transport, in: container, debugDescription: "must be stdio, streamable-http or sse")
            }
            self.transport = transport
        } else {
            transport = url == nil ? .stdio : .streamableHTTP
        }
    }

    /// Values of env and headers as text: numbers and booleans (which YAML/JSON tools produce) are turned into text.
    private static func stringMap(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [String: String] {
        guard let raw = try container.decodeIfPresent([String: JSONValue].self, forKey: key) else { return [:] }
        var result: [String: String] = [:]
        for (name, value) in raw {
            switch value {
            case .string(let text): result[name] = text
            case .number(let number): result[name] = JSONValue.text(ofNumber: number)
            case .bool(let flag): result[name] = String(flag)
            case .null: result[name] = ""
            default: throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "value of '\(name)' must be text")
            }
        }
        return result
    }

    /// Checks the fields; the error names the field and the fix.
    public func validate(file: String = fileName) throws(ManifestError) {
        if let problem = AssetName.problem(name) { throw ManifestError(file: file, field: "name", problem) }
        if description.count > 4096 { throw ManifestError(file: file, field: "description", "must be at most 4096 characters") }
        if let version, SemanticVersion(version) == nil {
            throw ManifestError(file: file, field: "version", "'\(version)' is not a semantic version; write it like 1.2.3")
        }
        switch transport {
        case .stdio:
            guard let command, !command.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ManifestError(file: file, field: "command", "is required for a stdio server: the program to start, e.g. \"npx\"")
            }
            if url != nil { throw ManifestError(file: file, field: "url", "a stdio server has no url; use transport streamable-http or sse for a remote server") }
        case .streamableHTTP, .sse:
            guard let url, let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil else {
                throw ManifestError(file: file, field: "url", "a remote server needs an http:// or https:// url")
            }
            if command != nil, command?.isEmpty == false {
                throw ManifestError(file: file, field: "command", "a remote server has no command; use transport stdio for a local server")
            }
        }
        for key in env.keys where !Self.isVariableName(key) {
            throw ManifestError(file: file, field: "env", "'\(key)' is not a valid environment variable name (letters, digits and _, not starting with a digit)")
        }
        for key in headers.keys where key.isEmpty || key.contains(where: { $0 == ":" || $0.isWhitespace || $0.isNewline }) {
            throw ManifestError(file: file, field: "headers", "'\(key)' is not a valid header name")
        }
        if tags.count > AssetTag.maximumCount { throw ManifestError(file: file, field: "tags", "at most \(AssetTag.maximumCount) tags are allowed") }
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    /// The environment variable that stands for a header's value, e.g. `Authorization` -> `MYSERVER_AUTHORIZATION`.
    public func variableName(forHeader header: String) -> String {
        let cleaned = (name + "_" + header).uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return String(cleaned)
    }

    /// The variables a user must set: the env keys and one per header.
    public var variablesNeeded: [String] {
        env.keys.sorted() + headers.keys.sorted().map(variableName(forHeader:))
    }

    /// The server entry for an agent's MCP config, with every secret value replaced by a
    /// `${VARIABLE}` reference: safe to show anyone.
    public var publicServerEntry: [String: JSONValue] {
        var entry: [String: JSONValue] = [:]
        if let command { entry["command"] = .string(command) }
        if transport == .stdio { entry["args"] = .array(args.map(JSONValue.string)) }
        if !env.isEmpty { entry["env"] = .object(Dictionary(uniqueKeysWithValues: env.keys.map { ($0, JSONValue.string("${\($0)}")) })) }
        if let url { entry["url"] = .string(url) }
        if transport != .stdio { entry["type"] = .string(transport == .sse ? "sse" : "http") }
        if !headers.isEmpty { entry["headers"] = .object(Dictionary(uniqueKeysWithValues: headers.keys.map { ($0, JSONValue.string("${\(variableName(forHeader: $0))}")) })) }
        if !autoApprove.isEmpty { entry["autoApprove"] = .array(autoApprove.map(JSONValue.string)) }
        return entry
    }

    /// The stored form (`mcp.json` in the package): canonical JSON, secrets included.
    public func canonicalJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads `mcp.json`, `server.json`-style or AgentHub publish JSON.
    public static func parse(_ bytes: [UInt8], file: String = fileName) throws(ManifestError) -> MCPServerConfig {
        let config: MCPServerConfig
        do {
            config = try JSONDecoder().decode(MCPServerConfig.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw ManifestError(file: file, field: Self.field(of: error), Self.message(of: error))
        } catch {
            throw ManifestError(file: file, "is not valid JSON")
        }
        try config.validate(file: file)
        return config
    }

    private static func field(of error: DecodingError) -> String? {
        switch error {
        case .keyNotFound(let key, _): key.stringValue
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context.codingPath.first?.stringValue
        @unknown default: nil
        }
    }

    private static func message(of error: DecodingError) -> String {
        switch error {
        case .keyNotFound: "is required"
        case .typeMismatch(let type, _): "has the wrong type (expected \(type == String.self ? "text" : "\(type)"))"
        case .valueNotFound: "must not be null"
        case .dataCorrupted(let context): context.codingPath.isEmpty ? "is not valid JSON" : context.debugDescription
        @unknown default: "is invalid"
        }
    }
}
