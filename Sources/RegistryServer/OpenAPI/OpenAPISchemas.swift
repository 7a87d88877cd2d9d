import Shared

/// Schema helpers and the named schemas of `components.schemas`.
enum OpenAPISchemas {
    static let string: JSONValue = .object(["type": .string("string")])
    static let integer: JSONValue = .object(["type": .string("integer")])
    static let boolean: JSONValue = .object(["type": .string("boolean")])
    static let dateTime: JSONValue = .object(["type": .string("string"), "format": .string("date-time")])
    static let anyValue: JSONValue = .object([:])
    static let nullableString: JSONValue = .object(["type": .array([.string("string"), .string("null")])])
    static let stringArray: JSONValue = array(string)
    static let stringMap: JSONValue = .object(["type": .string("object"), "additionalProperties": string])

    static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(name)")]) }
    static func array(_ items: JSONValue) -> JSONValue { .object(["type": .string("array"), "items": items]) }
    static func enumeration(_ values: [String]) -> JSONValue { .object(["type": .string("string"), "enum": .array(values.map(JSONValue.string))]) }

    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.sorted().map(JSONValue.string)) }
        return .object(schema)
    }

    static func page(of item: JSONValue) -> JSONValue {
        object(["items": array(item), "total": integer, "page": integer, "size": integer, "pages": integer], required: ["items", "total", "page", "size", "pages"])
    }

    static let author = object(["id": integer, "username": string, "display_name": nullableString], required: ["id", "username"])
    static let reference = object(["name": string, "description": string, "status": enumeration(["active", "deprecated", "missing"])], required: ["name", "status"])
    static let source = object(["kind": enumeration(["upload", "git"]), "git_url": string, "git_ref": string, "commit": string, "path": string], required: ["kind"])
    static let kind = enumeration(AssetKind.allCases.map(\.rawValue))

    static let named: [String: JSONValue] = [
        "Error": object(["detail": string], required: ["detail"]),
        "Status": object(["status": string], required: ["status"]),
        "AdminStats": object([
            "users": integer, "admins": integer, "assets": object(["skill": integer, "agent": integer, "tool": integer]), "versions": integer, "installs_total": integer,
            "installs_by_day": array(object(["day": string, "count": integer], required: ["day", "count"])),
            "sync": object(["sources": integer, "enabled": integer, "by_last_status": .object(["type": .string("object"), "additionalProperties": integer]), "failing": array(object(["id": integer, "name": string, "status": string, "error": nullableString, "finished_at": .object(["type": .array([.string("string"), .string("null")])])]))]),
        ], required: ["users", "admins", "assets", "versions", "installs_total", "installs_by_day", "sync"]),
        "AssetDiagnostics": object([
            "warnings": stringArray, "version": nullableString,
            "sync": array(object(["run_id": integer, "path": string, "severity": enumeration(["info", "warning", "error"]), "message": string, "created_at": dateTime], required: ["run_id", "path", "severity", "message", "created_at"])),
        ], required: ["warnings", "version", "sync"]),
        "User": object(["id": integer, "username": string, "display_name": nullableString, "email": string, "role": enumeration(["user", "admin"]), "is_active": boolean, "created_at": dateTime], required: ["id", "username", "email", "role", "created_at"]),
        "AuthResponse": object(["user": ref("User"), "api_key": nullableString, "token": string, "message": string], required: ["user", "token", "message"]),
        "APIKeyResponse": object(["api_key": string, "message": string], required: ["api_key"]),
        "APIKeyInfo": object(["id": integer, "name": string, "prefix": string, "created_at": dateTime, "last_used_at": dateTime], required: ["id", "name", "prefix", "created_at"]),
        "CreatedAPIKey": object(["id": integer, "name": string, "prefix": string, "created_at": dateTime, "api_key": string, "message": string], required: ["id", "name", "api_key"]),
        "AuditEntry": object(["id": integer, "actor": string, "actor_user_id": integer, "action": string, "target_type": string, "target_id": string, "detail": string, "client_ip": string, "created_at": dateTime], required: ["id", "actor", "action", "created_at"]),
        "Register": object(["username": string, "email": string, "password": string, "display_name": string], required: ["username", "email", "password"]),
        "Login": object(["email": string, "password": string], required: ["email", "password"]),
        "PasswordlessSignup": object(["username": string, "email": string], required: ["username", "email"]),
        "CreateAPIKey": object(["name": string], required: ["name"]),
        "RoleChange": object(["role": enumeration(["user", "admin"])], required: ["role"]),
        "AssetSummary": object(["id": integer, "kind": kind, "name": string, "description": string, "latest_version": string, "owner": string, "tags": stringArray, "installs": integer, "status": enumeration(["active", "removed", "deleted"]), "deprecation_message": string, "origin": enumeration(["upload", "sync"]), "updated_at": dateTime], required: ["id", "kind", "name", "description", "owner", "tags", "installs", "status", "origin", "updated_at"]),
        "VersionSummary": object(["version": string, "digest": string, "file_count": integer, "total_size": integer, "yanked": boolean, "yank_reason": string, "created_at": dateTime], required: ["version", "digest", "yanked", "created_at"]),
        "AssetDetail": object(["asset": ref("AssetSummary"), "readme_html": string, "source": source, "versions": array(ref("VersionSummary")), "created_at": dateTime], required: ["asset", "readme_html", "versions", "created_at"]),
        "VersionDetail": object([
            "kind": kind, "name": string, "version": string, "digest": string, "total_size": integer, "warnings": stringArray, "source": source,
            "files": array(object(["path": string, "size": integer, "mode": integer, "sha256": string], required: ["path", "size", "mode", "sha256"])),
            "publisher": string, "yanked": boolean, "yank_reason": string, "metadata": anyValue, "readme_html": string,
            "references": array(object(["kind": kind, "name": string, "description": string, "status": string], required: ["kind", "name", "status"])), "created_at": dateTime,
        ], required: ["kind", "name", "version", "digest", "files", "yanked", "created_at"]),
        "PublishResponse": object(["id": integer, "kind": kind, "name": string, "version": string, "digest": string, "created": boolean, "warnings": stringArray], required: ["id", "kind", "name", "version", "digest", "created", "warnings"]),
        "FileMapPublish": object(["files": stringMap, "binary_files": stringMap, "executable": stringArray], required: ["files"]),
        "Yank": object(["reason": string], required: ["reason"]),
        "Deprecation": object(["message": string], required: ["message"]),
        "InstallRecord": object(["version": string, "agent_type": string]),
        "SkillItem": object([
            "id": integer, "name": string, "description": string, "version": nullableString, "tags": stringArray, "git_url": string, "git_ref": nullableString,
            "commit_hash": string, "skill_path": string, "readme_html": string, "readme_content": string, "author": author, "installs": integer,
            "source": enumeration(["internal", "external"]), "created_at": dateTime, "updated_at": dateTime, "deprecation_message": nullableString,
        ], required: ["id", "name", "description", "tags", "author", "installs", "created_at", "updated_at"]),
        "MCPItem": object(["id": integer, "name": string, "description": string, "version": nullableString, "tags": stringArray, "transport": string, "config": anyValue, "env_vars_needed": stringArray, "author": author, "installs": integer, "created_at": dateTime, "updated_at": dateTime], required: ["id", "name", "description", "author", "installs"]),
        "AgentItem": object(["id": integer, "name": string, "description": string, "version": nullableString, "tags": stringArray, "prompt": string, "agent_md_content": string, "skill_names": stringArray, "mcp_names": stringArray, "referenced_skills": array(reference), "referenced_mcps": array(reference), "author": author, "installs": integer, "created_at": dateTime, "updated_at": dateTime], required: ["id", "name", "description", "author", "installs"]),
        "SkillInstall": object(["name": string, "version": string, "digest": string, "git_url": string, "commit_hash": string, "skill_path": string, "files": stringMap, "binary_files": array(object(["path": string, "size": integer, "sha256": string, "download_url": string]))], required: ["name", "git_url", "commit_hash", "skill_path", "files"]),
        "MCPInstall": object(["name": string, "version": string, "config": object(["mcpServers": anyValue]), "env_vars_needed": stringArray, "oauth_hint": nullableString], required: ["name", "config", "env_vars_needed"]),
        "AgentInstall": object(["name": string, "version": string, "prompt": string, "skill_names": stringArray, "mcp_names": stringArray, "referenced_skills": array(reference), "referenced_mcps": array(reference)], required: ["name", "prompt", "skill_names", "mcp_names"]),
        "SkillUpload": object(["files": stringMap], required: ["files"]),
        "SkillFromGit": object(["name": string, "description": string, "version": nullableString, "tags": stringArray, "git_url": string, "git_ref": nullableString, "commit_hash": string, "skill_path": string, "readme_content": string], required: ["name", "description", "git_url", "commit_hash", "readme_content"]),
        "MCPCreate": object(["name": string, "description": string, "version": string, "tags": stringArray, "transport": enumeration(["stdio", "streamable-http", "sse"]), "command": string, "args": stringArray, "url": string, "headers": stringMap, "env": anyValue, "auto_approve": stringArray], required: ["name"]),
        "AgentCreate": object(["name": string, "description": string, "tags": stringArray, "prompt": string, "agent_md_content": string, "skill_names": stringArray, "mcp_names": stringArray], required: ["name", "description", "prompt"]),
        "WebhookResult": object(["triggered": array(object(["source_id": integer, "run_id": integer]))], required: ["triggered"]),
        "GitURL": object(["git_url": string], required: ["git_url"]),
        "SyncSourceRequest": object(["name": string, "url": string, "git_url": string, "branch": string, "sub_path": string, "token": string, "username": string, "ssh_private_key": string, "ssh_host_fingerprint": string, "kind": enumeration(["git", "github_org", "gitlab_group"]), "organization": string, "group": string, "api_url": string, "interval_seconds": integer, "enabled": boolean]),
        "SyncStarted": object(["run_id": integer, "source_id": integer, "status": string], required: ["run_id", "source_id", "status"]),
        "SyncRun": object(["id": integer, "source_id": integer, "trigger": string, "status": enumeration(["queued", "running", "succeeded", "partial", "failed"]), "started_at": dateTime, "finished_at": .object(["type": .array([.string("string"), .string("null")])]), "duration_ms": .object(["type": .array([.string("integer"), .string("null")])]), "commit": nullableString, "created": integer, "updated": integer, "unchanged": integer, "removed": integer, "failed": integer, "error": nullableString, "diagnostics": array(object(["asset_id": .object([:]), "kind": nullableString, "name": nullableString, "path": string, "severity": enumeration(["info", "warning", "error"]), "message": string, "created_at": dateTime]))], required: ["id", "source_id", "status", "started_at"]),
        "SyncSource": object(["id": integer, "name": string, "kind": string, "api_url": nullableString, "url": string, "branch": nullableString, "sub_path": nullableString, "credential_kind": string, "has_credentials": boolean, "interval_seconds": integer, "enabled": boolean, "last_run": .object([:]), "created_at": dateTime], required: ["id", "name", "url", "has_credentials", "enabled"]),
        "Stats": object(["skill_count": integer, "mcp_count": integer, "agent_count": integer, "total_installs": integer], required: ["skill_count", "mcp_count", "agent_count", "total_installs"]),
    ]
}
