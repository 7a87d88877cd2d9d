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
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ManifestError(file: file, "is not valid UTF-8 text; save it as UTF-8")
        }
        // Lines are found in the bytes: splitting the text into lines of `Character`s cost more
        // than parsing the YAML (the sync worker reads hundreds of these in a row).
        var text = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if text.contains(UInt8(ascii: "\r")) { text = Self.normalisingLineEnds(text) }
        let newline = UInt8(ascii: "\n")
        let firstEnd = text.firstIndex(of: newline) ?? text.endIndex
        guard Self.isFence(text[..<firstEnd]) else {
            throw ManifestError(file: file, "must start with YAML frontmatter: a line '---', then `name: …` and `description: …`, then '---'")
        }
        var lineStart = firstEnd
        var close: (start: Int, end: Int)?
        while lineStart < text.endIndex {
            lineStart += 1  // past the newline
            let lineEnd = text[lineStart...].firstIndex(of: newline) ?? text.endIndex
            if Self.isFence(text[lineStart..<lineEnd]) {
                close = (lineStart, lineEnd)
                break
            }
            lineStart = lineEnd
        }
        guard let close else {
            throw ManifestError(file: file, "the frontmatter is not closed: add a line '---' after it")
        }
        // Between the two fences, without the newline before the closing one (none when empty).
        let yaml = close.start > firstEnd + 1 ? String(decoding: text[(firstEnd + 1)..<(close.start - 1)], as: UTF8.self) : ""
        body = close.end < text.endIndex ? String(decoding: text[(close.end + 1)...], as: UTF8.self) : ""
        if let simple = SimpleYAML.fields(yaml) {
            fields = simple
        } else {
            fields = try Self.yamsFields(yaml, file: file)
        }
    }

    /// The frontmatter's mapping as Yams reads it (what ``SimpleYAML`` does not read).
    static func yamsFields(_ yaml: String, file: String) throws(ManifestError) -> [String: JSONValue] {
        let parsed: Any?
        do {
            // The encoding is named: Yams's default reads the whole process environment on
            // every call (a sixth of parsing a SKILL.md).
            parsed = try Yams.load(yaml: yaml, .default, .default, .utf8)
        } catch let error as YamlError {
            throw ManifestError(file: file, "the frontmatter is not valid YAML: \(Self.describe(error))")
        } catch {
            throw ManifestError(file: file, "the frontmatter is not valid YAML: \(error)")
        }
        switch JSONValue(any: parsed) {
        case .object(let object): return object
        case .null: return [:]
        default: throw ManifestError(file: file, "the frontmatter must be a mapping of `key: value` lines")
        }
    }

    /// A line that is `---` once the spaces around it are trimmed.
    private static func isFence(_ line: ArraySlice<UInt8>) -> Bool {
        if line.contains(where: { $0 >= 0x80 }) {
            // Unicode spaces around it count as spaces too.
            return String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces) == "---"
        }
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = line.firstIndex(where: { !isSpace($0) }), let last = line.lastIndex(where: { !isSpace($0) }) else { return false }
        return line[first...last].elementsEqual("---".utf8)
    }

    /// CRLF and lone CR line ends as LF.
    private static func normalisingLineEnds(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\r") {
                result.append(UInt8(ascii: "\n"))
                if index < bytes.endIndex, bytes[index] == UInt8(ascii: "\n") { index += 1 }
            } else {
                result.append(byte)
            }
        }
        return result
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
        let trimmed = text.trimmedOfSpaces(includingNewlines: true)
        guard !trimmed.isEmpty else { throw ManifestError(file: file, field: key, "must not be empty") }
        return trimmed
    }

    public func optionalString(_ key: String, file: String) throws(ManifestError) -> String? {
        switch fields[key] {
        case nil, .null: return nil
        case .string(let text): return text.trimmedOfSpaces(includingNewlines: true)
        case .number(let number): return JSONValue.text(ofNumber: number)
        default: throw ManifestError(file: file, field: key, "must be text")
        }
    }

    /// A list of strings; a single string is split on commas (`tools: Read, Grep`).
    public func stringList(_ key: String, file: String) throws(ManifestError) -> [String]? {
        switch fields[key] {
        case nil, .null: return nil
        case .string(let text):
            return text.split(separator: ",").map { String($0).trimmedOfSpaces(includingNewlines: false) }.filter { !$0.isEmpty }
        case .array(let items):
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else {
                    throw ManifestError(file: file, field: key, "must be a list of text values; item \(index + 1) is \(Self.typeName(item))")
                }
                result.append(text.trimmedOfSpaces(includingNewlines: false))
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

extension String {
    /// The text without the white space (and, if asked, line ends) around it, as Foundation's
    /// `trimmingCharacters(in:)` with `.whitespaces` or `.whitespacesAndNewlines` gives it. Text
    /// that starts and ends with a visible ASCII character is returned as it is without asking
    /// Foundation (which bridges through NSString: a tenth of reading a SKILL.md).
    public func trimmedOfSpaces(includingNewlines: Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        let visible = { (scalar: Unicode.Scalar) in scalar.value > 0x20 && scalar.value < 0x7F }
        if visible(first) && visible(last) { return self }
        return trimmingCharacters(in: includingNewlines ? .whitespacesAndNewlines : .whitespaces)
    }
}
