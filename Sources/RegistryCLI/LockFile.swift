import Foundation

/// `agenthub.lock` in the project (or `~/.skills-registry/global.lock`): what is installed, at
/// which version and digest, for which agent, linked or copied.
struct LockFile: Codable, Equatable {
    struct Entry: Codable, Equatable {
        var name: String
        var kind: String
        var version: String
        var digest: String
        var agent: String
        var path: String
        var mode: String
    }

    var version = 1
    var entries: [Entry] = []

    static func load(_ file: URL) throws -> LockFile {
        guard let data = FileManager.default.contents(atPath: file.path) else { return LockFile() }
        do {
            return try JSONDecoder().decode(LockFile.self, from: data)
        } catch {
            throw CLIError("\(file.path) is not a valid lock file (\(error)); restore it from version control")
        }
    }

    func save(_ file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var sorted = self
        sorted.entries.sort { ($0.kind, $0.name, $0.agent) < ($1.kind, $1.name, $1.agent) }
        try (try encoder.encode(sorted) + Data("\n".utf8)).write(to: file, options: .atomic)
    }
}
