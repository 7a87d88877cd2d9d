import Foundation
@testable import Shared
import Testing

/// The frontmatter reader that skips Yams must read what Yams reads, or step aside.
@Suite("Frontmatter without Yams")
struct SimpleYAMLTests {
    static let keys = ["name", "description", "tags", "x-custom", "a_b", "Name", "on", "yes", "null", "1abc", "-k", "ké"]
    static let separators = [": ", ":", ":  ", " : ", ":\t"]
    static let values = [
        "pdf-tools", "Work with PDF files", "yes", "Yes", "No", "off", "ON", "null", "Null", "~", "y", "n", "1.0", "2.1.0", "0x1F", "1e5", "2024-01-01",
        ".inf", "NaN", "inf", "a: b", "a #b", "a#b", "Bash(python:*)", "C:\\path", "café au lait", "éclair", "a\tb", "[a, b]", "[a,b,]", "[]", "[ ]",
        "[yes, no]", "[a:b]", "[a, [b]]", "[PDF, documents, pdf]", "['q', b]", "'quoted'", "\"double\"", "a, b", "x:", "!tag", "&anchor", "*alias",
        "|", ">", "- item", "Ünïcödé", "a\u{85}b", "a\u{2028}b", "a\u{FEFF}", "a{b}", "{a: b}", "trailing   ", "it's fine", "use -- dashes",
        "50% off", "a @b", "a `b`", "a ? b", "<<", "=", "a\u{0}b", "a\u{7}b", "ok.", "end:", "x: y: z", "tab\tin", "emoji 🙂 ok", "[émoji, 🙂]",
        "[a, ]", "[ a , b ]", "[a b, c]", "[1, a]", "[a, ~]", "[a, null]", "[Yes]", "", " ",
        "\"quoted # not a comment: fine\"", "'single # too'", "\"esc\\\"aped\"", "\"a\\nb\"", "'it''s'", "\"\"", "''", "\"open", "'open", "\"a\" b", "\"yes\"", "'1.0'",
        "\"tab\tin\"", "\"é ü 🙂\"", "1.0.0", "10.20.30", "1.0.0-beta.1", "1.0.0+build.5", "1.0", "1", "1.0.0.0", "1.0.0-", "1..0", "01.2.3", "1.2.3 x", "1.0.0-béta",
    ]

    static let plain = ["\"A quoted description, with commas: and colons\"", "1.0.0", "pdf-tools", "Work with PDF files", "Bash(python:*)", "café au lait", "[PDF, documents, pdf]", "[a, b]", "it's fine", "a, b", "emoji 🙂 ok", "[]"]

    /// Yams's reading, or nil when Yams refuses the text.
    static func yams(_ yaml: String) -> [String: JSONValue]? {
        try? Frontmatter.yamsFields(yaml, file: "SKILL.md")
    }

    @Test("on thousands of generated documents, whatever it reads is what Yams reads")
    func agreesWithYams() {
        // Deterministic choices (a hash of the document's and the line's number), so a failure
        // can be replayed.
        func choose<T>(_ list: [T], _ document: Int, _ line: Int, _ salt: UInt64) -> T {
            var mixed = UInt64(document) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(line) &* 0xC2B2_AE3D_27D4_EB4F ^ salt
            mixed ^= mixed >> 29
            mixed &*= 0xBF58_476D_1CE4_E5B9
            mixed ^= mixed >> 32
            return list[Int(mixed % UInt64(list.count))]
        }
        var read = 0, total = 0
        for document in 0..<6000 {
            var lines: [String] = []
            for line in 0..<choose([1, 2, 3, 4, 5], document, 0, 1) {
                switch choose(Array(0..<20), document, line, 2) {
                case 0: lines.append("")
                case 1: lines.append("  continued " + choose(Self.values, document, line, 3))
                case 2: lines.append("# a comment")
                case 3...9:
                    // Mostly simple lines, so that whole documents are often simple too.
                    lines.append(choose(Array(Self.keys.prefix(6)), document, line, 4) + ": " + choose(Self.plain, document, line, 5))
                default:
                    lines.append(choose(Self.keys, document, line, 6) + choose(Self.separators, document, line, 7) + choose(Self.values, document, line, 8))
                }
            }
            let yaml = lines.joined(separator: "\n")
            total += 1
            guard let simple = SimpleYAML.fields(yaml) else { continue }
            read += 1
            #expect(simple == Self.yams(yaml), "\(yaml.debugDescription)")
        }
        // It reads a good share of them (the simple ones), not none.
        #expect(read > total / 10, "read \(read) of \(total)")
    }

    @Test("every value alone, with each key: read as Yams reads it or left to Yams")
    func eachValue() {
        for key in Self.keys {
            for value in Self.values {
                let yaml = "\(key): \(value)"
                if let simple = SimpleYAML.fields(yaml) {
                    #expect(simple == Self.yams(yaml), "\(yaml.debugDescription)")
                }
            }
        }
    }

    @Test("the usual SKILL.md frontmatter is read without Yams")
    func usual() {
        let yaml = "name: pdf-tools\ndescription: Extract text and tables from PDF files, fill forms, merge documents. Use it when a user asks about PDFs.\nlicense: Apache-2.0\ntags: [pdf, documents, forms]\nallowed-tools: Read Bash(python:*)"
        #expect(SimpleYAML.fields(yaml) == ["name": .string("pdf-tools"), "description": .string("Extract text and tables from PDF files, fill forms, merge documents. Use it when a user asks about PDFs."),
                                            "license": .string("Apache-2.0"), "tags": .array([.string("pdf"), .string("documents"), .string("forms")]),
                                            "allowed-tools": .string("Read Bash(python:*)")])
        #expect(SimpleYAML.fields(yaml) == Self.yams(yaml))
        // `1.2.0` is text to YAML, `1.2` a number: Yams reads that one.
        #expect(SimpleYAML.fields("name: a\nversion: 1.2.0\ndescription: \"Quoted: with a colon\"") == ["name": .string("a"), "version": .string("1.2.0"), "description": .string("Quoted: with a colon")])
        #expect(SimpleYAML.fields("name: a\nversion: 1.2") == nil)
        #expect(SimpleYAML.fields("") == [:])
    }
}
