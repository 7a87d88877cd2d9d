import Foundation
import Ink

/// Turns a README's Markdown into HTML that is safe to insert into a page.
///
/// Ink renders the Markdown; the result then goes through `HTMLSanitizer`, because Markdown may
/// carry raw HTML (which Ink passes through) and links with any scheme.
enum ReadmeRenderer {
    static func html(from markdown: String) -> String {
        let rendered = MarkdownParser().html(from: String(markdown.prefix(1_000_000)))
        return HTMLSanitizer.sanitize(rendered)
    }
}
