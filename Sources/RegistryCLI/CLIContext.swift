import Foundation
import Shared

/// What every command works with: the home folder, the configuration, the registry client and
/// the output. Tests run commands with another HOME and environment.
struct CLIContext {
    let home: URL
    let environment: [String: String]
    var config: CLIConfig
    let json: Bool
    /// Colours and tables only on a terminal.
    let isTerminal: Bool

    var stateFolder: URL { home.appendingPathComponent(".skills-registry", isDirectory: true) }
    var configFile: URL { stateFolder.appendingPathComponent("config.toml", isDirectory: false) }
    var cacheFolder: URL { stateFolder.appendingPathComponent("cache", isDirectory: true) }

    var registryURL: String { environment["SKILLS_REGISTRY_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? config.registry.url }
    var apiKey: String { environment["SKILLS_REGISTRY_API_KEY"] ?? config.registry.apiKey }

    static func make(json: Bool) throws -> CLIContext {
        let environment = ProcessInfo.processInfo.environment
        // Paths built with what they are (folder or file): without it Foundation asks the file
        // system about each one, which every command paid for several times.
        let home = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory(), isDirectory: true)
        let file = home.appendingPathComponent(".skills-registry/config.toml", isDirectory: false)
        return CLIContext(home: home, environment: environment, config: try CLIConfig.load(from: file), json: json, isTerminal: isatty(STDOUT_FILENO) == 1)
    }

    var client: RegistryClient { RegistryClient(baseURL: registryURL, apiKey: apiKey) }

    /// A bar for a download, when standard error is a terminal and the output is not JSON.
    func progressBar(label: String) -> ProgressBar? {
        !json && isatty(STDERR_FILENO) == 1 ? ProgressBar(label: label) : nil
    }

    func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints `value` as JSON (snake_case keys, ISO dates).
    func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    func bold(_ text: String) -> String { isTerminal ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { isTerminal ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    func yellow(_ text: String) -> String { isTerminal ? "\u{1B}[33m\(text)\u{1B}[0m" : text }

    /// Characters on screen: colour codes take none.
    static func visibleWidth(_ text: String) -> Int {
        var width = 0, escaping = false
        for character in text {
            if escaping { escaping = !character.isLetter } else if character == "\u{1B}" { escaping = true } else { width += 1 }
        }
        return width
    }

    /// Columns padded to their widest cell.
    func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { Self.visibleWidth($0[column]) }.max() ?? 0 }
        return all.enumerated().map { index, row in
            let line = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[column] - Self.visibleWidth(cell)))
            }.joined(separator: "  ")
            return index == 0 ? bold(line) : line
        }.joined(separator: "\n")
    }
}
