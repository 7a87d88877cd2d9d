import Foundation

/// One result row, by column name, with typed accessors that accept either backend's encoding.
public struct DatabaseRow: Sendable {
    public let values: [String: SQLValue]

    public init(values: [String: SQLValue]) {
        self.values = values
    }

    public subscript(column: String) -> SQLValue { values[column] ?? .null }

    public func int(_ column: String) throws -> Int64 {
        guard let value = optionalInt(column) else { throw DatabaseError.decoding(column: column, expected: "integer", found: self[column]) }
        return value
    }

    public func optionalInt(_ column: String) -> Int64? {
        switch self[column] {
        case .int(let value): value
        case .double(let value): Int64(exactly: value)
        case .bool(let value): value ? 1 : 0
        case .text(let text): Int64(text)
        default: nil
        }
    }

    public func string(_ column: String) throws -> String {
        guard let value = optionalString(column) else { throw DatabaseError.decoding(column: column, expected: "text", found: self[column]) }
        return value
    }

    public func optionalString(_ column: String) -> String? {
        switch self[column] {
        case .text(let text): text
        case .int(let value): String(value)
        default: nil
        }
    }

    public func bool(_ column: String) throws -> Bool {
        switch self[column] {
        case .bool(let value): return value
        case .int(let value): return value != 0
        default: throw DatabaseError.decoding(column: column, expected: "boolean", found: self[column])
        }
    }

    public func date(_ column: String) throws -> Date {
        guard let value = optionalDate(column) else { throw DatabaseError.decoding(column: column, expected: "timestamp", found: self[column]) }
        return value
    }

    public func optionalDate(_ column: String) -> Date? {
        switch self[column] {
        case .date(let date): date
        case .text(let text): SQLTimestamp.parse(text)
        default: nil
        }
    }

    public func bytes(_ column: String) throws -> [UInt8] {
        switch self[column] {
        case .blob(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        default: throw DatabaseError.decoding(column: column, expected: "blob", found: self[column])
        }
    }

    public func optionalBytes(_ column: String) -> [UInt8]? {
        if case .blob(let bytes) = self[column] { return bytes }
        return nil
    }
}
