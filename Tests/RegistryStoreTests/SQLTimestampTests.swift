import Foundation
@testable import RegistryStore
import Testing

/// The stored text of timestamps: our arithmetic for 1970–9999 against Foundation's ISO-8601
/// style, which it replaced on that range and still does the rest.
@Suite("SQLite timestamps")
struct SQLTimestampTests {
    /// What `SQLTimestamp.format` was before: Foundation's style, milliseconds counted as an integer.
    static func foundationFormat(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = Date(timeIntervalSince1970: TimeInterval(fraction < 0 ? seconds - 1 : seconds))
        let text = whole.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        let digits = String(fraction < 0 ? fraction + 1000 : fraction)
        return text.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    static func foundationParse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text) { return date }
        return try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text)
    }

    /// Seconds since 1970: the edges (the epoch, leap days, centuries, the last millisecond of
    /// 9999), times that round to the next millisecond or second, and 20,000 random ones.
    static var times: [Double] {
        var generator = SystemRandomNumberGenerator()
        var times: [Double] = [
            0, 0.0004, 0.0005, 0.9995, 86_399.9996, 951_782_400, 951_868_799.999, 1_078_012_800, 4_107_456_000,
            1_700_000_000.123, 1_765_000_000.9999, 253_402_300_799.999, 253_402_300_799.9996, 253_402_300_800,
            -0.0004, -0.0006, -1, -86_400.5, -2_208_988_800, -62_135_596_800,
        ]
        for _ in 0..<20_000 {
            times.append(Double(Int64.random(in: 0...253_402_300_799_999, using: &generator)) / 1000 + Double.random(in: -0.0004...0.0004, using: &generator))
        }
        return times
    }

    @Test("formatting gives Foundation's text for every time, in 1970–9999 by arithmetic")
    func formatMatchesFoundation() {
        var mismatches: [String] = []
        var fast = 0
        for time in Self.times {
            let date = Date(timeIntervalSince1970: time)
            let ours = SQLTimestamp.format(date)
            if ours != Self.foundationFormat(date) { mismatches.append("\(time): \(ours) vs \(Self.foundationFormat(date))") }
            if SQLTimestamp.formatSince1970(milliseconds: Int64((time * 1000).rounded())) != nil { fast += 1 }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        // The arithmetic did the work (all but the times before 1970 and after 9999).
        #expect(fast >= 20_000)
        #expect(SQLTimestamp.formatSince1970(milliseconds: -1) == nil)
        #expect(SQLTimestamp.formatSince1970(milliseconds: 253_402_300_800_000) == nil)
        #expect(SQLTimestamp.format(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
    }

    @Test("parsing gives Foundation's time bit for bit, with and without milliseconds")
    func parseMatchesFoundation() {
        var mismatches: [String] = []
        for time in Self.times {
            let text = Self.foundationFormat(Date(timeIntervalSince1970: time))
            for form in [text, String(text.prefix(19)) + "Z"] {
                let ours = SQLTimestamp.parse(form)
                if ours != Self.foundationParse(form) { mismatches.append("\(form): \(String(describing: ours?.timeIntervalSinceReferenceDate)) vs \(String(describing: Self.foundationParse(form)?.timeIntervalSinceReferenceDate))") }
            }
            #expect(SQLTimestamp.parse(text).map(SQLTimestamp.format) == text || time < 0 || time >= 253_402_300_800)
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(SQLTimestamp.parseSince1970("2026-12-07T15:41:27.123Z") != nil)
        #expect(SQLTimestamp.parseSince1970("2026-12-07T15:41:27Z") != nil)
    }

    @Test("text the arithmetic does not take goes to Foundation, which decides")
    func otherTextFallsBack() {
        let others = [
            "", "garbage", "2026-02-30T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-12-07T24:00:00.000Z", "2026-12-07T23:60:00Z",
            "2026-12-07T23:59:60Z", "1969-12-31T23:59:59.999Z", "2026-12-07 15:41:27.123Z", "2026-12-07T15:41:27.123", "2026-12-07T15:41:27.12Z",
            "2026-12-07T15:41:27.123+00:00", "２０２６-12-07T15:41:27.123Z", "2026-12-07T15:41:27,123Z", "+026-12-07T15:41:27.123Z",
        ]
        for text in others {
            #expect(SQLTimestamp.parseSince1970(text) == nil, "\(text)")
            #expect(SQLTimestamp.parse(text) == Self.foundationParse(text), "\(text)")
        }
    }
}
