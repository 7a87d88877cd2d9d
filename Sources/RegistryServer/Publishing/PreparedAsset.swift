import Foundation
import Shared

/// What a package says about itself once its manifest is read: the kind's rules applied.
struct PreparedAsset: Sendable {
    let kind: AssetKind
    let name: String
    let description: String
    let version: SemanticVersion?
    let tags: [String]
    let manifestText: String
    let metadataJSON: String
    let readmeMarkdown: String
    let warnings: [String]
    let references: [(kind: AssetKind, name: String)]
    /// The package as stored (for tools: with secret values replaced by variable references).
    let package: AssetPackage

    /// Reads the manifest of `package` for `kind`; a bad manifest is a 422 naming the file and field.
    static func prepare(kind: AssetKind, package: AssetPackage, limits: PackageLimits) throws -> PreparedAsset {
        do {
            let prepared = switch kind {
            case .skill: try skill(package)
            case .agent: try agent(package)
            case .tool: try tool(package, limits: limits)
            }
            // Both databases keep these as text: a NUL is refused here, the same on either
            // (PostgreSQL cannot store one; SQLite would cut it short in places).
            // (Searched in the bytes: Foundation's `contains` was 3 % of a first sync, and a walk
            // of the UTF-8 view 8 % of preparing a package.)
            if [prepared.description, prepared.manifestText, prepared.readmeMarkdown].contains(where: TextScan.containsNUL)
                || Self.containsEscapedNUL(prepared.metadataJSON) {
                throw APIError.unprocessable("the manifest or README holds a NUL (\\u0000) character; remove it")
            }
            return prepared
        } catch let error as ManifestError {
            throw APIError.unprocessable(error.description)
        } catch let error as PackageError {
            throw APIError.unprocessable(error.description)
        }
    }

    /// True when JSON text holds the escape `\u0000` (the only way JSON writes a NUL). Escapes
    /// are read in order, so an escaped backslash followed by `u0000` is text, not a NUL.
    static func containsEscapedNUL(_ json: String) -> Bool {
        let nul = Array("u0000".utf8)
        var json = json
        return json.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: "\\") else { index += 1; continue }
                if index + nul.count < bytes.count, (0..<nul.count).allSatisfy({ bytes[index + 1 + $0] == nul[$0] }) { return true }
                index += 2  // past the escape and the character it escapes
            }
            return false
        }
    }

    private static func skill(_ package: AssetPackage) throws -> PreparedAsset {
        guard let file = package.file(SkillManifest.fileName) else {
            throw APIError.unprocessable("the package has no SKILL.md at its root; a skill is a folder with a SKILL.md")
        }
        let manifest = try SkillManifest.parse(file.contents)
        return PreparedAsset(
            kind: .skill, name: manifest.name, description: manifest.description, version: manifest.version, tags: manifest.tags,
            manifestText: file.text ?? "", metadataJSON: JSONValue.object(manifest.frontmatter).jsonText, readmeMarkdown: manifest.body,
            warnings: manifest.warnings, references: [], package: package
        )
    }

    private static func agent(_ package: AssetPackage) throws -> PreparedAsset {
        let topLevelMarkdown = package.files.filter { !$0.path.contains("/") && $0.path.hasSuffix(".md") && $0.path != "README.md" }
        guard let file = package.file(AgentManifest.fileName) ?? (topLevelMarkdown.count == 1 ? topLevelMarkdown[0] : nil) else {
            throw APIError.unprocessable("the package has no AGENT.md at its root (or a single agent .md file, as in .claude/agents/)")
        }
        let manifest = try AgentManifest.parse(file.contents, file: file.path)
        let readme = package.file("README.md")?.text ?? manifest.prompt
        return PreparedAsset(
            kind: .agent, name: manifest.name, description: manifest.description, version: manifest.version, tags: manifest.tags,
            manifestText: file.text ?? "", metadataJSON: JSONValue.object(manifest.frontmatter).jsonText, readmeMarkdown: readme,
            warnings: manifest.warnings,
            references: manifest.skills.map { (AssetKind.skill, $0) } + manifest.mcps.map { (AssetKind.tool, $0) },
            package: package
        )
    }

    private static func tool(_ package: AssetPackage, limits: PackageLimits) throws -> PreparedAsset {
        guard let file = package.file(MCPServerConfig.fileName) else {
            throw APIError.unprocessable("the package has no mcp.json at its root; a tool is an MCP server configuration")
        }
        let config = try MCPServerConfig.parse(file.contents)
        var warnings: [String] = []
        // Secret values are never stored: the package keeps `${VARIABLE}` references in their place.
        var stored = config
        stored.env = Dictionary(uniqueKeysWithValues: config.env.keys.map { ($0, "${\($0)}") })
        stored.headers = Dictionary(uniqueKeysWithValues: config.headers.keys.map { ($0, "${\(config.variableName(forHeader: $0))}") })
        let dropped = config.env.filter { $0.value != "${\($0.key)}" && !$0.value.isEmpty }.keys.sorted()
            + config.headers.filter { !$0.value.hasPrefix("${") }.keys.sorted()
        if !dropped.isEmpty {
            warnings.append("mcp.json: the values of \(dropped.joined(separator: ", ")) were not stored; installers set them as environment variables")
        }
        let storedText = try stored.canonicalJSON()
        var files = package.files.filter { $0.path != MCPServerConfig.fileName }
        files.append(PackageFile(path: MCPServerConfig.fileName, text: storedText))
        let storedPackage = try AssetPackage(files: files, limits: limits)
        let readme = package.file("README.md")?.text ?? config.description
        // Existing clients send empty tags; a tag the rule refuses is left out and said so.
        var tags: [String] = []
        for tag in config.tags {
            if let normalised = AssetTag.normalised(tag) {
                if !tags.contains(normalised) { tags.append(normalised) }
            } else if !tag.trimmingCharacters(in: .whitespaces).isEmpty {
                warnings.append("mcp.json: the tag '\(tag.prefix(70))' was left out; a tag is 1 to \(AssetTag.maximumLength) characters without control characters")
            }
        }
        let metadata = JSONValue.object([
            "transport": .string(config.transport.rawValue),
            "server": .object(stored.publicServerEntry),
            "variables_needed": .array(config.variablesNeeded.map(JSONValue.string)),
        ])
        return PreparedAsset(
            kind: .tool, name: config.name, description: config.description, version: config.version.flatMap(SemanticVersion.init), tags: tags,
            manifestText: storedText, metadataJSON: metadata.jsonText, readmeMarkdown: readme, warnings: warnings, references: [],
            package: storedPackage
        )
    }
}
