import Foundation

/// A parsed `SKILL.md`: the fields the registry uses, everything else kept as written.
public struct SkillManifest: Sendable, Equatable {
    public static let fileName = "SKILL.md"
    /// The Agent Skills limits real repositories break: exceeded, they give warnings, not errors.
    public static let descriptionLimit = 1024
    public static let bodyLineLimit = 500

    public let name: String
    public let description: String
    public let version: SemanticVersion?
    public let license: String?
    /// Text or a mapping, as written.
    public let compatibility: JSONValue?
    public let allowedTools: [String]?
    public let metadata: [String: JSONValue]?
    public let tags: [String]
    /// Every frontmatter key, unknown ones included.
    public let frontmatter: [String: JSONValue]
    public let body: String
    public let warnings: [String]

    public static func parse(_ bytes: [UInt8], file: String = fileName) throws(ManifestError) -> SkillManifest {
        let document = try Frontmatter(bytes: bytes, file: file)
        return try SkillManifest(document, file: file)
    }

    init(_ document: Frontmatter, file: String) throws(ManifestError) {
        name = try document.requiredString("name", file: file)
        if let problem = AssetName.problem(name) { throw ManifestError(file: file, field: "name", problem) }
        description = try document.requiredString("description", file: file)
        version = try Self.version(document, file: file)
        license = try document.optionalString("license", file: file)
        switch document.fields["compatibility"] {
        case nil, .null: compatibility = nil
        case .string(let text)?: compatibility = .string(text)
        case .object(let object)?: compatibility = .object(object)
        case let other?: throw ManifestError(file: file, field: "compatibility", "must be text or a mapping, not \(Frontmatter.typeName(other))")
        }
        switch document.fields["allowed-tools"] {
        case .string(let text)?:
            // The Agent Skills format writes them space-separated.
            allowedTools = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        default:
            allowedTools = try document.stringList("allowed-tools", file: file)
        }
        switch document.fields["metadata"] {
        case nil, .null: metadata = nil
        case .object(let object)?: metadata = object
        case let other?: throw ManifestError(file: file, field: "metadata", "must be a mapping of `key: value`, not \(Frontmatter.typeName(other))")
        }
        tags = try Self.tags(document, file: file)
        frontmatter = document.fields
        body = document.body

        var warnings: [String] = []
        if description.count > Self.descriptionLimit {
            warnings.append("\(file): description has \(description.count) characters; the Agent Skills limit is \(Self.descriptionLimit)")
        }
        // Counted in the bytes (the frontmatter reader made every line end a LF).
        let lines = TextScan.lineCount(body)
        if lines > Self.bodyLineLimit {
            warnings.append("\(file): body has \(lines) lines; the Agent Skills guideline is at most \(Self.bodyLineLimit)")
        }
        self.warnings = warnings
    }

    static func version(_ document: Frontmatter, file: String) throws(ManifestError) -> SemanticVersion? {
        guard let text = try document.optionalString("version", file: file) else { return nil }
        guard let version = SemanticVersion(text) else {
            throw ManifestError(file: file, field: "version", "'\(text)' is not a semantic version; write it like 1.2.3")
        }
        return version
    }

    /// Tags: a list of text, each as ``AssetTag`` allows, lower-cased, duplicates dropped.
    static func tags(_ document: Frontmatter, file: String) throws(ManifestError) -> [String] {
        if case .string? = document.fields["tags"] {
            throw ManifestError(file: file, field: "tags", "must be a list, e.g. `tags: [pdf, documents]`")
        }
        var result: [String] = []
        for tag in try document.stringList("tags", file: file) ?? [] {
            guard let normalised = AssetTag.normalised(tag) else {
                throw ManifestError(file: file, field: "tags", "each tag must be 1 to \(AssetTag.maximumLength) characters on one line, without control characters; '\(tag.prefix(70))' is not")
            }
            if !result.contains(normalised) { result.append(normalised) }
        }
        guard result.count <= AssetTag.maximumCount else { throw ManifestError(file: file, field: "tags", "at most \(AssetTag.maximumCount) tags are allowed") }
        return result
    }
}
