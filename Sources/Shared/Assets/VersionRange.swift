/// Which versions a user asks for: `1.2.3` (exactly), `^1.2` (compatible: same major, or same
/// minor below 1.0), `~1.2` (same minor), `1`, `1.2`, `1.x`, `1.2.*` (wildcards), `*` or
/// `latest` (anything), or comparators `>=1.2 <2`, `>1.0.0`, `<=2.0.0`, `<2` joined by spaces.
///
/// Pre-releases match only a range that names a pre-release of the same `major.minor.patch`, as in
/// npm and Cargo, so `^1.2` never moves anyone onto `2.0.0-beta`.
public struct VersionRange: Sendable, Equatable, CustomStringConvertible {
    enum Bound: Sendable, Equatable {
        case atLeast(SemanticVersion), above(SemanticVersion), atMost(SemanticVersion), below(SemanticVersion)

        func admits(_ version: SemanticVersion) -> Bool {
            switch self {
            case .atLeast(let bound): version >= bound
            case .above(let bound): version > bound
            case .atMost(let bound): version <= bound
            case .below(let bound): version < bound
            }
        }

        var version: SemanticVersion {
            switch self {
            case .atLeast(let bound), .above(let bound), .atMost(let bound), .below(let bound): bound
            }
        }
    }

    /// The text as written.
    public let description: String
    let bounds: [Bound]
    /// The exact version, when the range is one.
    public let exact: SemanticVersion?

    /// Parses `text`; nil when it is not a range.
    public init?(_ text: String) {
        let text = text.trimmedOfSpaces(includingNewlines: false)
        guard !text.isEmpty, text.count <= 100 else { return nil }
        description = text
        if text == "*" || text == "latest" || text.lowercased() == "x" {
            bounds = []
            exact = nil
            return
        }
        var bounds: [Bound] = []
        var exact: SemanticVersion?
        let terms = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        for term in terms {
            if term.hasPrefix("^") || term.hasPrefix("~") {
                guard terms.count == 1, let (low, given) = Self.partial(String(term.dropFirst())) else { return nil }
                let high: SemanticVersion
                if term.hasPrefix("^") {
                    high = low.major > 0 || given == 1 ? SemanticVersion(major: low.major + 1, minor: 0, patch: 0)
                        : low.minor > 0 || given == 2 ? SemanticVersion(major: 0, minor: low.minor + 1, patch: 0)
                        : SemanticVersion(major: 0, minor: 0, patch: low.patch + 1)
                } else {
                    high = given == 1 ? SemanticVersion(major: low.major + 1, minor: 0, patch: 0) : SemanticVersion(major: low.major, minor: low.minor + 1, patch: 0)
                }
                bounds = [.atLeast(low), .below(high)]
            } else if let (operatorText, rest) = Self.comparator(term) {
                guard let (version, _) = Self.partial(rest) else { return nil }
                switch operatorText {
                case ">=": bounds.append(.atLeast(version))
                case ">": bounds.append(.above(version))
                case "<=": bounds.append(.atMost(version))
                default: bounds.append(.below(version))
                }
            } else if let (low, given) = Self.partial(term) {
                guard terms.count == 1 else { return nil }
                if given == 3 {
                    exact = low
                    bounds = [.atLeast(low), .atMost(low)]
                } else {
                    let high = given == 1 ? SemanticVersion(major: low.major + 1, minor: 0, patch: 0) : SemanticVersion(major: low.major, minor: low.minor + 1, patch: 0)
                    bounds = [.atLeast(low), .below(high)]
                }
            } else {
                return nil
            }
        }
        guard !bounds.isEmpty else { return nil }
        self.bounds = bounds
        self.exact = exact
    }

    /// Whether `version` is in the range.
    public func contains(_ version: SemanticVersion) -> Bool {
        guard bounds.allSatisfy({ $0.admits(version) }) else { return false }
        if version.prerelease.isEmpty || exact == version { return true }
        return bounds.contains { !$0.version.prerelease.isEmpty && ($0.version.major, $0.version.minor, $0.version.patch) == (version.major, version.minor, version.patch) }
    }

    /// The highest of `versions` in the range.
    public func best(of versions: [SemanticVersion]) -> SemanticVersion? {
        versions.filter(contains).max()
    }

    /// `>=`, `>`, `<=` or `<` and the rest of the term.
    private static func comparator(_ term: String) -> (String, String)? {
        for operatorText in [">=", "<=", ">", "<"] where term.hasPrefix(operatorText) {
            return (operatorText, String(term.dropFirst(operatorText.count)))
        }
        return nil
    }

    /// A version with 1 to 3 numbers (missing or `x`/`*` parts are 0), and how many were given.
    private static func partial(_ text: String) -> (SemanticVersion, Int)? {
        let text = text.hasPrefix("v") ? String(text.dropFirst()) : text
        if text.contains("-") || text.contains("+") {
            // A pre-release or build only on a full version.
            guard let version = SemanticVersion(text), text.split(separator: "-", maxSplits: 1)[0].split(separator: ".").count == 3 else { return nil }
            return (version, 3)
        }
        var parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count) else { return nil }
        if let wildcard = parts.firstIndex(where: { $0 == "x" || $0 == "X" || $0 == "*" }) {
            guard wildcard > 0, parts[wildcard...].allSatisfy({ $0 == "x" || $0 == "X" || $0 == "*" }) else { return nil }
            parts = Array(parts[..<wildcard])
        }
        guard let version = SemanticVersion(parts.joined(separator: ".")) else { return nil }
        return (version, parts.count)
    }
}
