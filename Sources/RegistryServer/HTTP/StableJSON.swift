import Foundation
import Shared

/// A value that writes its own JSON, byte for byte what `APIJSON.stableEncoder` makes of it:
/// keys in snake_case and sorted, `nil` optionals left out, dates in ISO 8601 whole UTC seconds,
/// `/` not escaped. For the asset lists: `JSONEncoder` was a fifth of an uncached search (its
/// boxes, key conversion and sorting for each of the page's 240 fields). A test compares the two
/// on generated pages, so a field added to a type and not here fails it.
protocol StableJSONWritable {
    func write(to json: inout StableJSON)
}

/// The bytes of a JSON document being written.
struct StableJSON {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    static func encode(_ value: some StableJSONWritable, capacity: Int = 4_096) -> [UInt8] {
        var json = StableJSON(capacity: capacity)
        value.write(to: &json)
        return json.bytes
    }

    /// `{`, `}`, `[`, `]`, `,` and keys: text written as it is.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// `"key":` (keys are ours: plain ASCII, nothing to escape).
    mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    mutating func string(_ value: String) {
        JSONText.appendString(value, to: &bytes)
    }

    mutating func int(_ value: Int64) {
        // A number's text fits in a small string: no allocation.
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func int(_ value: Int) { int(Int64(value)) }

    /// `"2026-11-22T08:05:09Z"`: the second the date falls in, as `JSONEncoder`'s `.iso8601` writes it.
    mutating func date(_ value: Date) {
        let seconds = value.timeIntervalSince1970.rounded(.down)
        // Years 1970 to 9999 by arithmetic; anything else (never stored) by Foundation's formatter.
        guard seconds >= 0, seconds < 253_402_300_800 else {
            string(value.formatted(Date.ISO8601FormatStyle()))
            return
        }
        let total = Int64(seconds)
        let (days, secondOfDay) = total.quotientAndRemainder(dividingBy: 86_400)
        let (year, month, day) = Self.civil(daysSince1970: days)
        bytes.append(UInt8(ascii: "\""))
        digits(year, count: 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, count: 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, count: 2)
        bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3_600, count: 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, count: 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, count: 2)
        bytes.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
    }

    private mutating func digits(_ value: Int64, count: Int) {
        var divisor: Int64 = 1
        for _ in 1..<count { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`, for days ≥ 0).
    static func civil(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension AssetSummary: StableJSONWritable {
    func write(to json: inout StableJSON) {
        json.raw("{")
        var first = true
        if let deprecationMessage {
            json.key("deprecation_message", first: true)
            json.string(deprecationMessage)
            first = false
        }
        json.key("description", first: first)
        json.string(description)
        json.key("id")
        json.int(id)
        json.key("installs")
        json.int(installs)
        json.key("kind")
        json.string(kind.rawValue)
        if let latestVersion {
            json.key("latest_version")
            json.string(latestVersion)
        }
        json.key("name")
        json.string(name)
        json.key("origin")
        json.string(origin)
        json.key("owner")
        json.string(owner)
        json.key("status")
        json.string(status)
        json.key("tags")
        json.raw("[")
        for (index, tag) in tags.enumerated() {
            if index > 0 { json.raw(",") }
            json.string(tag)
        }
        json.raw("]")
        json.key("updated_at")
        json.date(updatedAt)
        json.raw("}")
    }
}

extension Page: StableJSONWritable where Item: StableJSONWritable {
    func write(to json: inout StableJSON) {
        json.raw("{")
        json.key("items", first: true)
        json.raw("[")
        for (index, item) in items.enumerated() {
            if index > 0 { json.raw(",") }
            item.write(to: &json)
        }
        json.raw("]")
        json.key("page")
        json.int(page)
        json.key("pages")
        json.int(pages)
        json.key("size")
        json.int(size)
        json.key("total")
        json.int(total)
        json.raw("}")
    }
}
