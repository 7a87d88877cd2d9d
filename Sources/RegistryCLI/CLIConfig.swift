import Foundation
import TOMLKit

/// `~/.skills-registry/config.toml`: `[registry] url, api_key` and `[client] agent`, mode 0600.
/// `SKILLS_REGISTRY_URL` and `SKILLS_REGISTRY_API_KEY` override the file.
struct CLIConfig: Codable, Equatable {
    struct Registry: Codable, Equatable {
        var url: String = "http://localhost:8000"
        var apiKey: String = ""

        enum CodingKeys: String, CodingKey {
            case url
            case apiKey = "api_key"
        }
    }

    struct Client: Codable, Equatable {
        var agent: String = "claude"
    }

    var registry = Registry()
    var client = Client()

    static let keys = ["registry.url", "registry.api_key", "client.agent"]

    static func load(from file: URL) throws -> CLIConfig {
        guard FileManager.default.fileExists(atPath: file.path) else { return CLIConfig() }
        let text = try String(contentsOf: file, encoding: .utf8)
        do {
            let table = try TOMLTable(string: text)
            var config = CLIConfig()
            if let registry = table["registry"]?.table {
                if let url = registry["url"]?.string { config.registry.url = url }
                if let key = registry["api_key"]?.string { config.registry.apiKey = key }
            }
            if let agent = table["client"]?.table?["agent"]?.string { config.client.agent = agent }
            return config
        } catch {
            throw CLIError("\(file.path) is not valid TOML (\(error)); fix it or delete it to start over")
        }
    }

    func save(to file: URL) throws {
        let table = TOMLTable()
        let registry = TOMLTable()
        registry["url"] = self.registry.url
        registry["api_key"] = self.registry.apiKey
        let client = TOMLTable()
        client["agent"] = self.client.agent
        table["registry"] = registry
        table["client"] = client
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // 0600 from its creation: the API key is never readable by others, not even briefly.
        try FileReplacement.write(Data((table.convert(to: .toml) + "\n").utf8), to: file, permissions: 0o600)
    }

    func value(_ key: String) throws -> String {
        switch key {
        case "registry.url": registry.url
        case "registry.api_key": registry.apiKey
        case "client.agent": client.agent
        default: throw CLIError("unknown key '\(key)'; use one of: \(Self.keys.joined(separator: ", "))")
        }
    }

    mutating func set(_ key: String, _ value: String) throws {
        switch key {
        case "registry.url":
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw CLIError("registry.url must be an http(s) URL, e.g. https://agenthub.example.com")
            }
            registry.url = value
        case "registry.api_key": registry.apiKey = value
        case "client.agent":
            guard AgentTarget(rawValue: value) != nil else { throw CLIError("client.agent must be one of: \(AgentTarget.allCases.map(\.rawValue).joined(separator: ", "))") }
            client.agent = value
        default: throw CLIError("unknown key '\(key)'; use one of: \(Self.keys.joined(separator: ", "))")
        }
    }
}

/// An error the user can act on: printed as `error: …`, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    /// The registry's HTTP status, when the registry refused.
    let status: Int?
    init(_ description: String, status: Int? = nil) {
        self.description = description
        self.status = status
    }
}
