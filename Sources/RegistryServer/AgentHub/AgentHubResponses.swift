import Foundation
import RegistryStore
import Shared

/// AgentHub's response shapes (`SkillResponse`, `MCPServerResponse`, `AgentConfigResponse`,
/// install packages), built as JSON values so that `null` fields are written as the client expects.
struct AgentHubResponses: Sendable {
    let registry: RegistryDatabase

    static func date(_ date: Date) -> JSONValue { .string(date.formatted(.iso8601)) }
    static func number(_ value: Int64) -> JSONValue { .number(Double(value)) }
    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    func author(_ asset: Asset) -> JSONValue {
        .object(["id": Self.number(asset.ownerId), "username": .string(asset.ownerUsername), "display_name": Self.optional(asset.ownerDisplayName)])
    }

    /// The item of `asset` in its collection's shape; `knownTags` saves the lookup when a list
    /// has read the tags of all its assets at once.
    func item(_ asset: Asset, knownTags: [String]? = nil) async throws -> JSONValue {
        let version = try await asset.latestVersionId.asyncMap { try await registry.assets.version(id: $0) } ?? nil
        let tags = if let knownTags { knownTags } else { try await registry.assets.tags(assetId: asset.id) }
        var fields: [String: JSONValue] = [
            "id": Self.number(asset.id),
            "name": .string(asset.name),
            "description": .string(asset.description),
            "version": Self.optional(version?.version),
            "tags": .array(tags.map(JSONValue.string)),
            "author": author(asset),
            "installs": Self.number(asset.installCount),
            "created_at": Self.date(asset.createdAt),
            "updated_at": Self.date(asset.updatedAt),
            "deprecation_message": Self.optional(asset.deprecationMessage),
        ]
        let metadata = version.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.metadataJSON.utf8)) }
        switch asset.kind {
        case .skill:
            var gitURL = "", gitRef: String?, commit = "", path = ""
            if case .git(let url, let ref, let hash, let subPath)? = version?.source {
                gitURL = url
                gitRef = ref
                commit = hash ?? ""
                path = subPath ?? ""
            }
            fields["git_url"] = .string(gitURL)
            fields["git_ref"] = Self.optional(gitRef)
            fields["commit_hash"] = .string(commit)
            fields["skill_path"] = .string(path)
            fields["readme_html"] = .string(await version.asyncMap { await Readmes(registry: registry).html(of: $0) } ?? "")
            fields["readme_content"] = .string(version?.readmeMarkdown ?? "")
            fields["source"] = .string(asset.origin == .sync ? "external" : "internal")
        case .tool:
            if case .object(let object)? = metadata {
                fields["transport"] = object["transport"] ?? .string("stdio")
                fields["config"] = object["server"] ?? .object([:])
                fields["env_vars_needed"] = object["variables_needed"] ?? .array([])
            }
        case .agent:
            let references = try await version.asyncMap { try await AssetPresenter(registry: registry).references(of: $0) } ?? []
            let skills = references.filter { $0.kind == .skill }
            let tools = references.filter { $0.kind == .tool }
            fields["prompt"] = .string(Self.prompt(version))
            fields["agent_md_content"] = .string(version?.manifest ?? "")
            fields["skill_names"] = .array(skills.map { .string($0.name) })
            fields["mcp_names"] = .array(tools.map { .string($0.name) })
            fields["referenced_skills"] = .array(skills.map(Self.reference))
            fields["referenced_mcps"] = .array(tools.map(Self.reference))
        }
        return .object(fields)
    }

    static func reference(_ reference: ReferenceStatus) -> JSONValue {
        .object(["name": .string(reference.name), "description": .string(reference.description), "status": .string(reference.status)])
    }

    /// The prompt of an agent version: the body of its AGENT.md.
    static func prompt(_ version: AssetVersion?) -> String {
        guard let version, let manifest = try? AgentManifest.parse(Array(version.manifest.utf8)) else { return version?.readmeMarkdown ?? "" }
        return manifest.prompt
    }

    func items(_ assets: [Asset]) async throws -> [JSONValue] {
        let tags = try await registry.assets.tags(assetIds: assets.map(\.id))
        var result: [JSONValue] = []
        for asset in assets { result.append(try await item(asset, knownTags: tags[asset.id] ?? [])) }
        return result
    }

    static func page(_ items: [JSONValue], total: Int, page: PageRequest) -> JSONValue {
        .object([
            "items": .array(items), "total": .number(Double(total)), "page": .number(Double(page.page)), "size": .number(Double(page.size)),
            "pages": .number(Double(page.size > 0 ? (total + page.size - 1) / page.size : 0)),
        ])
    }
}
