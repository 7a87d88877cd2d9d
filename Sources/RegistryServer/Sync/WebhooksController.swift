import Crypto
import Foundation
import Hummingbird
import RegistryStore
import Shared
import SyncWorker

/// Push webhooks: GitHub (`X-Hub-Signature-256`, HMAC-SHA256 of the body) and GitLab
/// (`X-Gitlab-Token`), both with `WEBHOOK_SECRET`. A push starts a run of every enabled source whose
/// URL is the pushed repository (and whose branch, when set, was pushed); the answer lists them.
struct WebhooksController {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("github", use: github)
        group.post("gitlab", use: gitlab)
    }

    @Sendable func github(_ request: Request, context: AppRequestContext) async throws -> Response {
        let secret = try configuredSecret()
        let body = try await APIJSON.jsonBody(request, limit: 5 * 1024 * 1024)
        guard let header = request.headers[.init("X-Hub-Signature-256")!], header.hasPrefix("sha256=") else {
            throw APIError.unauthorized("missing X-Hub-Signature-256")
        }
        // isValidAuthenticationCode compares in constant time.
        guard let given = Data(hexString: String(header.dropFirst(7))), HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: SymmetricKey(data: Data(secret.utf8))) else {
            throw APIError.unauthorized("the signature does not match the body; check the webhook secret")
        }
        if request.headers[.init("X-GitHub-Event")!] == "ping" { return try APIJSON.response(.object(["triggered": .array([])])) }
        let payload = try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
        let repository = payload["repository"] as? [String: Any] ?? [:]
        let urls = ["clone_url", "html_url", "git_url", "ssh_url", "url"].compactMap { repository[$0] as? String }
        return try await trigger(urls: urls, ref: payload["ref"] as? String, context: context)
    }

    @Sendable func gitlab(_ request: Request, context: AppRequestContext) async throws -> Response {
        let secret = try configuredSecret()
        let token = request.headers[.init("X-Gitlab-Token")!] ?? ""
        guard ServerSecrets.constantTimeEqual(token, secret) else { throw APIError.unauthorized("X-Gitlab-Token does not match the webhook secret") }
        let body = try await APIJSON.jsonBody(request, limit: 5 * 1024 * 1024)
        let payload = try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
        let project = payload["project"] as? [String: Any] ?? payload["repository"] as? [String: Any] ?? [:]
        let urls = ["git_http_url", "http_url", "web_url", "git_ssh_url", "url", "homepage"].compactMap { project[$0] as? String }
        return try await trigger(urls: urls, ref: payload["ref"] as? String, context: context)
    }

    private func configuredSecret() throws -> String {
        guard let secret = services.configuration.webhookSecret else {
            throw APIError.forbidden("webhooks are off on this server: set WEBHOOK_SECRET")
        }
        return secret
    }

    private func trigger(urls: [String], ref: String?, context: AppRequestContext) async throws -> Response {
        let wanted = Set(urls.map(Self.normalise))
        let branch = ref?.hasPrefix("refs/heads/") == true ? String(ref!.dropFirst("refs/heads/".count)) : nil
        var runs: [JSONValue] = []
        for source in try await services.registry.sync.sources() where source.enabled && wanted.contains(Self.normalise(source.url)) {
            if let wantedBranch = source.branch, let branch, wantedBranch != branch { continue }
            let run = try await services.syncService.begin(sourceId: source.id, trigger: "webhook")
            let service = services.syncService
            Task.detached { _ = try? await service.perform(run) }
            runs.append(.object(["source_id": .number(Double(source.id)), "run_id": .number(Double(run.id))]))
        }
        try await services.registry.audit.record(context.auditEvent("sync.webhook", detail: ["repository": urls.first ?? "", "runs": String(runs.count)]))
        return try APIJSON.response(.object(["triggered": .array(runs)]), status: runs.isEmpty ? .ok : .accepted)
    }

    /// `https://Host/Group/Repo.git` and `https://host/group/repo` are the same repository.
    static func normalise(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespaces).lowercased()
        if text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix(".git") { text.removeLast(4) }
        if let range = text.range(of: "://") { text = String(text[range.upperBound...]) }
        if let at = text.firstIndex(of: "@"), text[..<at].contains(":") == false || text.hasPrefix("git@") { text = String(text[text.index(after: at)...]) }
        return text.replacingOccurrences(of: ":", with: "/")
    }
}

extension Data {
    init?(hexString: String) {
        guard hexString.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        var index = hexString.startIndex
        while index < hexString.endIndex {
            let next = hexString.index(index, offsetBy: 2)
            guard let byte = UInt8(hexString[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
