import Foundation

/// An allow-list HTML sanitizer for rendered READMEs.
///
/// Only formatting tags survive; every attribute is dropped except `href` on links, `src`, `alt`
/// and `title` on images and a `language-…` class on code. URLs must be `http`, `https`,
/// `mailto` (links only) or relative. Any other tag — `script`, `iframe`, `style`, event
/// handlers with it — is turned into visible, escaped text; comments are removed.
enum HTMLSanitizer {
    static let allowedTags: Set<String> = [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code",
        "em", "strong", "del", "s", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
    ]
    static let voidTags: Set<String> = ["br", "hr", "img"]

    static func sanitize(_ html: String) -> String {
        var output = ""
        output.reserveCapacity(html.utf8.count)
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            guard character == "<" else {
                output.append(character == ">" ? "&gt;" : String(character))
                index = html.index(after: index)
                continue
            }
            if html[index...].hasPrefix("<!--") {
                // A comment: dropped whole (an unclosed one swallows the rest, as a browser would).
                if let end = html.range(of: "-->", range: index..<html.endIndex) {
                    index = end.upperBound
                } else {
                    index = html.endIndex
                }
                continue
            }
            guard let close = tagEnd(in: html, from: index) else {
                output.append("&lt;")
                index = html.index(after: index)
                continue
            }
            let tag = String(html[html.index(after: index)..<close])
            output += rewrite(tag)
            index = html.index(after: close)
        }
        return output
    }

    /// The index of the `>` that ends the tag starting at `start`, skipping quoted attribute values.
    private static func tagEnd(in html: String, from start: String.Index) -> String.Index? {
        var quote: Character?
        var index = html.index(after: start)
        while index < html.endIndex {
            let character = html[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == ">" {
                return index
            } else if character == "<" {
                return nil
            }
            index = html.index(after: index)
        }
        return nil
    }

    private static func rewrite(_ tag: String) -> String {
        var body = Substring(tag)
        let closing = body.hasPrefix("/")
        if closing { body = body.dropFirst() }
        let name = String(body.prefix { $0.isLetter || $0.isNumber }).lowercased()
        guard !name.isEmpty, allowedTags.contains(name) else {
            return escapeText("<\(tag)>")
        }
        if closing { return voidTags.contains(name) ? "" : "</\(name)>" }
        var result = "<\(name)"
        for (key, value) in attributes(body.dropFirst(name.count)) {
            switch (name, key) {
            case ("a", "href"):
                if let url = safeURL(value, allowMailto: true) {
                    result += " href=\"\(escapeAttribute(url))\" rel=\"nofollow noopener noreferrer\""
                }
            case ("img", "src"):
                if let url = safeURL(value, allowMailto: false) { result += " src=\"\(escapeAttribute(url))\"" }
            case ("img", "alt"), ("img", "title"), ("a", "title"):
                result += " \(key)=\"\(escapeAttribute(value))\""
            case ("code", "class"):
                if value.range(of: #"^language-[A-Za-z0-9_+\-]{1,32}$"#, options: .regularExpression) != nil {
                    result += " class=\"\(value)\""
                }
            default:
                break
            }
        }
        return result + ">"
    }

    /// Attributes as (lower-cased name, entity-decoded value).
    private static func attributes(_ text: Substring) -> [(String, String)] {
        var result: [(String, String)] = []
        var index = text.startIndex
        func skipSpace() { while index < text.endIndex, text[index].isWhitespace || text[index] == "/" { index = text.index(after: index) } }
        while true {
            skipSpace()
            guard index < text.endIndex else { break }
            let nameStart = index
            while index < text.endIndex, !text[index].isWhitespace, text[index] != "=", text[index] != "/" { index = text.index(after: index) }
            let name = text[nameStart..<index].lowercased()
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
            var value = ""
            if index < text.endIndex, text[index] == "=" {
                index = text.index(after: index)
                while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
                if index < text.endIndex, text[index] == "\"" || text[index] == "'" {
                    let quote = text[index]
                    index = text.index(after: index)
                    let valueStart = index
                    while index < text.endIndex, text[index] != quote { index = text.index(after: index) }
                    value = String(text[valueStart..<index])
                    if index < text.endIndex { index = text.index(after: index) }
                } else {
                    let valueStart = index
                    while index < text.endIndex, !text[index].isWhitespace { index = text.index(after: index) }
                    value = String(text[valueStart..<index])
                }
            }
            if !name.isEmpty { result.append((name, decodeEntities(value))) }
        }
        return result
    }

    /// The URL when it is http(s), mailto (links) or relative; nil otherwise.
    static func safeURL(_ raw: String, allowMailto: Bool) -> String? {
        // Browsers ignore control characters and whitespace inside schemes ("java\tscript:").
        let cleaned = String(raw.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })
        guard !cleaned.isEmpty else { return nil }
        let lower = cleaned.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return cleaned }
        if allowMailto, lower.hasPrefix("mailto:") { return cleaned }
        if lower.hasPrefix("//") { return nil }
        // Relative: no scheme before the first '/', '?' or '#'.
        let head = lower.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return head.contains(":") ? nil : cleaned
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";") {
                let entity = text[text.index(after: index)..<semicolon].lowercased()
                var decoded: String?
                switch entity {
                case "amp": decoded = "&"
                case "lt": decoded = "<"
                case "gt": decoded = ">"
                case "quot": decoded = "\""
                case "apos", "#39": decoded = "'"
                case "colon": decoded = ":"
                case "tab": decoded = "\t"
                case "newline": decoded = "\n"
                default:
                    if entity.hasPrefix("#x"), let value = UInt32(entity.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(value) {
                        decoded = String(Character(scalar))
                    } else if entity.hasPrefix("#"), let value = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(value) {
                        decoded = String(Character(scalar))
                    }
                }
                if let decoded {
                    output += decoded
                    index = text.index(after: semicolon)
                    continue
                }
            }
            output.append(text[index])
            index = text.index(after: index)
        }
        return output
    }

    static func escapeText(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func escapeAttribute(_ text: String) -> String {
        escapeText(text).replacingOccurrences(of: "\"", with: "&quot;")
    }
}
