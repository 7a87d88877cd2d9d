import Foundation
import Shared

/// `agenthub.lock` in the project (or `~/.skills-registry/global.lock`): what is installed, at
/// which version and digest, for which agent, where, and how.
struct LockFile: Codable, Equatable {
    struct Entry: Codable, Equatable {
        var name: String
        var kind: String
        var version: String
        var digest: String
        var agent: String
        /// Relative to the project (or home) folder.
        var path: String
        /// "link", "copy" or (tools) "config".
        var mode: String
        /// What the user asked for (`^1.2`), so that `update` stays inside it; nil: the latest.
        var requested: String?
        /// Agents: the SHA-256 of the placed file; tools: the fingerprint of the config entry.
        var placedSHA256: String?

        enum CodingKeys: String, CodingKey {
            case name, kind, version, digest, agent, path, mode, requested
            case placedSHA256 = "placed_sha256"
        }

        var assetKind: AssetKind { AssetKind(rawValue: kind) ?? .skill }
        var target: AgentTarget { AgentTarget(rawValue: agent) ?? .generic }

        func matches(kind: AssetKind, name: String, agent: AgentTarget) -> Bool {
            self.kind == kind.rawValue && self.name == name && self.agent == agent.rawValue
        }
    }

    var version = 1
    var entries: [Entry] = []

    /// Reads the lock file (none: an empty one). Every entry is checked, because a lock file
    /// comes with a repository: a name, version or path that is not what agenthub writes is refused
    /// before anything is placed or removed.
    static func load(_ file: URL, global: Bool) throws -> LockFile {
        guard let data = FileManager.default.contents(atPath: file.path) else { return LockFile() }
        let lock: LockFile
        do {
            lock = try JSONDecoder().decode(LockFile.self, from: data)
        } catch {
            throw CLIError("\(file.path) is not a valid lock file (\(error)); restore it from version control")
        }
        for (index, entry) in lock.entries.enumerated() {
            let problem: String? = if let problem = AssetName.problem(entry.name) { problem }
                else if AssetKind(rawValue: entry.kind) == nil { "kind '\(entry.kind)' is not skill, agent or tool" }
                else if AgentTarget(rawValue: entry.agent) == nil { "agent '\(entry.agent)' is not one of \(AgentTarget.names)" }
                else if SemanticVersion(entry.version)?.description != entry.version { "'\(entry.version)' is not a version" }
                else if entry.requested.map({ VersionRange($0) == nil }) == true { "'\(entry.requested ?? "")' is not a version range" }
                else if !entry.digest.hasPrefix("sha256:") { "the digest is not sha256:…" }
                else if !["link", "copy", "config"].contains(entry.mode) { "mode '\(entry.mode)' is not link, copy or config" }
                else if entry.path != Placement.path(entry.assetKind, entry.name, target: entry.target, global: global) {
                    "path '\(entry.path)' is not where agenthub installs \(entry.name) for \(entry.agent)"
                } else { nil }
            if let problem {
                throw CLIError("\(file.path), entry \(index + 1) (\(entry.name)): \(problem); restore the file from version control")
            }
        }
        return lock
    }

    func save(_ file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var sorted = self
        sorted.entries.sort { ($0.kind, $0.name, $0.agent) < ($1.kind, $1.name, $1.agent) }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileReplacement.write(try encoder.encode(sorted) + Data("\n".utf8), to: file)
    }

    func entry(kind: AssetKind, name: String, agent: AgentTarget) -> Entry? {
        entries.first { $0.matches(kind: kind, name: name, agent: agent) }
    }

    mutating func put(_ entry: Entry) {
        entries.removeAll { $0.kind == entry.kind && $0.name == entry.name && $0.agent == entry.agent }
        entries.append(entry)
    }
}
