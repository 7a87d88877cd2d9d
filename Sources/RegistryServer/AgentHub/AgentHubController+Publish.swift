import Foundation
import Hummingbird
import RegistryStore
import Shared

/// AgentHub's publish routes: `POST /skills/upload`, `POST /skills` (git metadata), `POST /mcps`, `POST /agents`.
extension AgentHubController {
    struct SkillUpload: Decodable {
        let files: [String: String]
    }

    struct SkillFromGit: Decodable {
        let name: String
        let description: String
        let version: String?
        let tags: [String]?
        let gitUrl: String
        let gitRef: String?
        let commitHash: String
        let skillPath: String?
        let readmeContent: String
    }

    struct AgentCreate: Decodable {
        let name: String
        let description: String
        let tags: [String]?
        let prompt: String
        let agentMdContent: String?
        let skillNames: [String]?
        let mcpNames: [String]?
    }

    @Sendable func uploadSkill(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await APIJSON.decode(SkillUpload.self, from: request, limit: services.configuration.maxBodyBytes)
        let package = try AssetsController.package(from: FileMapPublishRequest(files: body.files), limits: services.packageLimits)
        return try await respond(try await services.publisher.publish(kind: .skill, package: package, publisher: identity, context: context))
    }

    /// The client's `skill publish --git`: the SKILL.md text and where it lives in git.
    @Sendable func createSkillFromGit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await APIJSON.decode(SkillFromGit.self, from: request, limit: services.configuration.maxBodyBytes)
        guard body.commitHash.count == 40, body.commitHash.allSatisfy(\.isHexDigit) else {
            throw APIError.unprocessable("commit_hash must be a 40-character hexadecimal commit id")
        }
        guard !body.gitUrl.trimmingCharacters(in: .whitespaces).isEmpty, body.gitUrl.count <= 2048 else {
            throw APIError.unprocessable("git_url must be a repository URL")
        }
        if let path = body.skillPath, !path.isEmpty, let problem = PackagePath.problem(path) {
            throw APIError.unprocessable("skill_path: \(problem)")
        }
        // The text the client sends is the whole SKILL.md; a bare README gets a frontmatter from the fields.
        var skillText = body.readmeContent
        if (try? SkillManifest.parse(Array(skillText.utf8))) == nil {
            var lines = ["---", "name: \(body.name)", "description: \(AgentManifest.yamlQuoted(body.description))"]
            if let version = body.version { lines.append("version: \(AgentManifest.yamlQuoted(version))") }
            if let tags = body.tags, !tags.isEmpty { lines.append("tags: [" + tags.map(AgentManifest.yamlQuoted).joined(separator: ", ") + "]") }
            skillText = (lines + ["---", "", body.readmeContent]).joined(separator: "\n")
        }
        let package = try AssetsController.package(from: FileMapPublishRequest(files: [SkillManifest.fileName: skillText]), limits: services.packageLimits)
        let source = VersionSource.git(url: body.gitUrl, ref: body.gitRef, commit: body.commitHash.lowercased(), path: body.skillPath ?? "")
        return try await respond(try await services.publisher.publish(kind: .skill, package: package, source: source, expectedName: body.name, publisher: identity, context: context))
    }

    /// The client's `mcp publish`: a server configuration as JSON.
    @Sendable func createMCP(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let data = try await APIJSON.jsonBody(request, limit: services.configuration.maxBodyBytes)
        let config: MCPServerConfig
        do {
            config = try MCPServerConfig.parse(Array(data), file: "request body")
        } catch {
            throw APIError.unprocessable(error.description)
        }
        let package = try AssetsController.package(from: FileMapPublishRequest(files: [MCPServerConfig.fileName: try config.canonicalJSON()]), limits: services.packageLimits)
        return try await respond(try await services.publisher.publish(kind: .tool, package: package, publisher: identity, context: context))
    }

    /// The client's `agent publish`: the AGENT.md text, or the fields to write one from.
    @Sendable func createAgent(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await APIJSON.decode(AgentCreate.self, from: request, limit: services.configuration.maxBodyBytes)
        var text = body.agentMdContent ?? ""
        let parsed = try? AgentManifest.parse(Array(text.utf8))
        let sameReferences = parsed.map { $0.skills == (body.skillNames ?? []) && $0.mcps == (body.mcpNames ?? []) && $0.name == body.name } ?? false
        if !sameReferences {
            text = AgentManifest.render(name: body.name, description: body.description, skills: body.skillNames ?? [], mcps: body.mcpNames ?? [], tags: body.tags ?? [], prompt: body.prompt)
        }
        let package = try AssetsController.package(from: FileMapPublishRequest(files: [AgentManifest.fileName: text]), limits: services.packageLimits)
        return try await respond(try await services.publisher.publish(kind: .agent, package: package, expectedName: body.name, publisher: identity, context: context))
    }

    private func respond(_ outcome: PublishService.Outcome) async throws -> Response {
        guard let asset = try await services.registry.assets.find(id: outcome.assetId) else {
            throw APIError.notFound("the agent '\(outcome.name)' was removed while it was published")
        }
        let item = try await responses.item(asset)
        return try APIJSON.response(item, status: outcome.created ? .created : .ok)
    }
}
