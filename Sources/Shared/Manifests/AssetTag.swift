import Foundation

/// The one rule for tags, whatever the kind of asset and wherever they come from.
public enum AssetTag {
    /// The most tags one asset carries.
    public static let maximumCount = 32
    /// The longest tag, in Unicode scalars — what both databases count (`length`, `char_length`).
    public static let maximumLength = 64

    /// The stored form of a tag: lower-cased and trimmed. `nil` when that is empty, longer than
    /// ``maximumLength``, or holds a control or line-breaking character (NUL included, which
    /// PostgreSQL cannot store and SQLite's `length` stops at).
    public static func normalised(_ tag: String) -> String? {
        let value = tag.lowercased().trimmedOfSpaces(includingNewlines: false)
        guard (1...maximumLength).contains(value.unicodeScalars.count) else { return nil }
        let forbidden = value.unicodeScalars.contains { scalar in
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator, .surrogate: true
            default: false
            }
        }
        return forbidden ? nil : value
    }
}
