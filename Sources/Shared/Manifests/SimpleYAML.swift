/// The frontmatter most SKILL.md and AGENT.md files have — `key: text` lines (plain, or quoted
/// without escapes), `key: 1.2.3` versions and `key: [a, b]` lists of words — read without Yams, whose parse (with its regular expressions for every
/// scalar's type) was half of preparing a package in a first sync. Anything else, or anything
/// this reader is not sure YAML reads as text, returns nil and goes to Yams; a test compares the
/// two on thousands of generated documents.
enum SimpleYAML {
    /// The mapping `yaml` writes, when every line is simple; nil when Yams must read it.
    static func fields(_ yaml: String) -> [String: JSONValue]? {
        var fields: [String: JSONValue] = [:]
        let bytes = Array(yaml.utf8)
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            defer { start = end + 1 }
            let line = bytes[start..<end]
            if line.isEmpty { continue }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon + 1 < end, line[colon + 1] == UInt8(ascii: " ") else { return nil }
            let key = line[start..<colon]
            guard isKey(key), let keyText = String(validating: key, as: UTF8.self), !isReserved(key) else { return nil }
            var valueStart = colon + 1, valueEnd = end
            while valueStart < valueEnd, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
            while valueEnd > valueStart, line[valueEnd - 1] == UInt8(ascii: " ") { valueEnd -= 1 }
            let value = line[valueStart..<valueEnd]
            guard let first = value.first, fields[keyText] == nil else { return nil }
            if first == UInt8(ascii: "[") {
                guard value.last == UInt8(ascii: "]"), let list = list(value.dropFirst().dropLast()) else { return nil }
                fields[keyText] = .array(list)
            } else if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
                // Quoted without escapes or inner quotes: the text between the quotes, as written.
                let inner = value.dropFirst().dropLast()
                guard value.count >= 2, value.last == first, !inner.contains(first), !inner.contains(UInt8(ascii: "\\")),
                      !inner.contains(where: { $0 < 0x20 || $0 == 0x7F }),
                      let text = String(validating: inner, as: UTF8.self), hasOnlyPrintable(text) else { return nil }
                fields[keyText] = .string(text)
            } else if isVersion(value) {
                fields[keyText] = .string(String(decoding: value, as: UTF8.self))
            } else {
                guard isText(value, inList: false), let text = String(validating: value, as: UTF8.self), hasOnlyPrintable(text) else { return nil }
                fields[keyText] = .string(text)
            }
        }
        return fields
    }

    /// `a, b, c` inside the brackets: words only (no quotes, colons or nesting).
    private static func list(_ inner: ArraySlice<UInt8>) -> [JSONValue]? {
        if inner.allSatisfy({ $0 == UInt8(ascii: " ") }) { return [] }
        var items: [JSONValue] = []
        for part in inner.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            var from = part.startIndex, to = part.endIndex
            while from < to, part[from] == UInt8(ascii: " ") { from += 1 }
            while to > from, part[to - 1] == UInt8(ascii: " ") { to -= 1 }
            let item = part[from..<to]
            guard isText(item, inList: true), let text = String(validating: item, as: UTF8.self), hasOnlyPrintable(text) else { return nil }
            items.append(.string(text))
        }
        return items
    }

    /// `1.2.3`, maybe with `-pre` or `+build`: text to YAML (two dots are no number, and no
    /// date starts that way), where `1.2` would be a number.
    private static func isVersion(_ value: ArraySlice<UInt8>) -> Bool {
        var index = value.startIndex
        for part in 0..<3 {
            let digitsStart = index
            while index < value.endIndex, value[index] >= 0x30, value[index] <= 0x39 { index += 1 }
            guard index > digitsStart else { return false }
            if part < 2 {
                guard index < value.endIndex, value[index] == UInt8(ascii: ".") else { return false }
                index += 1
            }
        }
        guard index < value.endIndex else { return true }
        guard value[index] == UInt8(ascii: "-") || value[index] == UInt8(ascii: "+"), index + 1 < value.endIndex else { return false }
        return value[(index + 1)...].allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// A key of ASCII letters, digits, `-` and `_`, starting with a letter.
    private static func isKey(_ key: ArraySlice<UInt8>) -> Bool {
        guard let first = key.first, isLetter(first) else { return false }
        return key.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    /// A plain scalar YAML reads as text: it starts with an ASCII letter (so it is no number,
    /// date, `.inf`, `<<` or `=`, and no indicator), is not a true/false/null word, holds no
    /// comment (`#`), no `: ` and no control character, and does not end with `:`; in a list,
    /// no character that means something there either.
    private static func isText(_ value: ArraySlice<UInt8>, inList: Bool) -> Bool {
        guard let first = value.first, isLetter(first), !isReserved(value), value.last != UInt8(ascii: ":") else { return false }
        var previous: UInt8 = 0
        for byte in value {
            if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "#") { return false }
            if byte == UInt8(ascii: " ") && previous == UInt8(ascii: ":") { return false }
            if inList, Self.listSpecial.contains(byte) { return false }
            previous = byte
        }
        return true
    }

    private static let listSpecial: Set<UInt8> = Set(":[]{},'\"*&!|>%@`?".utf8)

    /// Words YAML 1.1 (as Yams resolves it) reads as true, false or null.
    private static func isReserved(_ word: ArraySlice<UInt8>) -> Bool {
        guard word.count <= 5 else { return false }
        return reserved.contains(String(decoding: word, as: UTF8.self))
    }

    private static let reserved: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
    ]

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// No character YAML treats as a line break or refuses (C1 controls, NEL, the line and
    /// paragraph separators, a byte-order mark, non-characters).
    private static func hasOnlyPrintable(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            let value = scalar.value
            return value < 0x80 || (value >= 0xA0 && value != 0x2028 && value != 0x2029 && value != 0xFEFF && value != 0xFFFE && value != 0xFFFF)
        }
    }
}
