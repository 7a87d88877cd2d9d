import RegistryStore
import Shared

/// The OpenAPI 3.1 document of the API, served at `/openapi.json`.
enum OpenAPIDocument {
    typealias Op = OpenAPIOperation
    typealias S = OpenAPISchemas

    static func json(_ value: String) -> [(String, JSONValue)] { [("application/json", S.ref(value))] }
    static func ok(_ schema: String, _ description: String = "OK") -> (String, String, JSONValue?) { ("200", description, S.ref(schema)) }
    static let noContent: (String, String, JSONValue?) = ("204", "Done; no body", nil)

    static let kindParameter = Op.path("kind", S.kind, "skill, agent or tool")
    static let nameParameter = Op.path("name", S.string, "the asset's name")
    static let versionParameter = Op.path("version", S.string, "a semantic version, e.g. 1.2.3")
    static let idParameter = Op.path("id", S.integer)

    static let listQuery: [Op.Parameter] = [
        Op.query("q", S.string, "Words to search for in names, descriptions, tags and READMEs."),
        Op.query("kind", S.kind, "Only this kind."),
        Op.query("tag", S.string, "Only assets with this tag."),
        Op.query("source", S.enumeration(["upload", "sync"]), "Only published or only synced assets."),
        Op.query("owner", S.string, "Only assets of this user name."),
        Op.query("sort", S.enumeration(AssetSort.allCases.map(\.rawValue)), "Order; relevance by default when q is given, else installs."),
        Op.page, Op.size,
    ]

