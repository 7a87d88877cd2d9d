import Crypto
import Foundation
import HTTPTypes
import Shared
import SyncWorker
import Testing
import TestSupport
@testable import RegistryServer

@Suite("Sync triggers: webhooks, schedule, leases")
struct SyncTriggerTests {
    static let secret = "webhook-secret-0123456789"

    static func addSource(_ app: TestApp, url: String, branch: String? = nil) async throws -> Int {
        var body: [String: Any] = ["url": url]
        if let branch { body["branch"] = branch }
        let reply = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: body)
        guard let id = reply.json["id"] as? Int else { throw TestFailure("add source: \(reply.text)") }
        return id
    }

    @Test("GitHub and GitLab pushes start runs of the matching sources; bad signatures and tokens are refused")
    func webhooks() async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("hooked", files: ["skills/hooked/SKILL.md": "---\nname: hooked\ndescription: d\n---\n"])
        try await TestApp.run(.sqlite, environment: ["SYNC_ALLOW_FILE_URLS": "true", "WEBHOOK_SECRET": Self.secret]) { (app: TestApp) async throws in
            let url = fixture.fileURL("hooked")
            let source = try await Self.addSource(app, url: url, branch: "main")
            let payload = try JSONSerialization.data(withJSONObject: ["ref": "refs/heads/main", "repository": ["clone_url": url + "/"]])
            let signature = "sha256=" + HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: Data(Self.secret.utf8))).map { String(format: "%02x", $0) }.joined()
            func post(_ path: String, _ body: Data, _ headers: HTTPFields) async throws -> TestApp.Reply {
                var fields = headers
                fields[.contentType] = "application/json"
                return try await app.client.execute(uri: path, method: .post, headers: fields, body: .init(bytes: body)) { response in
                    TestApp.Reply(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
                }
            }
            let hook = try await post("/api/v1/webhooks/github", payload, [.init("X-Hub-Signature-256")!: signature])
            #expect(hook.status == .accepted, "\(hook.text)")
            let runs = try #require(hook.json["triggered"] as? [[String: Any]])
            #expect(runs.first?["source_id"] as? Int == source)
            let finished = try await SyncTests.wait(app, run: try #require(runs.first?["run_id"] as? Int))
            #expect(finished["status"] as? String == "succeeded")
            #expect(try await app.request(.get, "/api/v1/assets/skill/hooked").status == .ok)

            #expect(try await post("/api/v1/webhooks/github", payload, [.init("X-Hub-Signature-256")!: "sha256=" + String(repeating: "0", count: 64)]).status == .unauthorized)
            #expect(try await post("/api/v1/webhooks/github", payload, [:]).status == .unauthorized)
            let otherBranch = try JSONSerialization.data(withJSONObject: ["ref": "refs/heads/feature", "repository": ["clone_url": url]])
            let otherSignature = "sha256=" + HMAC<SHA256>.authenticationCode(for: otherBranch, using: SymmetricKey(data: Data(Self.secret.utf8))).map { String(format: "%02x", $0) }.joined()
            let ignored = try await post("/api/v1/webhooks/github", otherBranch, [.init("X-Hub-Signature-256")!: otherSignature])
            #expect(ignored.status == .ok)
            #expect((ignored.json["triggered"] as? [Any])?.isEmpty == true, "a push to another branch starts nothing")

            let gitlab = try JSONSerialization.data(withJSONObject: ["ref": "refs/heads/main", "project": ["git_http_url": url.uppercased().replacingOccurrences(of: "FILE://", with: "file://")]])
            #expect(try await post("/api/v1/webhooks/gitlab", gitlab, [.init("X-Gitlab-Token")!: "wrong"]).status == .unauthorized)
            let gitlabHook = try await post("/api/v1/webhooks/gitlab", gitlab, [.init("X-Gitlab-Token")!: Self.secret])
            #expect(gitlabHook.status == .accepted || gitlabHook.status == .ok, "\(gitlabHook.text)")
        }
        try await TestApp.run(.sqlite) { (app: TestApp) async throws in
            #expect(try await app.request(.post, "/api/v1/webhooks/gitlab", json: ["ref": "x"]).status == .forbidden, "no secret configured: webhooks are off")
        }
    }

    @Test("a lease lets one worker at a time sync a source; it expires", arguments: TestDatabases.backends)
    func leases(backend: TestBackend) async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("leased", files: ["skills/leased/SKILL.md": "---\nname: leased\ndescription: d\n---\n"])
        try await TestApp.run(backend, environment: ["SYNC_ALLOW_FILE_URLS": "true"]) { (app: TestApp) async throws in
            let source = Int64(try await Self.addSource(app, url: fixture.fileURL("leased")))
            let sync = app.services.registry.sync
            let now = Date()
            #expect(try await sync.acquireLease(sourceId: source, owner: "a", until: now.addingTimeInterval(60)))
            #expect(try await sync.acquireLease(sourceId: source, owner: "b", until: now.addingTimeInterval(60)) == false)
            #expect(try await sync.acquireLease(sourceId: source, owner: "b", until: now.addingTimeInterval(120), now: now.addingTimeInterval(61)), "an expired lease (a crashed worker) is taken over")
            // Held by someone else: a run is recorded as skipped and changes nothing.
            let skipped = try await app.services.syncService.run(sourceId: source, trigger: "manual")
            #expect(skipped.error?.hasPrefix("skipped") == true)
            #expect(try await app.request(.get, "/api/v1/assets/skill/leased").status == .notFound)
            try await sync.releaseLease(sourceId: source, owner: "b", nextRunAt: nil)

            // Two workers at once (two services, one database): one syncs, the other skips or finds nothing new.
            let second = SyncService(registry: app.services.registry, git: LibGit2Client(), publisher: ServerSyncPublisher(publisher: app.services.publisher, registry: app.services.registry),
                                     workDirectory: app.services.syncService.workDirectory.appendingPathComponent("other"), limits: app.services.packageLimits,
                                     timeout: .seconds(60), logger: app.services.logger, credentials: { _ in .none })
            async let one = app.services.syncService.run(sourceId: source, trigger: "schedule")
            async let two = second.run(sourceId: source, trigger: "schedule")
            let results = try await [one, two]
            #expect(results.filter { $0.created == 1 }.count == 1, "\(results)")
            #expect(try await app.services.registry.database.first("SELECT COUNT(*) AS n FROM asset_versions", [])?.int("n") == 1)

            // The schedule: due once, then not until its interval has passed.
            try await app.services.registry.database.execute("UPDATE sync_sources SET next_run_at = NULL")
            #expect(try await app.services.syncService.runDue().count == 1)
            #expect(try await app.services.syncService.runDue().isEmpty)
            #expect(try await app.services.syncService.runDue(now: Date().addingTimeInterval(7200)).count == 1)
        }
    }
}
