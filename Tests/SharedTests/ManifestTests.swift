import Foundation
import Shared
import Testing

@Suite("Manifests: SKILL.md")
struct ManifestTests {
    @Test("fields are read, unknown keys kept, BOM and CRLF accepted")
    func parse() throws {
        let text = "\u{FEFF}---\r\nname: pdf-tools\r\ndescription: Work with PDF files\r\nversion: 1.2\r\nlicense: MIT\r\ncompatibility:\r\n  claude: \">=1.0\"\r\nallowed-tools: Read Bash(python:*)\r\nmetadata:\r\n  author: team\r\ntags: [PDF, documents, pdf]\r\nx-custom: 7\r\n---\r\n# PDF tools\r\nUse it.\r\n"
        let manifest = try SkillManifest.parse(Array(text.utf8))
        #expect(manifest.name == "pdf-tools")
        #expect(manifest.description == "Work with PDF files")
        #expect(manifest.version == SemanticVersion("1.2.0"))
        #expect(manifest.license == "MIT")
        #expect(manifest.compatibility == .object(["claude": .string(">=1.0")]))
        #expect(manifest.allowedTools == ["Read", "Bash(python:*)"])
        #expect(manifest.metadata?["author"] == .string("team"))
        #expect(manifest.tags == ["pdf", "documents"])
        #expect(manifest.frontmatter["x-custom"] == .number(7))
        #expect(manifest.body == "# PDF tools\nUse it.\n")
        #expect(manifest.warnings.isEmpty)
        #expect(try SkillManifest.parse(Array("---\nname: a\ndescription: b\ncompatibility: any agent\n---\n".utf8)).compatibility == .string("any agent"))
    }

    @Test("the frontmatter's fences and the body, byte for byte: spaces around ---, lone CR, no last newline, non-ASCII text")
    func fences() throws {
        let cases: [(text: String, name: String?, body: String)] = [
            (" ---\t\nname: a\ndescription: b\n  ---  \nBody\n", "a", "Body\n"),
            ("---\rname: a\rdescription: b\r---\rOne\rTwo", "a", "One\nTwo"),
            ("---\nname: a\ndescription: b\n---", "a", ""),
            ("---\nname: a\ndescription: b\n---\n", "a", ""),
            ("---\u{00A0}\nname: zürich\ndescription: « b »\n---\n## Übersicht ✓\n\n---\nmore", "zürich", "## Übersicht ✓\n\n---\nmore"),
            ("---\n---\nonly a body\n", nil, "only a body\n"),
        ]
        for (text, name, body) in cases {
            let frontmatter = try Frontmatter(bytes: Array(text.utf8), file: "SKILL.md")
            #expect(frontmatter.body == body, "\(text.debugDescription)")
            #expect(frontmatter.fields["name"] == name.map(JSONValue.string) ?? nil, "\(text.debugDescription)")
        }
        // `----` and `- --` are not fences.
        #expect(throws: ManifestError.self) { try Frontmatter(bytes: Array("---\nname: a\n----\n- --\n".utf8), file: "SKILL.md") }
        #expect(throws: ManifestError.self) { try Frontmatter(bytes: [0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0x0A, 0x2D, 0x2D, 0x2D], file: "SKILL.md") }
    }

    @Test("spec limits are warnings, not errors")
    func warnings() throws {
        let long = String(repeating: "word ", count: 300)
        let body = String(repeating: "line\n", count: 600)
        let manifest = try SkillManifest.parse(Array("---\nname: big\ndescription: \(long)\n---\n\(body)".utf8))
        #expect(manifest.warnings.count == 2)
        #expect(manifest.warnings.contains { $0.contains("1024") })
        #expect(manifest.warnings.contains { $0.contains("500") })
    }

    @Test("the body's lines are counted the same with LF, CRLF and CR line ends; 500 lines is no warning, 501 is")
    func bodyLines() throws {
        for end in ["\n", "\r\n", "\r"] {
            let atLimit = try SkillManifest.parse(Array(("---\nname: a\ndescription: b\n---\n" + String(repeating: "line" + end, count: 499) + "last").utf8))
            #expect(atLimit.warnings.isEmpty, "\(end.debugDescription)")
            let over = try SkillManifest.parse(Array(("---\nname: a\ndescription: b\n---\n" + String(repeating: "line" + end, count: 500) + "last").utf8))
            #expect(over.warnings == ["SKILL.md: body has 501 lines; the Agent Skills guideline is at most 500"], "\(end.debugDescription)")
        }
    }

    @Test("trimming gives what Foundation's trimming gives, with and without line ends")
    func trimming() {
        let samples = ["", " ", "a", " a ", "pdf-tools", "\tpdf\t", "\npdf\n", " \r\n x \r\n", "\u{00A0}x\u{00A0}", "\u{3000}日本\u{3000}", "x\u{2028}", "\u{0085}y",
                       "é", " é", "~", "!x!", "\u{7F}x\u{7F}", "a b", "\u{1F600}", " \u{1F600} ", "\u{200B}z", "z\u{FEFF}"]
        for sample in samples {
            #expect(sample.trimmedOfSpaces(includingNewlines: true) == sample.trimmingCharacters(in: .whitespacesAndNewlines), "\(sample.debugDescription)")
            #expect(sample.trimmedOfSpaces(includingNewlines: false) == sample.trimmingCharacters(in: .whitespaces), "\(sample.debugDescription)")
        }
    }

