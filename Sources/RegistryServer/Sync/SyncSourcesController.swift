import Foundation
import Hummingbird
import RegistryStore
import Shared
import SyncWorker

/// Sync sources (admin): add with credentials, edit, delete, run now, run history with
/// diagnostics; AgentHub's `/admin/import` and `/sync/git`. Credentials are sealed on the way in
/// and never returned.
struct SyncSourcesController {
    let services: AppServices

    struct SourceRequest: Decodable {
        let name: String?
        let url: String?
        let gitUrl: String?
        let branch: String?
        let subPath: String?
        let token: String?
        let username: String?
        let intervalSeconds: Int?
        let enabled: Bool?
        var sshPrivateKey: String? = nil
        var sshHostFingerprint: String? = nil
        /// "git" (default), "github_org" or "gitlab_group"
        var kind: String? = nil
        var organization: String? = nil
        var group: String? = nil
        var apiUrl: String? = nil
    }

    struct GitURLRequest: Decodable {
        let gitUrl: String
    }

    func addRoutes(admin: RouterGroup<AppRequestContext>, api: RouterGroup<AppRequestContext>) {
        admin.get("sync-sources", use: list)
        admin.post("sync-sources", use: create)
        admin.get("sync-sources/:id", use: detail)
        admin.put("sync-sources/:id", use: update)
        admin.delete("sync-sources/:id", use: delete)
        admin.post("sync-sources/:id/sync", use: syncNow)
        admin.get("sync-sources/:id/runs", use: runs)
        admin.get("sync-runs/:id", use: run)
        admin.post("import", use: importRepository)
        api.post("sync/git", use: syncGit)
    }