    static var operations: [Op] {
        var operations: [Op] = [
            Op(method: "get", path: "/health", summary: "Liveness", tag: "health", access: .anyone, responses: [ok("Status")]),
            Op(method: "get", path: "/metrics", summary: "Prometheus metrics in the text format; needs Authorization: Bearer METRICS_TOKEN when that is set (METRICS_ENABLED=false removes the route)", tag: "health", access: .anyone, responses: [("200", "The exposition text", .object(["type": .string("string"), "contentMediaType": .string("text/plain")])), ("401", "METRICS_TOKEN is set and the bearer token is missing or wrong", S.ref("Error"))]),
            Op(method: "get", path: "/", summary: "The web UI (index.html)", tag: "web", access: .anyone, responses: [("200", "HTML", .object(["type": .string("string"), "contentMediaType": .string("text/html")]))]),
            Op(method: "get", path: "/ui/{file}", summary: "A file of the web UI (JavaScript module, CSS, image)", tag: "web", access: .anyone, parameters: [Op.Parameter(name: "file", location: "path", schema: S.string, required: true, description: "A flat file name, e.g. app.js")], responses: [("200", "The file", .object(["type": .string("string"), "contentMediaType": .string("text/plain")]))]),
            Op(method: "get", path: "/ready", summary: "Readiness: database reachable and migrated", tag: "health", access: .anyone, responses: [ok("Status"), ("503", "Not ready", S.ref("Error"))]),
            Op(method: "get", path: "/openapi.json", summary: "This document", tag: "health", access: .anyone, responses: [("200", "OpenAPI 3.1 document", S.anyValue)]),

            Op(method: "post", path: "/api/v1/auth/register", summary: "Create an account; returns its first API key (shown once) and a token", tag: "auth", access: .anyone, body: json("Register"), responses: [("201", "Created", S.ref("AuthResponse"))]),
            Op(method: "post", path: "/api/v1/auth/login", summary: "Log in with e-mail and password", tag: "auth", access: .anyone, body: json("Login"), responses: [ok("AuthResponse")]),
            Op(method: "post", path: "/api/v1/auth/api-key", summary: "A new API key for the caller, or (without credentials) the old client's password-less sign-up", tag: "auth", access: .optional, body: json("PasswordlessSignup"), responses: [("201", "Created", S.ref("APIKeyResponse"))]),

            Op(method: "get", path: "/api/v1/users/me", summary: "The caller", tag: "users", access: .user, responses: [ok("User")]),
            Op(method: "post", path: "/api/v1/users/me/api-key/regenerate", summary: "Replace the caller's AgentHub key", tag: "users", access: .user, responses: [ok("APIKeyResponse")]),
            Op(method: "get", path: "/api/v1/users/me/api-keys", summary: "The caller's API keys (never the keys themselves)", tag: "users", access: .user, responses: [("200", "OK", S.page(of: S.ref("APIKeyInfo")))]),
            Op(method: "post", path: "/api/v1/users/me/api-keys", summary: "Create a named API key (shown once)", tag: "users", access: .user, body: json("CreateAPIKey"), responses: [("201", "Created", S.ref("CreatedAPIKey"))]),
            Op(method: "delete", path: "/api/v1/users/me/api-keys/{id}", summary: "Revoke an API key", tag: "users", access: .user, parameters: [idParameter], responses: [noContent]),
            Op(method: "get", path: "/api/v1/users/me/published", summary: "The caller's assets", tag: "users", access: .user, parameters: [Op.page, Op.size], responses: [("200", "OK", S.page(of: S.anyValue))]),
            Op(method: "get", path: "/api/v1/users/me/installed", summary: "What the caller installed", tag: "users", access: .user, responses: [("200", "OK", S.array(S.anyValue))]),
            Op(method: "get", path: "/api/v1/users/me/stats", summary: "Counts of the caller's assets and their installs", tag: "users", access: .user, responses: [ok("Stats")]),

            Op(method: "get", path: "/api/v1/admin/users", summary: "Users", tag: "admin", access: .admin, parameters: [Op.query("q", S.string, "Part of a name or e-mail."), Op.page, Op.size], responses: [("200", "OK", S.page(of: S.ref("User")))]),
            Op(method: "put", path: "/api/v1/admin/users/{id}/role", summary: "Change a user's role", tag: "admin", access: .admin, parameters: [idParameter], body: json("RoleChange"), responses: [ok("User")]),
            Op(method: "put", path: "/api/v1/admin/users/{id}/disable", summary: "Disable an account", tag: "admin", access: .admin, parameters: [idParameter], responses: [ok("User")]),
            Op(method: "put", path: "/api/v1/admin/users/{id}/enable", summary: "Enable an account", tag: "admin", access: .admin, parameters: [idParameter], responses: [ok("User")]),
            Op(method: "get", path: "/api/v1/admin/stats", summary: "Dashboard figures: counts, installs per day for 30 days, sync health", tag: "admin", access: .admin, responses: [ok("AdminStats")]),
            Op(method: "get", path: "/api/v1/admin/audit", summary: "The audit log, newest first", tag: "admin", access: .admin, parameters: [Op.query("action", S.string, "Only this action."), Op.page, Op.size], responses: [("200", "OK", S.page(of: S.ref("AuditEntry")))]),
            Op(method: "get", path: "/api/v1/admin/assets", summary: "Every asset, deleted ones included", tag: "admin", access: .admin, parameters: [Op.query("type", S.enumeration(["skill", "mcp", "agent"]), "Only this type."), Op.query("q", S.string, "Words to search for."), Op.page, Op.size], responses: [("200", "OK", S.page(of: S.ref("AssetSummary")))]),
            Op(method: "delete", path: "/api/v1/admin/assets/{type}/{id}", summary: "Delete an asset (a restorable tombstone)", tag: "admin", access: .admin, parameters: [Op.path("type", S.enumeration(["skill", "mcp", "agent"])), idParameter], responses: [noContent]),

            Op(method: "get", path: "/api/v1/assets", summary: "Search and list assets", tag: "assets", access: .anyone, parameters: listQuery, responses: [("200", "OK", S.page(of: S.ref("AssetSummary")))]),
            Op(method: "get", path: "/api/v1/search", summary: "AgentHub search over skills, MCP servers and agents", tag: "agenthub", access: .anyone, parameters: [Op.query("q", S.string, "Words to search for."), Op.query("type", S.enumeration(["skill", "mcp", "agent"]), "Only this type."), Op.query("tag", S.string, "Only this tag."), Op.page, Op.size], responses: [("200", "OK", S.object(["skills": S.page(of: S.ref("SkillItem")), "mcps": S.page(of: S.ref("MCPItem")), "agents": S.page(of: S.ref("AgentItem"))]))]),
        ]
        let publishBody: [(String, JSONValue)] = [("application/gzip", .object(["type": .string("string"), "contentMediaType": .string("application/gzip")])), ("application/json", S.ref("FileMapPublish"))]
        let publishResponses: [(String, String, JSONValue?)] = [("201", "Published a new version", S.ref("PublishResponse")), ("200", "This package was already published; nothing changed", S.ref("PublishResponse"))]
        let download: [(String, String, JSONValue?)] = [("200", "The package as .tar.gz; ETag and X-AgentHub-Digest carry its digest", .object(["type": .string("string"), "contentMediaType": .string("application/gzip")])), ("304", "Not modified (If-None-Match matched)", nil)]
        operations += [
            Op(method: "post", path: "/api/v1/assets/{kind}", summary: "Publish a version (.tar.gz or JSON file map)", tag: "assets", access: .user, parameters: [kindParameter], body: publishBody, responses: publishResponses),
            Op(method: "post", path: "/api/v1/assets/{kind}/{name}", summary: "Publish a version; the manifest must carry this name", tag: "assets", access: .user, parameters: [kindParameter, nameParameter], body: publishBody, responses: publishResponses),
            Op(method: "get", path: "/api/v1/assets/{kind}/{name}", summary: "An asset with its versions; ETag, and 304 for a matching If-None-Match", tag: "assets", access: .anyone, parameters: [kindParameter, nameParameter, Op.Parameter(name: "If-None-Match", location: "header", schema: S.string, required: false, description: "The ETag of an earlier answer.")], responses: [ok("AssetDetail"), ("304", "Not modified (If-None-Match matched)", nil)]),
            Op(method: "delete", path: "/api/v1/assets/{kind}/{name}", summary: "Delete (a restorable tombstone)", tag: "assets", access: .admin, parameters: [kindParameter, nameParameter], responses: [noContent]),
            Op(method: "post", path: "/api/v1/assets/{kind}/{name}/restore", summary: "Restore a deleted asset", tag: "assets", access: .admin, parameters: [kindParameter, nameParameter], responses: [ok("AssetDetail")]),
            Op(method: "put", path: "/api/v1/assets/{kind}/{name}/deprecation", summary: "Deprecate with a message", tag: "assets", access: .user, parameters: [kindParameter, nameParameter], body: json("Deprecation"), responses: [ok("AssetDetail")]),
            Op(method: "delete", path: "/api/v1/assets/{kind}/{name}/deprecation", summary: "Withdraw the deprecation", tag: "assets", access: .user, parameters: [kindParameter, nameParameter], responses: [ok("AssetDetail")]),
            Op(method: "post", path: "/api/v1/assets/{kind}/{name}/installs", summary: "Record an install", tag: "assets", access: .optional, parameters: [kindParameter, nameParameter], body: json("InstallRecord"), responses: [noContent]),
            Op(method: "get", path: "/api/v1/assets/{kind}/{name}/diagnostics", summary: "Warnings of the latest version and sync diagnostics (owner or admin)", tag: "assets", access: .user, parameters: [kindParameter, nameParameter], responses: [ok("AssetDiagnostics")]),
            Op(method: "get", path: "/api/v1/assets/{kind}/{name}/download", summary: "Download the highest version that is not yanked", tag: "assets", access: .anyone, parameters: [kindParameter, nameParameter, Op.Parameter(name: "If-None-Match", location: "header", schema: S.string, required: false, description: "An ETag from an earlier download.")], responses: download),
            Op(method: "get", path: "/api/v1/assets/{kind}/{name}/versions/{version}", summary: "One version's metadata and files", tag: "assets", access: .anyone, parameters: [kindParameter, nameParameter, versionParameter], responses: [ok("VersionDetail")]),
            Op(method: "get", path: "/api/v1/assets/{kind}/{name}/versions/{version}/download", summary: "Download one version (yanked ones too)", tag: "assets", access: .anyone, parameters: [kindParameter, nameParameter, versionParameter, Op.Parameter(name: "If-None-Match", location: "header", schema: S.string, required: false, description: "An ETag from an earlier download.")], responses: download),
            Op(method: "post", path: "/api/v1/assets/{kind}/{name}/versions/{version}/yank", summary: "Yank a version, with a reason", tag: "assets", access: .user, parameters: [kindParameter, nameParameter, versionParameter], body: json("Yank"), responses: [ok("VersionDetail")]),
            Op(method: "delete", path: "/api/v1/assets/{kind}/{name}/versions/{version}/yank", summary: "Un-yank a version", tag: "assets", access: .user, parameters: [kindParameter, nameParameter, versionParameter], responses: [ok("VersionDetail")]),
        ]
        for (collection, item, install) in [("skills", "SkillItem", "SkillInstall"), ("mcps", "MCPItem", "MCPInstall"), ("agents", "AgentItem", "AgentInstall")] {
            let base = "/api/v1/\(collection)"
            operations += [
                Op(method: "get", path: base, summary: "List \(collection) (AgentHub)", tag: "agenthub", access: .anyone, parameters: [Op.query("keyword", S.string, "Words to search for; the exact name comes first."), Op.query("tag", S.string, "Only this tag."), Op.page, Op.size], responses: [("200", "OK", S.page(of: S.ref(item)))]),
                Op(method: "get", path: "\(base)/top", summary: "Most installed \(collection)", tag: "agenthub", access: .anyone, parameters: [Op.query("limit", .object(["type": .string("integer"), "minimum": .number(1), "maximum": .number(50)]), "How many.")], responses: [("200", "OK", S.array(S.ref(item)))]),
                Op(method: "get", path: "\(base)/{id}", summary: "One of the \(collection)", tag: "agenthub", access: .anyone, parameters: [idParameter], responses: [ok(item)]),
                Op(method: "delete", path: "\(base)/{id}", summary: "Delete (admin; a restorable tombstone)", tag: "agenthub", access: .admin, parameters: [idParameter], responses: [noContent]),
                Op(method: "get", path: "\(base)/{id}/install", summary: "What to install, from the latest version that is not yanked", tag: "agenthub", access: .anyone, parameters: [idParameter], responses: [ok(install)]),
                Op(method: "post", path: "\(base)/{id}/install", summary: "Record an install", tag: "agenthub", access: .optional, parameters: [idParameter, Op.query("agent_type", S.string, "The agent it was installed for, e.g. kiro.")], responses: [noContent]),
            ]
        }
        func created(_ item: String) -> [(String, String, JSONValue?)] {
            [("201", "Published", S.ref(item)), ("200", "Already published; nothing changed", S.ref(item))]
        }
        operations += [
            Op(method: "post", path: "/api/v1/skills/upload", summary: "Publish a skill from a map of text files (AgentHub)", tag: "agenthub", access: .user, body: json("SkillUpload"), responses: created("SkillItem")),
            Op(method: "post", path: "/api/v1/skills", summary: "Publish a skill from git metadata and its SKILL.md (AgentHub)", tag: "agenthub", access: .user, body: json("SkillFromGit"), responses: created("SkillItem")),
            Op(method: "post", path: "/api/v1/mcps", summary: "Publish an MCP server configuration (AgentHub); env and header values are not stored", tag: "agenthub", access: .user, body: json("MCPCreate"), responses: created("MCPItem")),
            Op(method: "post", path: "/api/v1/agents", summary: "Publish an agent (AgentHub)", tag: "agenthub", access: .user, body: json("AgentCreate"), responses: created("AgentItem")),
        ]
        let sourceBody = json("SyncSourceRequest")
        let started: (String, String, JSONValue?) = ("202", "Started; the run goes on in the background", S.ref("SyncStarted"))
        operations += [
            Op(method: "get", path: "/api/v1/admin/sync-sources", summary: "Sync sources with their last run (credentials are never returned)", tag: "sync", access: .admin, responses: [("200", "OK", S.array(S.ref("SyncSource")))]),
            Op(method: "post", path: "/api/v1/admin/sync-sources", summary: "Add a sync source; a token is stored sealed", tag: "sync", access: .admin, body: sourceBody, responses: [("201", "Created", S.ref("SyncSource"))]),
            Op(method: "get", path: "/api/v1/admin/sync-sources/{id}", summary: "One sync source", tag: "sync", access: .admin, parameters: [idParameter], responses: [ok("SyncSource")]),
            Op(method: "put", path: "/api/v1/admin/sync-sources/{id}", summary: "Edit a sync source; an empty token removes the credentials, no token keeps them", tag: "sync", access: .admin, parameters: [idParameter], body: sourceBody, responses: [ok("SyncSource")]),
            Op(method: "delete", path: "/api/v1/admin/sync-sources/{id}", summary: "Delete a sync source (its assets stay)", tag: "sync", access: .admin, parameters: [idParameter], responses: [noContent]),
            Op(method: "post", path: "/api/v1/admin/sync-sources/{id}/sync", summary: "Sync now; answers at once with the run id", tag: "sync", access: .admin, parameters: [idParameter], responses: [started]),
            Op(method: "get", path: "/api/v1/admin/sync-sources/{id}/runs", summary: "Run history, newest first", tag: "sync", access: .admin, parameters: [idParameter], responses: [("200", "OK", S.array(S.ref("SyncRun")))]),
            Op(method: "get", path: "/api/v1/admin/sync-runs/{id}", summary: "One run with its per-asset diagnostics", tag: "sync", access: .admin, parameters: [idParameter], responses: [ok("SyncRun")]),
            Op(method: "post", path: "/api/v1/admin/import", summary: "Import a repository (AgentHub): its source, synced in the background", tag: "sync", access: .admin, body: json("GitURL"), responses: [started]),
            Op(method: "post", path: "/api/v1/webhooks/github", summary: "GitHub push webhook (X-Hub-Signature-256 with WEBHOOK_SECRET): syncs the matching sources", tag: "sync", access: .anyone, parameters: [Op.Parameter(name: "X-Hub-Signature-256", location: "header", schema: S.string, required: true, description: "sha256=HMAC of the body")], body: [("application/json", S.anyValue)], responses: [("202", "Runs started", S.ref("WebhookResult")), ("200", "No source matches", S.ref("WebhookResult"))]),
            Op(method: "post", path: "/api/v1/webhooks/gitlab", summary: "GitLab push webhook (X-Gitlab-Token = WEBHOOK_SECRET): syncs the matching sources", tag: "sync", access: .anyone, parameters: [Op.Parameter(name: "X-Gitlab-Token", location: "header", schema: S.string, required: true, description: "the webhook secret")], body: [("application/json", S.anyValue)], responses: [("202", "Runs started", S.ref("WebhookResult")), ("200", "No source matches", S.ref("WebhookResult"))]),
            Op(method: "post", path: "/api/v1/sync/git", summary: "Sync a repository now (AgentHub client); the skills it added or changed", tag: "agenthub", access: .admin, body: json("GitURL"), responses: [("200", "OK", S.array(S.ref("SkillItem")))]),
        ]
        return operations
    }

