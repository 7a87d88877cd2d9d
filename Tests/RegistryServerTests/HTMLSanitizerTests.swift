import Testing
@testable import RegistryServer

@Suite("HTML sanitizer")
struct HTMLSanitizerTests {
    @Test("dangerous markup becomes text or disappears", arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<p onclick=\"x()\">hi</p>", "<p>hi</p>"),
        ("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\"jav&#x61;script:alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\" java\tscript:alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\"//evil.example/x\">x</a>", "<a>x</a>"),
        ("<img src=\"data:image/png;base64,AAAA\">", "<img>"),
        ("<img src=\"https://x.example/a.png\" alt='a \"quoted\" alt' onerror=alert(1)>", "<img src=\"https://x.example/a.png\" alt=\"a &quot;quoted&quot; alt\">"),
        ("<!-- hidden --><em>ok</em>", "<em>ok</em>"),
        ("<code class=\"language-swift\">x</code>", "<code class=\"language-swift\">x</code>"),
        ("<code class=\"x\" style=\"y\">x</code>", "<code>x</code>"),
        ("a < b > c", "a &lt; b &gt; c"),
        ("<svg><script>x</script></svg>", "&lt;svg&gt;&lt;script&gt;x&lt;/script&gt;&lt;/svg&gt;"),
    ])
    func sanitize(input: String, expected: String) {
        #expect(HTMLSanitizer.sanitize(input) == expected)
    }

    @Test("links keep http, https, mailto and relative targets")
    func links() {
        #expect(HTMLSanitizer.safeURL("https://example.com", allowMailto: true) == "https://example.com")
        #expect(HTMLSanitizer.safeURL("mailto:a@b.c", allowMailto: true) == "mailto:a@b.c")
        #expect(HTMLSanitizer.safeURL("mailto:a@b.c", allowMailto: false) == nil)
        #expect(HTMLSanitizer.safeURL("docs/a.md#x", allowMailto: true) == "docs/a.md#x")
        #expect(HTMLSanitizer.safeURL("#section", allowMailto: true) == "#section")
        #expect(HTMLSanitizer.safeURL("vbscript:x", allowMailto: true) == nil)
    }
}