    // MARK: - Sources

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        var items: [JSONValue] = []
        for source in try await services.registry.sync.sources() { items.append(try await describe(source)) }
        return try APIJSON.response(.array(items))
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        return try APIJSON.response(try await describe(try await source(context)))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireAdmin()
        let body = try await APIJSON.decode(SourceRequest.self, from: request, limit: 64 * 1024)
        let fields = try validate(body, existing: nil)
        let source = try await Self.namedUniquely(fields.name) { try await services.registry.transaction { stores in
            let source = try await stores.sync.createSource(fields, ownerId: admin.method == .adminKey ? try await stores.users.find(username: services.configuration.adminUsername)?.id : admin.user.id)
            try await stores.audit.record(context.auditEvent("sync_source.create", targetType: "sync_source", targetId: String(source.id), detail: ["url": LibGit2.redact(source.url)]))
            return source
        } }
        return try APIJSON.response(try await describe(source), status: .created)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let existing = try await source(context)
        let body = try await APIJSON.decode(SourceRequest.self, from: request, limit: 64 * 1024)
        let fields = try validate(body, existing: existing)
        let updated = try await Self.namedUniquely(fields.name) { try await services.registry.transaction { stores in
            let updated = try await stores.sync.updateSource(id: existing.id, fields)
            try await stores.audit.record(context.auditEvent("sync_source.update", targetType: "sync_source", targetId: String(existing.id), detail: ["credentials_changed": body.token == nil ? "no" : "yes"]))
            return updated
        } }
        guard let updated else { throw APIError.notFound("sync source \(existing.id) not found") }
        return try APIJSON.response(try await describe(updated))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let existing = try await source(context)
        try await services.registry.transaction { stores in
            _ = try await stores.sync.deleteSource(id: existing.id)
            try await stores.audit.record(context.auditEvent("sync_source.delete", targetType: "sync_source", targetId: String(existing.id)))
        }
        try? FileManager.default.removeItem(at: services.syncService.workDirectory.appendingPathComponent("source-\(existing.id).git"))
        return APIJSON.noContent()
    }

    // MARK: - Runs

    /// Starts a run and answers at once (202) with its id; the run goes on in the background.
    @Sendable func syncNow(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let source = try await source(context)
        let run = try await start(source, trigger: "manual", context: context)
        return try APIJSON.response(.object(["run_id": .number(Double(run.id)), "source_id": .number(Double(source.id)), "status": .string(run.status)]), status: .accepted)
    }

    @Sendable func runs(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let source = try await source(context)
        return try APIJSON.response(.array(try await services.registry.sync.runs(sourceId: source.id).map(Self.describe)))
    }

    @Sendable func run(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let id = try context.idParameter()
        guard let run = try await services.registry.sync.run(id: id) else { throw APIError.notFound("sync run \(id) not found") }
        guard case .object(var fields) = Self.describe(run) else { return try APIJSON.response(Self.describe(run)) }
        fields["diagnostics"] = .array(try await services.registry.sync.diagnostics(runId: id).map { diagnostic in
            .object([
                "asset_id": diagnostic.assetId.map { .number(Double($0)) } ?? .null, "kind": AgentHubResponses.optional(diagnostic.assetKind?.rawValue),
                "name": AgentHubResponses.optional(diagnostic.assetName), "path": .string(diagnostic.path), "severity": .string(diagnostic.severity),
                "message": .string(diagnostic.message), "created_at": AgentHubResponses.date(diagnostic.createdAt),
            ])
        })
        return try APIJSON.response(.object(fields))
    }

    /// AgentHub's `/admin/import {git_url}`: the source of that URL (created when new), synced now in the background.
    @Sendable func importRepository(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireAdmin()
        let body = try await APIJSON.decode(GitURLRequest.self, from: request, limit: 64 * 1024)
        let source = try await findOrCreate(url: body.gitUrl, admin: admin, context: context)
        let run = try await start(source, trigger: "api", context: context)
        return try APIJSON.response(.object(["run_id": .number(Double(run.id)), "source_id": .number(Double(source.id)), "status": .string(run.status)]), status: .accepted)
    }

    /// AgentHub's `POST /sync/git {git_url}`: syncs now and answers with the skills it added or
    /// changed, as a JSON array (`[]` when nothing is new).
    @Sendable func syncGit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireAdmin()
        let body = try await APIJSON.decode(GitURLRequest.self, from: request, limit: 64 * 1024)
        let source = try await findOrCreate(url: body.gitUrl, admin: admin, context: context)
        let started = try await services.syncService.begin(sourceId: source.id, trigger: "api")
        let run = try await services.syncService.perform(started)
        if run.status == "failed" {
            // The source's branch is not in the repository: the registry's configuration, not the
            // git server, is at fault (422); anything else the git server or the network did (502).
            let error = run.error ?? "unknown error"
            throw APIError(LibGit2.isMissingReference(error) ? .unprocessableContent : .badGateway, "sync of \(LibGit2.redact(source.url)) failed: \(error)")
        }
        var items: [JSONValue] = []
        var seen = Set<Int64>()
        for diagnostic in try await services.registry.sync.diagnostics(runId: run.id) where diagnostic.severity == "info" && diagnostic.assetKind == .skill {
            guard let assetId = diagnostic.assetId, !seen.contains(assetId), diagnostic.message.hasPrefix("added") || diagnostic.message.hasPrefix("new version"),
                  let asset = try await services.registry.assets.find(id: assetId) else { continue }
            seen.insert(assetId)
            items.append(try await AgentHubResponses(registry: services.registry).item(asset))
        }
        return try APIJSON.response(.array(items))
    }

    // MARK: - Helpers

    /// A branch or tag name as `git check-ref-format` allows one: no control characters, spaces
    /// or `~ ^ : ? * [ \\`, no `..` or `@{`, no empty, dot-first or `.lock` component, not `@`, and
    /// not starting with `-` (an option to git) — at most 255 characters.
    static func isValidBranchName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 255, name != "@", !name.hasPrefix("-"), !name.hasSuffix("."),
              !name.contains(".."), !name.contains("@{") else { return false }
        let forbidden = Set("~^:?*[\\".unicodeScalars)
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || forbidden.contains($0) || $0.properties.isWhitespace }) else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { component in
            !component.isEmpty && !component.hasPrefix(".") && !component.hasSuffix(".lock")
        }
    }

    /// Runs `body`, answering 409 when another source already has `name`.
    private static func namedUniquely<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch SyncStore.Failure.nameTaken {
            throw APIError.conflict("a sync source named '\(name)' already exists; choose another name")
        }
    }

    private func start(_ source: SyncSource, trigger: String, context: AppRequestContext) async throws -> SyncRun {
        let run = try await services.syncService.begin(sourceId: source.id, trigger: trigger)
        try await services.registry.audit.record(context.auditEvent("sync.start", targetType: "sync_source", targetId: String(source.id), detail: ["run": String(run.id), "trigger": trigger]))
        let service = services.syncService
        Task.detached {
            do {
                try await service.perform(run)
            } catch {
                service.logger.error("recording sync run failed", metadata: ["run": "\(run.id)", "error": "\(error)"])
            }
        }
        return run
    }

    private func findOrCreate(url: String, admin: Identity, context: AppRequestContext) async throws -> SyncSource {
        if let existing = try await services.registry.sync.source(url: url) { return existing }
        let fields = try validate(SourceRequest(name: nil, url: url, gitUrl: nil, branch: nil, subPath: nil, token: nil, username: nil, intervalSeconds: nil, enabled: nil), existing: nil)
        let ownerId = admin.method == .adminKey ? try await services.registry.users.find(username: services.configuration.adminUsername)?.id : admin.user.id
        do {
            return try await services.registry.sync.createSource(fields, ownerId: ownerId)
        } catch SyncStore.Failure.nameTaken {
            var named = fields
            named.name += "-\(UInt16.random(in: 1000...9999))"
            return try await services.registry.sync.createSource(named, ownerId: ownerId)
        }
    }

    private func source(_ context: AppRequestContext) async throws -> SyncSource {
        let id = try context.idParameter()
        guard let source = try await services.registry.sync.source(id: id) else { throw APIError.notFound("sync source \(id) not found") }
        return source
    }

    /// Checks a source's fields; seals a new token; keeps the old credentials when none is sent.
    private func validate(_ body: SourceRequest, existing: SyncSource?) throws -> SyncSourceFields {
        let sourceKind = body.kind ?? existing?.kind ?? "git"
        if sourceKind == "github_org" || sourceKind == "gitlab_group" {
            return try validateListing(body, kind: sourceKind, existing: existing)
        }
        guard sourceKind == "git" else { throw APIError.unprocessable("kind must be git, github_org or gitlab_group") }
        guard let url = (body.url ?? body.gitUrl ?? existing?.url)?.trimmingCharacters(in: .whitespaces), !url.isEmpty else {
            throw APIError.unprocessable("url is required: the repository to sync, e.g. https://gitlab.example.com/team/skills.git")
        }
        try SourceURL.check(url, allowFile: services.configuration.syncAllowFileURLs)
        let name = (body.name ?? existing?.name ?? SourceURL.defaultName(url)).trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(name.count), !name.contains(where: { $0.isNewline }) else { throw APIError.unprocessable("name must be 1 to 100 characters on one line") }
        let branch = (body.branch ?? existing?.branch).flatMap { $0.isEmpty ? nil : $0 }
        if let branch, !Self.isValidBranchName(branch) {
            throw APIError.unprocessable("branch '\(String(branch.unicodeScalars.prefix(80).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) }))' is not a valid branch name")
        }
        let subPath = (body.subPath ?? existing?.subPath).flatMap { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")).isEmpty ? nil : $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
        if let subPath, let problem = PackagePath.problem(subPath) { throw APIError.unprocessable("sub_path: \(problem)") }
        let interval = body.intervalSeconds ?? existing?.intervalSeconds ?? 3600
        guard (60...604_800).contains(interval) else { throw APIError.unprocessable("interval_seconds must be from 60 to 604800") }
        var kind = existing?.credentialKind ?? "none"
        var sealed = existing?.credentialsCiphertext
        let isSSH = url.lowercased().hasPrefix("ssh://")
        if let key = body.sshPrivateKey, !key.isEmpty {
            guard isSSH else { throw APIError.unprocessable("an SSH key needs an ssh:// url") }
            guard key.utf8.count <= 16_384, key.contains("PRIVATE KEY-----") else { throw APIError.unprocessable("ssh_private_key must be a private key in OpenSSH format (ed25519 recommended)") }
            guard let fingerprint = body.sshHostFingerprint?.trimmingCharacters(in: .whitespaces),
                  fingerprint.range(of: #"^SHA256:[A-Za-z0-9+/]{43}=?$"#, options: .regularExpression) != nil else {
                throw APIError.unprocessable("ssh_host_fingerprint is required with an SSH key: the server's SHA256:… fingerprint, as `ssh-keygen -lf host_key.pub` prints it")
            }
            kind = "ssh_key"
            sealed = try services.sealer.seal(username: URLComponents(string: url)?.user ?? "git", privateKey: key, hostFingerprint: fingerprint)
        } else if isSSH && kind != "ssh_key" {
            throw APIError.unprocessable("an ssh:// source needs ssh_private_key and ssh_host_fingerprint")
        }
        if let token = body.token {
            guard !isSSH || token.isEmpty else { throw APIError.unprocessable("a token is for https sources; an ssh:// source uses ssh_private_key") }
            if token.isEmpty {
                kind = "none"
                sealed = nil
            } else {
                guard token.utf8.count <= 4096, !token.contains(where: { $0.isNewline }) else { throw APIError.unprocessable("token must be one line of at most 4096 bytes") }
                kind = "token"
                sealed = try services.sealer.seal(username: body.username ?? "oauth2", token: token)
            }
        }
        return SyncSourceFields(name: name, url: url, branch: branch, subPath: subPath, credentialKind: kind, credentialsCiphertext: sealed, intervalSeconds: interval, enabled: body.enabled ?? existing?.enabled ?? true)
    }

    /// An organisation or group: its name, its API and a token (needed for private repositories).
    private func validateListing(_ body: SourceRequest, kind: String, existing: SyncSource?) throws -> SyncSourceFields {
        let isGitHub = kind == "github_org"
        guard let name = (isGitHub ? body.organization : body.group) ?? body.url ?? existing?.url, !name.isEmpty, name.count <= 255,
              name.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }), !name.contains("..") else {
            throw APIError.unprocessable(isGitHub ? "organization is required: the GitHub organisation's name" : "group is required: the GitLab group's path, e.g. team/sub")
        }
        let apiURL = body.apiUrl ?? existing?.apiURL ?? (isGitHub ? "https://api.github.com" : nil)
        guard let apiURL, let components = URLComponents(string: apiURL), ["http", "https"].contains(components.scheme?.lowercased() ?? ""), components.host != nil, components.user == nil else {
            throw APIError.unprocessable(isGitHub ? "api_url must be an http(s) URL such as https://api.github.com" : "api_url is required: the GitLab instance, e.g. https://gitlab.example.com")
        }
        var credentialKind = existing?.credentialKind ?? "none"
        var sealed = existing?.credentialsCiphertext
        if let token = body.token {
            credentialKind = token.isEmpty ? "none" : "token"
            sealed = token.isEmpty ? nil : try services.sealer.seal(username: body.username ?? "oauth2", token: token)
        }
        let interval = body.intervalSeconds ?? existing?.intervalSeconds ?? 3600
        guard (60...604_800).contains(interval) else { throw APIError.unprocessable("interval_seconds must be from 60 to 604800") }
        var fields = SyncSourceFields(name: (body.name ?? existing?.name ?? "\(isGitHub ? "github" : "gitlab"):\(name)"), url: name, branch: nil, subPath: body.subPath ?? existing?.subPath,
                                      credentialKind: credentialKind, credentialsCiphertext: sealed, intervalSeconds: interval, enabled: body.enabled ?? existing?.enabled ?? true)
        fields.kind = kind
        fields.apiURL = apiURL
        return fields
    }

    private func describe(_ source: SyncSource) async throws -> JSONValue {
        let last = try await services.registry.sync.runs(sourceId: source.id, limit: 1).first
        return .object([
            "id": .number(Double(source.id)), "name": .string(source.name), "kind": .string(source.kind), "url": .string(LibGit2.redact(source.url)),
            "api_url": AgentHubResponses.optional(source.apiURL),
            "branch": AgentHubResponses.optional(source.branch), "sub_path": AgentHubResponses.optional(source.subPath),
            "credential_kind": .string(source.credentialKind), "has_credentials": .bool(source.credentialsCiphertext != nil),
            "interval_seconds": .number(Double(source.intervalSeconds)), "enabled": .bool(source.enabled),
            "last_run": last.map(Self.describe) ?? .null, "created_at": AgentHubResponses.date(source.createdAt),
        ])
    }

    static func describe(_ run: SyncRun) -> JSONValue {
        .object([
            "id": .number(Double(run.id)), "source_id": .number(Double(run.sourceId)), "trigger": .string(run.trigger), "status": .string(run.status),
            "started_at": AgentHubResponses.date(run.startedAt), "finished_at": run.finishedAt.map(AgentHubResponses.date) ?? .null,
            "duration_ms": run.finishedAt.map { .number(($0.timeIntervalSince(run.startedAt) * 1000).rounded()) } ?? .null,
            "commit": AgentHubResponses.optional(run.commit), "created": .number(Double(run.created)), "updated": .number(Double(run.updated)),
            "unchanged": .number(Double(run.unchanged)), "removed": .number(Double(run.removed)), "failed": .number(Double(run.failed)),
            "error": AgentHubResponses.optional(run.error),
        ])
    }
}

/// URLs a source may have.
enum SourceURL {
    static func check(_ url: String, allowFile: Bool) throws {
        guard url.count <= 2048, let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw APIError.unprocessable("url must be a repository URL such as https://host/group/repo.git or ssh://git@host:22/group/repo.git")
        }
        if components.password != nil || (components.user != nil && scheme != "ssh") {
            throw APIError.unprocessable("url must not contain credentials; send the token in the token field (it is stored sealed)")
        }
        switch scheme {
        case "https", "http", "git", "ssh": guard components.host?.isEmpty == false else { throw APIError.unprocessable("url has no host") }
        case "file": guard allowFile else { throw APIError.unprocessable("file:// sources are disabled on this server (SYNC_ALLOW_FILE_URLS)") }
        default: throw APIError.unprocessable("url scheme '\(scheme)' is not supported; use https://, http://, git:// or ssh://user@host:port/path (scp-style user@host:path cannot carry a port)")
        }
    }

    static func defaultName(_ url: String) -> String {
        let trimmed = url.hasSuffix(".git") ? String(url.dropLast(4)) : url
        let parts = trimmed.split(separator: "/").suffix(2)
        return parts.joined(separator: "/").isEmpty ? "repository" : parts.joined(separator: "/")
    }
}
