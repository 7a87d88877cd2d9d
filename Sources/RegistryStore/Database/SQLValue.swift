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
///
/// Times from 1970 to 9999 in the stored form (`2026-12-07T15:41:27.123Z`, or without the
/// milliseconds) are done by arithmetic on the days since 1970. Foundation's ISO-8601 style took
/// about 1 µs to format and 0.65 µs to parse one, and a first sync of 500 skills formats about
/// 3,000 on the writer's thread. Anything else (earlier years, where Foundation's calendar is
/// Julian, or text in another form) goes to Foundation as before. A test compares both ways on
/// 20,000 random times, bit for bit.
public enum SQLTimestamp {
    /// Milliseconds, rounded: a time read back from PostgreSQL (microseconds, through a binary
    /// `Date`) is written as the same millisecond it was stored with, not one below.
    /// (The formatter truncates a binary fraction, so the milliseconds are counted as an integer.)
    public static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        if let text = formatSince1970(milliseconds: milliseconds) { return text }
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = Date(timeIntervalSince1970: TimeInterval(fraction < 0 ? seconds - 1 : seconds))
        let text = whole.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        let digits = String(fraction < 0 ? fraction + 1000 : fraction)
        return text.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    public static func parse(_ text: String) -> Date? {
        if let date = parseSince1970(text) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text) {
            return date
        }
        return try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for a time from 1970 to 9999 (the days turned into a date as in
    /// Howard Hinnant's `civil_from_days`); nil for any other time.
    static func formatSince1970(milliseconds: Int64) -> String? {
        guard milliseconds >= 0 else { return nil }
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let shifted = days + 719_468 // days since 0000-03-01
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153 // 0 = March
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        guard year <= 9999 else { return nil }
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int64, _ digits: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0); buffer[4] = UInt8(ascii: "-")
            put(month, 2, at: 5); buffer[7] = UInt8(ascii: "-")
            put(day, 2, at: 8); buffer[10] = UInt8(ascii: "T")
            put(secondOfDay / 3_600, 2, at: 11); buffer[13] = UInt8(ascii: ":")
            put(secondOfDay / 60 % 60, 2, at: 14); buffer[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, 2, at: 17); buffer[19] = UInt8(ascii: ".")
            put(fraction, 3, at: 20); buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// The time of `YYYY-MM-DDTHH:MM:SS.mmmZ` or `YYYY-MM-DDTHH:MM:SSZ` from 1970 to 9999, as
    /// Foundation makes it (seconds since 2001 plus the fraction); nil for any other text, which
    /// Foundation then reads.
    static func parseSince1970(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { utf8 -> Date? in
            guard utf8.count == 24 || utf8.count == 20, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"), utf8[10] == UInt8(ascii: "T"),
                  utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":"), utf8[utf8.count - 1] == UInt8(ascii: "Z") else { return nil }
            func number(at offset: Int, _ digits: Int) -> Int64? {
                var value: Int64 = 0
                for index in offset..<(offset + digits) {
                    let byte = utf8[index]
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = number(at: 0, 4), let month = number(at: 5, 2), let day = number(at: 8, 2),
                  let hour = number(at: 11, 2), let minute = number(at: 14, 2), let second = number(at: 17, 2) else { return nil }
            var milliseconds: Int64 = 0
            if utf8.count == 24 {
                guard utf8[19] == UInt8(ascii: "."), let fraction = number(at: 20, 3) else { return nil }
                milliseconds = fraction
            }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let daysInMonth: Int64 = month == 2 ? (leap ? 29 : 28) : (month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31)
            guard year >= 1970, (1...12).contains(month), (1...daysInMonth).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
            // Howard Hinnant's `days_from_civil`, for years from 1970.
            let marchYear = month <= 2 ? year - 1 : year
            let era = marchYear / 400
            let yearOfEra = marchYear - era * 400
            let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = era * 146_097 + dayOfEra - 719_468
            let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
            return Date(timeIntervalSinceReferenceDate: Double(seconds - 978_307_200) + Double(milliseconds) / 1000)
        }
    }
}
