import Foundation
@testable import Shared
import Testing

/// `JSONValue.jsonText` writes by hand what `JSONEncoder` (sorted keys, slashes not escaped)
/// writes: the two are compared on generated values, the hand-written path and the fallback.
@Suite("JSON text written by hand, byte for byte as JSONEncoder")
struct JSONTextTests {
    /// A small deterministic generator (xorshift), so that a failure can be repeated.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        mutating func pick<T>(_ choices: [T]) -> T { choices[next(choices.count)] }
    }

    static let pieces = ["a", "z", "pdf", "/", "\\", "\"", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", " ", "é", "e\u{301}", "漢字", "🙂", "</script>", "\\u0000", "'", "{", "}"]

    static func text(_ generator: inout Generator) -> String {
        (0..<generator.next(6)).map { _ in generator.pick(pieces) }.joined()
    }

    static func key(_ generator: inout Generator, plain: Bool) -> String {
        let alphabet = plain ? Array("abcdefghijklmnopqrstuvwxyz-") : Array("abcXYZ019_-. é")
        return String((0..<(1 + generator.next(8))).map { _ in generator.pick(alphabet) })
    }

    static func value(_ generator: inout Generator, depth: Int, plain: Bool) -> JSONValue {
        switch generator.next(depth > 2 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(generator.next(2) == 0)
        case 2:
            let whole = [0, -0.0, 1, -1, 42, 1e14, -999_999_999_999_999, Double(generator.next(1_000_000)) - 500_000]
            let other = [2.5, -0.125, 1e15, 1e300, 0.1]
            return .number(plain || generator.next(3) > 0 ? generator.pick(whole) : generator.pick(other))
        case 3, 4: return .string(text(&generator))
        case 5: return .array((0..<generator.next(4)).map { _ in value(&generator, depth: depth + 1, plain: plain) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<generator.next(6) { object[key(&generator, plain: plain || generator.next(4) > 0)] = value(&generator, depth: depth + 1, plain: plain) }
            return .object(object)
        }
    }

    static func encoded(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("2,000 generated values with manifest-like keys and whole numbers (written by hand), and 2,000 with any keys and numbers (some by JSONEncoder), give JSONEncoder's bytes")
    func sameBytes() throws {
        var generator = Generator(state: 0x9E37_79B9_7F4A_7C15)
        for plain in [true, false] {
            for round in 0..<2_000 {
                let value = JSONValue.object(["name": .string(Self.text(&generator)), "metadata": Self.value(&generator, depth: 0, plain: plain), "allowed-tools": Self.value(&generator, depth: 1, plain: plain)])
                let expected = try Self.encoded(value)
                #expect(value.jsonText == expected, "round \(round), plain \(plain)")
                if plain { #expect(value.handWritten == expected, "manifest-like values are written by hand: round \(round)") }
                if value.jsonText != expected { return }
            }
        }
        // Keys that sort differently by bytes and by Foundation's comparison still come out as JSONEncoder writes them.
        let mixed = JSONValue.object(["a10": .number(1), "a9": .number(2), "B": .null, "a": .string("x/y"), "_z": .bool(true), "a-b": .array([.number(2.5)])])
        #expect(mixed.jsonText == (try Self.encoded(mixed)) && mixed.handWritten == nil)
        #expect(JSONValue.object(["n": .number(2.5)]).handWritten == nil && JSONValue.array([.number(1e15)]).handWritten == nil, "such numbers are JSONEncoder's to write")
        #expect(JSONValue.object([:]).jsonText == "{}" && JSONValue.array([]).jsonText == "[]")
    }

    @Test("a NUL is found in the bytes, lines are counted by their line feeds")
    func scans() {
        #expect(TextScan.containsNUL("a\u{0}b") && TextScan.containsNUL("\u{0}"))
        #expect(!TextScan.containsNUL("") && !TextScan.containsNUL("é 漢字 🙂"))
        #expect(TextScan.lineCount("") == 1 && TextScan.lineCount("one") == 1 && TextScan.lineCount("one\ntwo\n") == 3)
        #expect(TextScan.lineCount(String(repeating: "line\n", count: 600)) == 601)
    }
}
