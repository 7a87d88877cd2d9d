/// The three kinds of asset a registry holds.
public enum AssetKind: String, Codable, Sendable, CaseIterable {
    case skill
    case agent
    case tool
}

/// Asset names: `^[a-z0-9]+(-[a-z0-9]+)*$`, at most 64 characters, unique per kind.
public enum AssetName {
    public static let maxLength = 64

    /// nil when `name` is acceptable, otherwise what to fix.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "name must not be empty" }
        if name.utf8.count > maxLength { return "name must be at most \(maxLength) characters (it has \(name.utf8.count))" }
        let bytes = Array(name.utf8)
        let allowed = bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        if !allowed { return "name '\(name)' may only contain lower-case letters a-z, digits and single hyphens, e.g. 'pdf-tools'" }
        if bytes.first == 0x2D || bytes.last == 0x2D { return "name '\(name)' must not start or end with a hyphen" }
        if name.contains("--") { return "name '\(name)' must not contain two hyphens in a row" }
        return nil
    }
}
