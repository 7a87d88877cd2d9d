import Foundation
import Ink

/// Turns a README's Markdown into HTML that is safe to insert into a page.
///
/// Raw HTML in the Markdown is shown as text, not interpreted: `<` outside code is escaped before
/// Ink renders (Ink would otherwise pass an HTML block through and stop rendering the Markdown
/// after it). The result then goes through `HTMLSanitizer`, which allows only formatting tags and
/// `http`, `https`, `mailto` and relative links.
enum ReadmeRenderer {
    static func html(from markdown: String) -> String {
        let rendered = MarkdownParser().html(from: escapingRawHTML(String(markdown.prefix(1_000_000))))
        return HTMLSanitizer.sanitize(rendered)
    }

    /// Escapes `<` everywhere except in fenced or indented code blocks and inline code spans.
    static func escapingRawHTML(_ markdown: String) -> String {
        var output: [String] = []
        var fence: String?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                output.append(String(line))
                if trimmed.hasPrefix(open) { fence = nil }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix(3))
                output.append(String(line))
                continue
            }
            if line.hasPrefix("    ") || line.hasPrefix("\t") {
                output.append(String(line))
                continue
            }
            var escaped = ""
            var inCode = false
            for character in line {
                if character == "`" { inCode.toggle() }
                escaped += (character == "<" && !inCode) ? "&lt;" : String(character)
            }
            output.append(escaped)
        }
        return output.joined(separator: "\n")
    }
}
