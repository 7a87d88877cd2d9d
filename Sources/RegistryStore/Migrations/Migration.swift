import Foundation
import Shared

/// One numbered schema change with its SQL for each dialect, up and down.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    private let up: [SQLDialect: String]
    private let down: [SQLDialect: String]

    public init(version: Int, name: String, up: [SQLDialect: String], down: [SQLDialect: String]) {
        self.version = version
        self.name = name
        self.up = up
        self.down = down
    }

    public var identifier: String { String(format: "%04d_%@", version, name) }

    public func upSQL(for dialect: SQLDialect) -> String { up[dialect] ?? "" }
    public func downSQL(for dialect: SQLDialect) -> String { down[dialect] ?? "" }

    /// Identifies the text of the up migration: a landed migration must never be edited.
    public func checksum(for dialect: SQLDialect) -> String {
        SHA256Hex.hex(upSQL(for: dialect))
    }

    /// The statements of `sql` in order, split on `;` outside quotes, comments and trigger bodies.
    public static func statements(in sql: String) -> [String] {
        SQLStatementSplitter.split(sql)
    }
}

/// Splits a migration file into single statements: both backends prepare one statement at a time.
enum SQLStatementSplitter {
    static func split(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var quote: Character?
        var lineComment = false
        var blockComment = false
        var previous: Character = " "
        var word = ""
        var lastWord = ""

        func finishStatement() {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty, !isOnlyComments(trimmed) { statements.append(trimmed) }
            current = ""
            lastWord = ""
            word = ""
        }

        for character in sql {
            if lineComment {
                current.append(character)
                if character == "\n" { lineComment = false }
                previous = character
                continue
            }
            if blockComment {
                current.append(character)
                if previous == "*" && character == "/" { blockComment = false }
                previous = character
                continue
            }
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
                previous = character
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
            case "-" where previous == "-":
                lineComment = true
            case "*" where previous == "/":
                blockComment = true
            default:
                break
            }
            if character.isLetter || character.isNumber || character == "_" {
                word.append(character)
            } else if !word.isEmpty {
                lastWord = word.uppercased()
                word = ""
            }
            if character == ";" && !lineComment && !blockComment {
                if isTrigger(current) && lastWord != "END" {
                    current.append(character)
                } else {
                    finishStatement()
                }
                previous = character
                continue
            }
            current.append(character)
            previous = character
        }
        finishStatement()
        return statements
    }

    private static func isTrigger(_ statement: String) -> Bool {
        let words = statement.uppercased().split(whereSeparator: { $0.isWhitespace }).prefix(4)
        guard words.first == "CREATE" else { return false }
        return words.contains("TRIGGER")
    }

    private static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") || $0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}
