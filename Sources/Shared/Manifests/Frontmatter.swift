import Foundation
import Yams

/// A Markdown file with YAML frontmatter between `---` lines, as SKILL.md and AGENT.md are.
/// Accepts a UTF-8 byte-order mark and CRLF line ends.
public struct Frontmatter: Sendable {
    /// The frontmatter's keys, as written (nested values kept).
    public let fields: [String: JSONValue]
    /// The Markdown after the frontmatter.
    public let body: String

    public init(bytes: [UInt8], file: String) throws(ManifestError) {
        guard var text = String(validating: bytes, as: UTF8.self) else {
            throw ManifestError(file: file, "is not valid UTF-8 text; save it as UTF-8")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // Most files have no CR at all: skip two passes over the whole text for them.
        if text.utf8.contains(UInt8(ascii: "\r")) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map({ $0.trimmingCharacters(in: .whitespaces) == "---" }) == true else {
            throw ManifestError(file: file, "must start with YAML frontmatter: a line '---', then `name: …` and `description: …`, then '---'")
        }
        guard let close = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw ManifestError(file: file, "the frontmatter is not closed: add a line '---' after it")
        }
        let yaml = lines[1..<close].joined(separator: "\n")
        body = lines[(close + 1)...].joined(separator: "\n")
        let parsed: Any?
        do {
            parsed = try Yams.load(yaml: yaml)
        } catch let error as YamlError {
            throw ManifestError(file: file, "the frontmatter is not valid YAML: \(Self.describe(error))")
        } catch {
            throw ManifestError(file: file, "the frontmatter is not valid YAML: \(error)")
        }
        switch JSONValue(any: parsed) {
        case .object(let object): fields = object
        case .null: fields = [:]
        default: throw ManifestError(file: file, "the frontmatter must be a mapping of `key: value` lines")
        }
    }

    private static func describe(_ error: YamlError) -> String {
        let text = "\(error)"
        return text.split(separator: "\n").first.map(String.init) ?? text
    }

    // MARK: - Typed reads with messages that say what to write

    public func requiredString(_ key: String, file: String) throws(ManifestError) -> String {
        guard let value = fields[key], value != .null else {
            throw ManifestError(file: file, field: key, "is required; add `\(key): …` to the frontmatter")
        }
        guard case .string(let text) = value else {
            throw ManifestError(file: file, field: key, "must be text")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ManifestError(file: file, field: key, "must not be empty") }
        return trimmed
    }

    public func optionalString(_ key: String, file: String) throws(ManifestError) -> String? {
        switch fields[key] {
        case nil, .null: return nil
        case .string(let text): return text.trimmingCharacters(in: .whitespacesAndNewlines)
        case .number(let number): return number.rounded() == number ? String(Int64(number)) : String(number)
        default: throw ManifestError(file: file, field: key, "must be text")
        }
    }

    /// A list of strings; a single string is split on commas (`tools: Read, Grep`).
    public func stringList(_ key: String, file: String) throws(ManifestError) -> [String]? {
        switch fields[key] {
        case nil, .null: return nil
        case .string(let text):
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .array(let items):
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else {
                    throw ManifestError(file: file, field: key, "must be a list of text values; item \(index + 1) is \(Self.typeName(item))")
                }
                result.append(text.trimmingCharacters(in: .whitespaces))
            }
            return result
        case let other?:
            throw ManifestError(file: file, field: key, "must be a list of text values, not \(Self.typeName(other))")
        }
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "true/false"
        case .number: "a number"
        case .string: "text"
        case .array: "a list"
        case .object: "a mapping"
        }
    }
}
