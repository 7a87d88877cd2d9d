import Foundation

/// Any JSON value: how manifest fields that are kept as written (metadata, compatibility,
/// unknown keys) are stored and returned.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// A number as manifest text: a whole number without a fraction (`3`, not `3.0`), any other
    /// as Swift writes it (`2.5`, `1e+300`, `inf`). `Int64(exactly:)`, because a whole number
    /// beyond Int64 (`1.7976931348623157e308`, `.inf` in YAML) stopped the server in `Int64(_:)`.
    public static func text(ofNumber number: Double) -> String {
        Int64(exactly: number).map(String.init) ?? String(number)
    }

    /// Converts what a YAML or JSON parser produced (`[String: Any]`, `[Any]`, scalars).
    public init(any value: Any?) {
        switch value {
        case nil, is NSNull: self = .null
        case let value as Bool: self = .bool(value)
        case let value as Int: self = .number(Double(value))
        case let value as Int64: self = .number(Double(value))
        case let value as Double: self = .number(value)
        case let value as String: self = .string(value)
        case let value as Date: self = .string(value.formatted(.iso8601))
        case let value as Data: self = .string(value.base64EncodedString())
        case let value as [Any]: self = .array(value.map { JSONValue(any: $0) })
        case let value as [String: Any]: self = .object(value.mapValues { JSONValue(any: $0) })
        case let value as [AnyHashable: Any]:
            self = .object(Dictionary(value.map { ("\($0.key.base)", JSONValue(any: $0.value)) }, uniquingKeysWith: { first, _ in first }))
        default: self = .string("\(value!)")
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Compact JSON text with sorted keys, as `JSONEncoder` writes it with `.sortedKeys` and
    /// `.withoutEscapingSlashes`. Written by hand (``JSONText``) when every key is lower-case ASCII
    /// letters and hyphens (as manifests' keys are: the order is then byte order, whatever
    /// Foundation's comparison does with digits and case) and every number is whole and below
    /// 10^15 (written as an integer); otherwise by `JSONEncoder`.
    public var jsonText: String {
        if let text = handWritten { return text }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// ``jsonText`` written by hand, or nil when a key or a number is one that `JSONEncoder` must
    /// write.
    var handWritten: String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        return Self.write(self, to: &bytes) ? String(decoding: bytes, as: UTF8.self) : nil
    }

    /// Writes `value` as ``jsonText`` does; false (with `bytes` partly written) when a key or a
    /// number is one that `JSONEncoder` must write.
    private static func write(_ value: JSONValue, to bytes: inout [UInt8]) -> Bool {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value):
            guard value.rounded() == value, abs(value) < 1e15 else { return false }
            bytes.append(contentsOf: String(Int64(value)).utf8)
        case .string(let value): JSONText.appendString(value, to: &bytes)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                guard write(element, to: &bytes) else { return false }
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            guard object.keys.allSatisfy(isPlainKey) else { return false }
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in object.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONText.appendString(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                guard write(object[key]!, to: &bytes) else { return false }
            }
            bytes.append(UInt8(ascii: "}"))
        }
        return true
    }

    private static func isPlainKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "-") }
    }
}
