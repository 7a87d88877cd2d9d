import Foundation

/// A value bound into a statement or read from a row, the same for both backends.
///
/// Dates are UTC: PostgreSQL stores them as `TIMESTAMPTZ`, SQLite as ISO-8601 text with
/// milliseconds and `Z`, which sorts chronologically as text.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
    case bool(Bool)
    case date(Date)

    public static func optional(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    public static func optional(_ value: Int64?) -> SQLValue { value.map(SQLValue.int) ?? .null }
    public static func optional(_ value: Date?) -> SQLValue { value.map(SQLValue.date) ?? .null }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// Formats and parses the text form of timestamps stored in SQLite.
public enum SQLTimestamp {
    /// Milliseconds, rounded: a time read back from PostgreSQL (microseconds, through a binary
    /// `Date`) is written as the same millisecond it was stored with, not one below.
    /// (The formatter truncates a binary fraction, so the milliseconds are counted as an integer.)
    public static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = Date(timeIntervalSince1970: TimeInterval(fraction < 0 ? seconds - 1 : seconds))
        let text = whole.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        let digits = String(fraction < 0 ? fraction + 1000 : fraction)
        return text.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text) {
            return date
        }
        return try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text)
    }
}