    @Test("numbers where text is read become text, whole ones without a fraction, and none too large for Int64 stops the server")
    func numbersAsText() throws {
        #expect(JSONValue.text(ofNumber: 3) == "3")
        #expect(JSONValue.text(ofNumber: -0.0) == "0")
        #expect(JSONValue.text(ofNumber: 2.5) == "2.5")
        #expect(JSONValue.text(ofNumber: 1e18) == "1000000000000000000")
        #expect(JSONValue.text(ofNumber: 1.7976931348623157e308) == "1.7976931348623157e+308")
        #expect(JSONValue.text(ofNumber: .infinity) == "inf")
        // YAML's .inf and a huge whole number as a version: a 422 naming the field, not a trap.
        for version in [".inf", "-.inf", "1e300", "9223372036854775808"] {
            #expect {
                _ = try SkillManifest.parse(Array("---\nname: ok\ndescription: x\nversion: \(version)\n---\n".utf8))
            } throws: { error in
                (error as? ManifestError)?.field == "version"
            }
        }
        // An MCP server's headers and env as the fuzzer sent them (POST /api/v1/mcps).
        let json = #"{"name": "gh", "description": "GitHub", "url": "https://example.com/mcp", "headers": {"big": 1.7976931348623157e+308, "whole": 7, "neg": -5.428860563871223e+16}, "env": {"TOKEN": 1e300}}"#
        let config = try JSONDecoder().decode(MCPServerConfig.self, from: Data(json.utf8))
        #expect(config.headers == ["big": "1.7976931348623157e+308", "whole": "7", "neg": "-54288605638712232"])
        #expect(config.env == ["TOKEN": "1e+300"])
    }

    @Test("bad manifests name the file, the field and the fix", arguments: [
        ("no frontmatter", "# Just markdown\n", nil as String?, "must start with YAML frontmatter"),
        ("unclosed", "---\nname: a\n", nil, "not closed"),
        ("malformed YAML", "---\nname: [unclosed\ndescription: x\n---\n", nil, "not valid YAML"),
        ("list frontmatter", "---\n- a\n- b\n---\n", nil, "mapping"),
        ("missing name", "---\ndescription: x\n---\n", "name", "is required"),
        ("empty name", "---\nname: \"\"\ndescription: x\n---\n", "name", "must not be empty"),
        ("bad name", "---\nname: Bad_Name\ndescription: x\n---\n", "name", "lower-case"),
        ("numeric name", "---\nname: 42\ndescription: x\n---\n", "name", "must be text"),
        ("missing description", "---\nname: ok\n---\n", "description", "is required"),
        ("bad version", "---\nname: ok\ndescription: x\nversion: one\n---\n", "version", "semantic version"),
        ("non-string tags", "---\nname: ok\ndescription: x\ntags: [a, 3]\n---\n", "tags", "item 2 is a number"),
        ("tags as text", "---\nname: ok\ndescription: x\ntags: a, b\n---\n", "tags", "must be a list"),
        ("metadata as list", "---\nname: ok\ndescription: x\nmetadata: [1]\n---\n", "metadata", "mapping"),
        ("compatibility as number", "---\nname: ok\ndescription: x\ncompatibility: 3\n---\n", "compatibility", "text or a mapping"),
    ])
    func errors(name: String, text: String, field: String?, fragment: String) {
        do {
            _ = try SkillManifest.parse(Array(text.utf8))
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.file == "SKILL.md")
            #expect(error.field == field, "\(name): \(error)")
            #expect(error.description.contains(fragment), "\(name): \(error)")
        }
    }

    @Test("non-UTF-8 text is refused")
    func notUTF8() {
        #expect(throws: ManifestError.self) { try SkillManifest.parse([0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0xFE, 0x0A]) }
    }

    @Test("semantic versions parse, order and advance", arguments: [
        ("1.2.3", "1.2.3"), ("v2", "2.0.0"), ("1.0", "1.0.0"), ("1.2.3-rc.1", "1.2.3-rc.1"), ("1.2.3+build.5", "1.2.3"),
    ])
    func versions(text: String, normalised: String) throws {
        #expect(try #require(SemanticVersion(text)).description == normalised)
    }

    @Test("version order and next patch")
    func versionOrder() throws {
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0", "1.0.1", "1.10.0", "2.0.0"].map { SemanticVersion($0)! }
        #expect(ordered == ordered.shuffled().sorted())
        #expect(SemanticVersion("1.2.3")!.nextPatch.description == "1.2.4")
        #expect(SemanticVersion("1.2.3-rc.1")!.nextPatch.description == "1.2.3")
        for bad in ["", "1.2.3.4", "a.b.c", "01.2.3", "1..2", "1.2.3-", "1.2.3-a..b"] {
            #expect(SemanticVersion(bad) == nil, "\(bad)")
        }
    }

    @Test("asset names", arguments: [("pdf", true), ("pdf-tools-2", true), ("a", true), ("PDF", false), ("pdf_tools", false), ("-pdf", false), ("pdf-", false), ("pdf--tools", false), ("", false), (String(repeating: "a", count: 65), false)])
    func names(name: String, ok: Bool) {
        #expect((AssetName.problem(name) == nil) == ok, "\(name)")
    }
}