    /// The whole document.
    static func document() -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for operation in operations {
            var entry: [String: JSONValue] = [
                "summary": .string(operation.summary),
                "tags": .array([.string(operation.tag)]),
                "operationId": .string(operationId(operation)),
            ]
            switch operation.access {
            case .anyone: entry["security"] = .array([])
            case .optional: entry["security"] = .array([.object([:]), .object(["apiKey": .array([])]), .object(["bearer": .array([])])])
            case .user, .admin:
                entry["security"] = .array([.object(["apiKey": .array([])]), .object(["bearer": .array([])])])
                if operation.access == .admin { entry["description"] = .string("Admins only.") }
            }
            if !operation.parameters.isEmpty {
                entry["parameters"] = .array(operation.parameters.map { parameter in
                    .object(["name": .string(parameter.name), "in": .string(parameter.location), "required": .bool(parameter.required), "schema": parameter.schema, "description": .string(parameter.description)])
                })
            }
            if !operation.body.isEmpty {
                entry["requestBody"] = .object(["required": .bool(operation.access != .optional), "content": .object(Dictionary(uniqueKeysWithValues: operation.body.map { ($0.0, JSONValue.object(["schema": $0.1])) }))])
            }
            var responses: [String: JSONValue] = [:]
            for (status, description, schema) in operation.responses {
                var response: [String: JSONValue] = ["description": .string(description)]
                if let schema {
                    let mediaType = (schema.objectValue?["contentMediaType"]).flatMap(\.stringValue) ?? "application/json"
                    response["content"] = .object([mediaType: .object(["schema": mediaType == "application/json" ? schema : .object(["type": .string("string"), "format": .string("binary")])])])
                }
                responses[status] = .object(response)
            }
            let error: JSONValue = .object(["description": .string("An error: {\"detail\": \"what to fix\"}"), "content": .object(["application/json": .object(["schema": S.ref("Error")])])])
            responses["4XX"] = error
            responses["5XX"] = error
            entry["responses"] = .object(responses)
            paths[operation.path, default: [:]][operation.method] = .object(entry)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object(["title": .string("AgentHub registry"), "version": .string(AgentHubVersion.current), "description": .string("Skills, agents and tools (MCP servers): publish, search, install. Errors are {\"detail\": \"…\"}.")]),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "schemas": .object(S.named),
                "securitySchemes": .object([
                    "apiKey": .object(["type": .string("apiKey"), "in": .string("header"), "name": .string("X-API-Key")]),
                    "bearer": .object(["type": .string("http"), "scheme": .string("bearer"), "bearerFormat": .string("JWT")]),
                ]),
            ]),
        ])
    }

    static func operationId(_ operation: Op) -> String {
        let words = operation.path.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return operation.method + words.joined()
    }
}

extension JSONValue {
    var objectValue: [String: JSONValue]? {
        if case .object(let object) = self { return object }
        return nil
    }
}
