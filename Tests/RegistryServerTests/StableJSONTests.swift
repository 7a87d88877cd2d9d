import Foundation
import NIOCore
@testable import RegistryServer
import Shared
import Testing

/// The asset lists' own JSON writer must write exactly what `JSONEncoder` writes: same bytes,
/// same ETag, for every field, string and date.
@Suite("Asset list JSON written by hand")
struct StableJSONTests {
    static let texts = [
        "", "pdf-tools", "Work with PDF files", "a \"quoted\" word", "back\\slash", "path/with/slashes", "tab\there", "line\nbreak", "cr\rlf\r\n",
        "\u{0}\u{1}\u{7}\u{8}\u{B}\u{C}\u{1F}", "del\u{7F}", "café", "Ünïcödé", "emoji 🙂 and 👩‍👩‍👧", "\u{2028}\u{2029}\u{FEFF}", "<script>&amp;</script>",
        "long " + String(repeating: "words and more ", count: 40), "\"", "\\", "a\u{85}b", "日本語のテキスト",
    ]

    /// Deterministic choices from the item's and the field's numbers, so a failure can be replayed.
    static func choose<T>(_ list: [T], _ item: Int, _ field: UInt64) -> T {
        list[Int(mix(item, field) % UInt64(list.count))]
    }

    static func mix(_ item: Int, _ field: UInt64) -> UInt64 {
        var mixed = UInt64(item) &* 0x9E37_79B9_7F4A_7C15 ^ field &* 0xC2B2_AE3D_27D4_EB4F
        mixed ^= mixed >> 29
        mixed &*= 0xBF58_476D_1CE4_E5B9
        mixed ^= mixed >> 32
        return mixed
    }

    static func summary(_ item: Int) -> AssetSummary {
        let tagCount = Int(mix(item, 7) % 4)
        // Dates from 1970 to 2106 with fractions of a second, and now and then the edges.
        let seconds = Double(mix(item, 9) % 4_300_000_000) + Double(mix(item, 10) % 1_000) / 1_000
        let edges: [Double] = [0, 0.999, 59.5, 86_399.999, 951_782_400, 1_709_164_799.75, 4_102_444_800, 253_402_300_799]
        return AssetSummary(
            id: Int64(mix(item, 1) % 10_000_000), kind: choose(AssetKind.allCases, item, 2), name: choose(texts, item, 3), description: choose(texts, item, 4),
            latestVersion: item % 3 == 0 ? nil : choose(["1.0.0", "2.10.3-beta.1", "0.0.1+build"], item, 5), owner: choose(texts, item, 6),
            tags: (0..<tagCount).map { choose(texts, item, 20 + UInt64($0)) }, installs: item % 11 == 0 ? 0 : Int64(mix(item, 8) % 5_000_000_000),
            status: choose(["active", "deprecated", "removed"], item, 11), deprecationMessage: item % 4 == 0 ? choose(texts, item, 12) : nil,
            origin: choose(["published", "synced"], item, 13), updatedAt: Date(timeIntervalSince1970: item % 17 == 0 ? choose(edges, item, 14) : seconds)
        )
    }

    @Test("pages of generated summaries: the same bytes as JSONEncoder with sorted keys")
    func sameBytesAsJSONEncoder() throws {
        var compared = 0
        for pageNumber in 0..<200 {
            let items = (0..<(pageNumber % 23)).map { Self.summary(pageNumber * 100 + $0) }
            let page = Page(items: items, total: pageNumber * 37 + items.count, page: pageNumber + 1, size: max(pageNumber % 101, 1))
            let expected = String(decoding: try APIJSON.stableEncoder.encode(page), as: UTF8.self)
            let written = String(decoding: StableJSON.encode(page), as: UTF8.self)
            #expect(written == expected, "page \(pageNumber)")
            compared += items.count
        }
        #expect(compared > 2_000)
    }

    @Test("dates outside 1970 to 9999 (never stored) still match, through Foundation's formatter")
    func datesOutsideTheFastRange() throws {
        for seconds in [-1.5, -86_400 * 365.25 * 100, 253_402_300_800, 300_000_000_000] {
            var item = Self.summary(1)
            item.updatedAt = Date(timeIntervalSince1970: seconds)
            let expected = String(decoding: try APIJSON.stableEncoder.encode(item), as: UTF8.self)
            #expect(String(decoding: StableJSON.encode(item), as: UTF8.self) == expected, "\(seconds)")
        }
    }

    @Test("the answer of a list is the hand-written JSON; other values still go through JSONEncoder")
    func conditionalAnswerUsesIt() throws {
        let page = Page(items: (0..<5).map(Self.summary), total: 5, page: 1, size: 20)
        let answer = try APIJSON.conditionalAnswer(page)
        #expect(Array(answer.body.readableBytesView) == StableJSON.encode(page))
        #expect(answer.etag == "\"\(SHA256Hex.hex(Array(try APIJSON.stableEncoder.encode(page))))\"")
        let other = try APIJSON.conditionalAnswer(ErrorBody(detail: "a/b"))
        #expect(String(buffer: other.body) == #"{"detail":"a/b"}"#)
    }

    @Test("civil dates: every day from 1970 to 2400 against Foundation's Gregorian calendar")
    func civilDates() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for day in stride(from: Int64(0), to: 157_000, by: 1) {
            let (year, month, dayOfMonth) = StableJSON.civil(daysSince1970: day)
            let components = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(day) * 86_400))
            guard components.year == Int(year), components.month == Int(month), components.day == Int(dayOfMonth) else {
                Issue.record("day \(day): \(year)-\(month)-\(dayOfMonth), Foundation \(components)")
                return
            }
        }
    }
}
