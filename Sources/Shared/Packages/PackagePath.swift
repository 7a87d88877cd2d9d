import Foundation

/// Rules for the paths of files in a package. A path is relative, `/`-separated, normalised
/// (no `.`, `..` or empty parts), without backslashes, NUL or control characters.
public enum PackagePath {
    public static let maxBytes = 1024
    public static let maxComponentBytes = 255
    public static let maxDepth = 32

    /// nil when `path` is acceptable, otherwise what is wrong with it.
    public static func problem(_ path: String) -> String? {
        if path.isEmpty { return "a file path is empty" }
        if path.utf8.count > maxBytes { return "path '\(path.prefix(80))…' is longer than \(maxBytes) bytes" }
        if path.utf8.contains(0) { return "path '\(printable(path))' contains a NUL character" }
        if path.utf8.contains(UInt8(ascii: "\\")) { return "path '\(printable(path))' contains a backslash; use '/' between folders" }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "path '\(printable(path))' contains a control character" }
        if path.hasPrefix("/") { return "path '\(path)' is absolute; paths must be relative to the package root" }
        if path.count >= 2, path.dropFirst().first == ":", path.first?.isLetter == true { return "path '\(path)' looks like a Windows drive path" }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if components.count > maxDepth { return "path '\(path)' is nested deeper than \(maxDepth) folders" }
        for component in components {
            if component.isEmpty { return "path '\(path)' has an empty part ('//' or a trailing '/')" }
            if component == "." || component == ".." { return "path '\(path)' contains '\(component)'; '.' and '..' are not allowed" }
            if component.utf8.count > maxComponentBytes { return "path '\(path.prefix(80))…' has a part longer than \(maxComponentBytes) bytes" }
        }
        return nil
    }

    /// The form two paths are compared in for duplicates: Unicode NFC and case-folded, so that
    /// `A.md`, `a.md` and a decomposed `é` cannot stand beside each other (they collide on
    /// macOS and Windows checkouts).
    /// (An ASCII path is its own NFC form: Foundation's normalisation, a third of checking a
    /// package's paths, is left to the others.)
    public static func collisionKey(_ path: String) -> String {
        path.utf8.allSatisfy({ $0 < 0x80 }) ? path.lowercased() : path.precomposedStringWithCanonicalMapping.lowercased()
    }

    static func printable(_ path: String) -> String {
        String(path.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
