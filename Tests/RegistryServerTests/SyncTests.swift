import Foundation
import HTTPTypes
import Shared
import SyncWorker
import Testing
import TestSupport
@testable import RegistryServer

@Suite("Sync: repositories on real git servers become assets")
struct SyncTests {
    static let secret = "mcp-secret-value-42"

    static let repository: [String: String] = [
        "skills/pdf/SKILL.md": "---\nname: pdf\ndescription: Work with PDFs\ntags: [pdf]\n---\nUse the scripts.\n",
        "skills/pdf/scripts/extract.py": "print('extract')\n",
        ".claude/skills/csv/SKILL.md": "---\nname: csv\ndescription: Clean CSV files\n---\nCSV.\n",
        "nested/deep/.kiro/skills/kiro-one/SKILL.md": "---\nname: kiro-one\ndescription: A Kiro skill\n---\nKiro.\n",
        "agents/reviewer.md": "---\nname: reviewer\ndescription: Reviews\nskills: [pdf]\ntools: Read, Grep\n---\nReview carefully.\n",
        "team/agent/AGENT.md": "---\nname: team-agent\ndescription: The team's agent\nmcps: [github]\n---\nHelp the team.\n",
        ".mcp.json": "{\"mcpServers\": {\"github\": {\"command\": \"npx\", \"args\": [\"-y\", \"gh-mcp\"], \"env\": {\"GITHUB_TOKEN\": \"\(secret)\"}}}}",
        "node_modules/dep/SKILL.md": "---\nname: from-node-modules\ndescription: must be skipped\n---\n",
        "broken/SKILL.md": "---\nname: [broken\n---\n",
    ]

    /// Polls a run until it is no longer running.
    static func wait(_ app: TestApp, run: Int) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let reply = try await app.request(.get, "/api/v1/admin/sync-runs/\(run)", auth: .apiKey(TestApp.adminAPIKey))
            if reply.json["status"] as? String != "running" { return reply.json }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("run \(run) did not finish")
    }

    static func syncNow(_ app: TestApp, source: Int) async throws -> [String: Any] {
        let started = try await app.request(.post, "/api/v1/admin/sync-sources/\(source)/sync", auth: .apiKey(TestApp.adminAPIKey))
        guard started.status == .accepted, let run = started.json["run_id"] as? Int else { throw TestFailure("sync now: \(started.text)") }
        return try await wait(app, run: run)
    }

    static func count(_ app: TestApp, _ table: String) async throws -> Int64 {
        try await app.services.registry.database.first("SELECT COUNT(*) AS n FROM \(table)", [])?.int("n") ?? -1
    }

    @Test("an unchanged source after a clean run is not read again; an edited source is; a deleted asset stays deleted", arguments: TestDatabases.backends)
    func unchangedFastPath(backend: TestBackend) async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("clean", files: [
            "skills/a/SKILL.md": "---\nname: fast-a\ndescription: A\n---\n", "skills/b/SKILL.md": "---\nname: fast-b\ndescription: B\n---\n",
        ])
        try await TestApp.run(backend, environment: ["SYNC_ALLOW_FILE_URLS": "true"]) { (app: TestApp) async throws in
            let created = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "clean", "url": fixture.fileURL("clean")])
            let source = try #require(created.json["id"] as? Int)
            let first = try await Self.syncNow(app, source: source)
            #expect(first["status"] as? String == "succeeded")
            let duration = try #require(first["duration_ms"] as? Int, "a finished run says how long it took")
            #expect(duration >= 0 && duration < 60_000)
            func messages(_ run: [String: Any]) async throws -> [String] {
                let detail = try await app.request(.get, "/api/v1/admin/sync-runs/\(try #require(run["id"] as? Int))", auth: .apiKey(TestApp.adminAPIKey))
                return (detail.json["diagnostics"] as? [[String: Any]])?.compactMap { $0["message"] as? String } ?? []
            }
            // Where the run's time went: one info line, the fetch and the reading and storing, and
            // what of the latter was spent listing the tree, in transactions and waiting.
            let timing = try #require(try await messages(first).first { $0.hasPrefix("fetched in ") }, "a run says how long its fetch took")
            let numbers = timing.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            #expect(timing.contains("; read and stored 2 packages in ") && timing.contains("; 1 transaction, ") && numbers.count == 8 && numbers[1] == 2, "\(timing)")
            if numbers.count == 8 {
                let (fetch, store, listing, transactions, inTransactions, waitingForReading, waitingForStoring) = (numbers[0], numbers[2], numbers[3], numbers[4], numbers[5], numbers[6], numbers[7])
                #expect(fetch + store <= duration + 1, "fetch and store fit in the run: \(timing), \(duration) ms")
                #expect(transactions == 1 && inTransactions <= store, "\(timing)")
                #expect(listing + waitingForReading + waitingForStoring <= store, "the parts are apart and within the storing: \(timing)")
            }
            let second = try await Self.syncNow(app, source: source)
            #expect(second["status"] as? String == "succeeded" && second["unchanged"] as? Int == 2)
            #expect(try await messages(second).contains { $0.hasPrefix("unchanged: still at") }, "nothing was read again")
            #expect(try await messages(second).contains { $0.hasPrefix("fetched in ") && $0.hasSuffix(" ms; nothing to read") })

            #expect(try await app.request(.delete, "/api/v1/assets/skill/fast-b", auth: .apiKey(TestApp.adminAPIKey)).status.code < 300)
            let third = try await Self.syncNow(app, source: source)
            #expect(third["unchanged"] as? Int == 1)
            #expect(try await app.request(.get, "/api/v1/assets/skill/fast-b").status == .notFound, "a deleted asset stays deleted")

            try await Task.sleep(for: .milliseconds(20))
            #expect(try await app.request(.put, "/api/v1/admin/sync-sources/\(source)", auth: .apiKey(TestApp.adminAPIKey), json: ["sub_path": "skills/a"]).status == .ok)
            let edited = try await Self.syncNow(app, source: source)
            #expect(try await !messages(edited).contains { $0.hasPrefix("unchanged: still at") }, "an edited source is read again")
            #expect(edited["status"] as? String == "succeeded")
        }
    }

    @Test("a first sync of several batches: each package's outcome is recorded once; a refusal in the second batch and broken packages in the second and third cost only themselves; notes are written once", arguments: TestDatabases.backends)
    func severalBatches(backend: TestBackend) async throws {
        // 80 skills are three batches of 32, 32 and 16 (a service of its own: the server's batches
        // are of 128); each is gathered while the one before it is stored.
        let names = (0..<80).map { "many-" + String(repeating: "0", count: $0 < 10 ? 1 : 0) + "\($0)" }
        var files: [String: String] = [:]
        for name in names {
            files["skills/\(name)/SKILL.md"] = "---\nname: \(name)\ndescription: Skill \(name)\n---\nBody of \(name).\n"
        }
        // Broken: many-50 in the batch with the refusal (its error waits in the log for that
        // batch's transaction, which is rolled back), many-70 in the batch gathered meanwhile.
        files["skills/many-50/SKILL.md"] = "---\nname: [broken\n---\n"
        files["skills/many-70/SKILL.md"] = "---\nname: [broken\n---\n"
        let fixture = try GitFixture()
        defer { fixture.remove() }
        // Links are left out with a warning, noted while the batch is gathered: the one in
        // many-45 waits in the log for the rolled-back transaction, the one in many-75 is noted
        // while that transaction runs.
        try fixture.repository("many", files: files, symlinks: ["skills/many-45/passwd": "/etc/passwd", "skills/many-75/passwd": "/etc/passwd"])
        try await TestApp.run(backend, environment: ["SYNC_ALLOW_FILE_URLS": "true"]) { (app: TestApp) async throws in
            let other = try await app.register("owner-of-40")
            try await app.publishArchive(.skill, TestApp.skill("many-40", version: "1.0.0"), key: other.apiKey)
            let created = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "many", "url": fixture.fileURL("many"), "branch": "main"])
            let source = try #require(created.json["id"] as? Int)
            let service = SyncService(registry: app.services.registry, git: LibGit2Client(), publisher: ServerSyncPublisher(publisher: app.services.publisher, registry: app.services.registry),
                                      workDirectory: app.services.syncService.workDirectory, limits: app.services.packageLimits, batching: SyncBatching(packages: 32, ahead: 64),
                                      timeout: .seconds(60), logger: app.services.logger, credentials: { _ in .none })
            let finished = try await service.run(sourceId: Int64(source), trigger: "api")
            let run = try await app.request(.get, "/api/v1/admin/sync-runs/\(finished.id)", auth: .apiKey(TestApp.adminAPIKey)).json
            #expect(run["status"] as? String == "partial", "\(run)")
            #expect(run["created"] as? Int == 77, "\(run)")
            #expect(run["failed"] as? Int == 3, "\(run)")
            let diagnostics = try #require(run["diagnostics"] as? [[String: Any]])
            let added = diagnostics.filter { $0["message"] as? String == "added as version 1.0.0" }.compactMap { $0["name"] as? String }
            let expected = names.filter { !["many-40", "many-50", "many-70"].contains($0) }
            #expect(added.sorted() == expected, "every stored package once: \(added)")
            // The first batch had no refusal: its outcomes are written in the repository's order.
            #expect(Array(added.prefix(32)) == Array(expected.prefix(32)))
            #expect(diagnostics.filter { (($0["message"] as? String)?.contains("conflict") ?? false) }.compactMap { $0["path"] as? String } == ["skills/many-40"])
            for linked in ["skills/many-45", "skills/many-75"] {
                #expect(diagnostics.filter { (($0["message"] as? String)?.contains("symbolic link") ?? false) && (($0["path"] as? String)?.hasPrefix(linked) ?? false) }.count == 1, "\(linked): \(diagnostics.filter { $0["severity"] as? String == "warning" })")
            }
            for broken in ["skills/many-50", "skills/many-70"] {
                #expect(diagnostics.filter { $0["severity"] as? String == "error" && ($0["path"] as? String) == broken }.count == 1, "\(broken)")
            }
            #expect(try await Self.count(app, "asset_versions") == 78, "77 synced and the one published before")
            // The timing line counts three batches' transactions, the second's rolled back and
            // its 32 packages stored one by one.
            let timing = try #require(diagnostics.compactMap { $0["message"] as? String }.first { $0.hasPrefix("fetched in ") })
            #expect(timing.contains("read and stored 80 packages in ") && timing.contains("; 35 transactions, "), "\(timing)")
            let owner = try await app.request(.get, "/api/v1/assets/skill/many-40")
            #expect((owner.json["asset"] as? [String: Any])?["owner"] as? String == "owner-of-40")
            for name in ["many-00", "many-39", "many-41", "many-49", "many-51", "many-69", "many-71", "many-79"] {
                #expect(try await app.request(.get, "/api/v1/assets/skill/\(name)").status == .ok, "\(name)")
            }
        }
    }

    @Test("first sync indexes everything; an unchanged re-sync writes nothing; an edit, an addition and a deletion upstream", arguments: TestDatabases.backends)
    func lifecycle(backend: TestBackend) async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("skills", files: Self.repository, symlinks: ["skills/pdf/passwd": "/etc/passwd"])
        try await TestApp.run(backend, environment: ["SYNC_ALLOW_FILE_URLS": "true"]) { (app: TestApp) async throws in
            let created = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "team skills", "url": fixture.fileURL("skills"), "branch": "main"])
            #expect(created.status == .created, "\(created.text)")
            let source = try #require(created.json["id"] as? Int)

            let first = try await Self.syncNow(app, source: source)
            let head = try GitFixture.git(["rev-parse", "HEAD"], in: fixture.root.appendingPathComponent("work-skills"))
            #expect(first["commit"] as? String == head)
            #expect(first["status"] as? String == "partial", "the broken SKILL.md failed, the rest synced: \(first)")
            #expect(first["created"] as? Int == 6)
            #expect(first["failed"] as? Int == 1)
            let diagnostics = try #require(first["diagnostics"] as? [[String: Any]])
            #expect(diagnostics.contains { ($0["path"] as? String) == "broken" && ($0["severity"] as? String) == "error" && (($0["message"] as? String)?.contains("YAML") ?? false) })
            #expect(diagnostics.filter { (($0["message"] as? String)?.contains("symbolic link") ?? false) }.count == 1)
            // What each stored package became is written with its batch, once, with the asset's id.
            let added = diagnostics.filter { $0["message"] as? String == "added as version 1.0.0" }
            #expect(added.compactMap { $0["name"] as? String }.sorted() == ["csv", "github", "kiro-one", "pdf", "reviewer", "team-agent"], "\(added)")
            #expect(added.allSatisfy { $0["asset_id"] as? Int != nil && $0["severity"] as? String == "info" })

            for (kind, name) in [("skill", "pdf"), ("skill", "csv"), ("skill", "kiro-one"), ("agent", "reviewer"), ("agent", "team-agent"), ("tool", "github")] {
                let detail = try await app.request(.get, "/api/v1/assets/\(kind)/\(name)")
                #expect(detail.status == .ok, "\(kind) \(name)")
                #expect((detail.json["source"] as? [String: Any])?["commit"] as? String == head)
                #expect((detail.json["asset"] as? [String: Any])?["origin"] as? String == "sync")
            }
            #expect(try await app.request(.get, "/api/v1/assets/skill/from-node-modules").status == .notFound)

            // READMEs are stored unrendered and rendered right after the run; one asked for before
            // that is rendered when asked for, and kept.
            func unrendered() async throws -> Int64 {
                try await app.services.registry.database.first("SELECT COUNT(*) AS n FROM asset_versions WHERE readme_html = '' AND readme_markdown <> ''", [])?.int("n") ?? -1
            }
            let renderDeadline = ContinuousClock.now + .seconds(30)
            while try await unrendered() > 0, ContinuousClock.now < renderDeadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(try await unrendered() == 0, "the run's READMEs were rendered after it")
            try await app.services.registry.database.execute("UPDATE asset_versions SET readme_html = '' WHERE asset_id = (SELECT id FROM assets WHERE name = 'pdf')")
            #expect(try await unrendered() == 1)
            let pdfReadme = try await app.request(.get, "/api/v1/assets/skill/pdf")
            #expect(pdfReadme.json["readme_html"] as? String == "<p>Use the scripts.</p>", "\(pdfReadme.text)")
            #expect(try await unrendered() == 0, "rendered on demand and kept")
            let pdf = try await app.request(.get, "/api/v1/assets/skill/pdf/versions/1.0.0")
            #expect((pdf.json["files"] as? [[String: Any]])?.compactMap { $0["path"] as? String }.sorted() == ["SKILL.md", "scripts/extract.py"], "the symlink is not included")
            #expect((pdf.json["source"] as? [String: Any])?["path"] as? String == "skills/pdf")
            let tool = try await app.request(.get, "/api/v1/assets/tool/github/download")
            #expect(!tool.body.contains(Array(Self.secret.utf8)), "MCP secrets from a repository are not stored either")

            // Nothing changed upstream: nothing written.
            let versions = try await Self.count(app, "asset_versions")
            let second = try await Self.syncNow(app, source: source)
            #expect(second["status"] as? String == "partial")
            #expect(second["created"] as? Int == 0)
            #expect(second["updated"] as? Int == 0)
            #expect(second["unchanged"] as? Int == 6)
            #expect(try await Self.count(app, "asset_versions") == versions)

            // Edit one, add one, delete one.
            try fixture.commit("skills", files: [
                "skills/pdf/SKILL.md": "---\nname: pdf\ndescription: Work with PDFs\ntags: [pdf]\n---\nUse the scripts. Now better.\n",
                "skills/new-one/SKILL.md": "---\nname: new-one\ndescription: Brand new\n---\nNew.\n",
                ".claude/skills/csv/SKILL.md": nil,
            ], message: "edit, add, delete")
            let third = try await Self.syncNow(app, source: source)
            #expect(third["updated"] as? Int == 1)
            #expect(third["created"] as? Int == 1)
            #expect(third["removed"] as? Int == 1)
            let thirdDiagnostics = try #require(third["diagnostics"] as? [[String: Any]])
            #expect(thirdDiagnostics.filter { $0["message"] as? String == "new version 1.0.1" }.compactMap { $0["name"] as? String } == ["pdf"])
            #expect(thirdDiagnostics.filter { $0["message"] as? String == "added as version 1.0.0" }.compactMap { $0["name"] as? String } == ["new-one"])
            #expect(try await Self.count(app, "asset_versions") == versions + 2)
            let pdfDetail = try await app.request(.get, "/api/v1/assets/skill/pdf")
            #expect((pdfDetail.json["asset"] as? [String: Any])?["latest_version"] as? String == "1.0.1")
            let csv = try await app.request(.get, "/api/v1/assets/skill/csv")
            #expect((csv.json["asset"] as? [String: Any])?["status"] as? String == "removed")
            #expect(try await app.request(.get, "/api/v1/assets/skill/csv/versions/1.0.0/download").status == .ok, "removed upstream, still installable")

            // An asset an admin deleted stays deleted; a name someone else owns is a conflict, not a takeover.
            #expect(try await app.request(.delete, "/api/v1/assets/skill/kiro-one", auth: .apiKey(TestApp.adminAPIKey)).status == .noContent)
            let other = try await app.register("someone")
            try await app.publishArchive(.skill, TestApp.skill("theirs", version: "1.0.0"), key: other.apiKey)
            try fixture.commit("skills", files: [
                "skills/theirs/SKILL.md": "---\nname: theirs\ndescription: Not yours\n---\n",
                "nested/deep/.kiro/skills/kiro-one/SKILL.md": "---\nname: kiro-one\ndescription: A Kiro skill, edited\n---\nKiro.\n",
                "skills/fresh/SKILL.md": "---\nname: fresh\ndescription: Stored although its batch had a refusal\n---\n",
            ], message: "conflict and deleted")
            let fourth = try await Self.syncNow(app, source: source)
            // The packages are stored in batches; a refusal rolls its batch back and each package of
            // it is stored again alone, so only the refused ones are lost.
            #expect(fourth["created"] as? Int == 1 && fourth["unchanged"] as? Int == 5, "\(fourth)")
            #expect(try await app.request(.get, "/api/v1/assets/skill/fresh").status == .ok)
            let fourthDiagnostics = try #require(fourth["diagnostics"] as? [[String: Any]])
            #expect(fourthDiagnostics.contains { (($0["message"] as? String)?.contains("conflict") ?? false) && ($0["path"] as? String) == "skills/theirs" })
            #expect(fourthDiagnostics.contains { (($0["message"] as? String)?.contains("stays deleted") ?? false) })
            // The batch's diagnostics were rolled back with it and written once, package by package.
            #expect(fourthDiagnostics.filter { $0["message"] as? String == "added as version 1.0.0" }.compactMap { $0["path"] as? String } == ["skills/fresh"], "\(fourthDiagnostics)")
            #expect(fourthDiagnostics.filter { (($0["message"] as? String)?.contains("conflict") ?? false) }.count == 1)
            #expect(fourthDiagnostics.filter { (($0["message"] as? String)?.contains("symbolic link") ?? false) }.count == 1)
            #expect(try await app.request(.get, "/api/v1/assets/skill/kiro-one").status == .notFound)
            let theirs = try await app.request(.get, "/api/v1/assets/skill/theirs")
            #expect((theirs.json["asset"] as? [String: Any])?["owner"] as? String == "someone")
            #expect((theirs.json["versions"] as? [Any])?.count == 1)

            let history = try await app.request(.get, "/api/v1/admin/sync-sources/\(source)/runs", auth: .apiKey(TestApp.adminAPIKey))
            #expect((try JSONSerialization.jsonObject(with: history.body) as? [Any])?.count == 4)
        }
    }

    @Test("tokens are sealed and never returned; wrong token, unreachable host and empty repository are recorded errors; the server keeps serving")
    func failures() async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("private", files: ["skills/secret-skill/SKILL.md": "---\nname: secret-skill\ndescription: d\n---\n"])
        try fixture.emptyRepository("empty")
        let http = try await BackgroundServer.gitHTTP(fixture, credentials: "*:the-right-token")
        defer { http.stop() }
        try await TestApp.run(.sqlite, environment: ["SYNC_ALLOW_FILE_URLS": "true", "SYNC_TIMEOUT_SECONDS": "20"]) { (app: TestApp) async throws in
            let url = "http://127.0.0.1:\(http.port)/private.git"
            let good = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "private", "url": url, "token": "the-right-token"])
            #expect(good.status == .created)
            #expect(good.json["has_credentials"] as? Bool == true)
            #expect(!good.text.contains("the-right-token"))
            let goodId = try #require(good.json["id"] as? Int)
            let run = try await Self.syncNow(app, source: goodId)
            #expect(run["status"] as? String == "succeeded", "\(run)")
            #expect(run["created"] as? Int == 1)

            let stored = try await app.services.registry.database.query("SELECT credentials_ciphertext FROM sync_sources", [])
            #expect(try stored.allSatisfy { !String(decoding: try $0.bytes("credentials_ciphertext"), as: UTF8.self).contains("the-right-token") })
            for path in ["/api/v1/admin/sync-sources", "/api/v1/admin/sync-sources/\(goodId)", "/api/v1/admin/audit?size=100"] {
                #expect(!(try await app.request(.get, path, auth: .apiKey(TestApp.adminAPIKey)).text.contains("the-right-token")), "\(path)")
            }

            let wrong = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "wrong", "url": url, "token": "not-the-token"])
            let wrongRun = try await Self.syncNow(app, source: try #require(wrong.json["id"] as? Int))
            #expect(wrongRun["status"] as? String == "failed")
            #expect((wrongRun["error"] as? String)?.contains("authentication failed") == true, "\(wrongRun)")
            #expect((wrongRun["error"] as? String)?.contains("not-the-token") == false)

            let unreachable = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "gone", "url": "http://127.0.0.1:\(try BackgroundServer.freePort())/x.git"])
            let unreachableRun = try await Self.syncNow(app, source: try #require(unreachable.json["id"] as? Int))
            #expect(unreachableRun["status"] as? String == "failed")
            #expect((unreachableRun["error"] as? String)?.isEmpty == false)

            let empty = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "empty", "url": fixture.fileURL("empty")])
            let emptyRun = try await Self.syncNow(app, source: try #require(empty.json["id"] as? Int))
            #expect(emptyRun["status"] as? String == "failed")
            #expect((emptyRun["error"] as? String)?.contains("empty") == true, "\(emptyRun)")

            #expect(try await app.request(.get, "/health").status == .ok)

            // Bad sources are refused before anything is stored.
            for body in [["url": "ftp://x/y.git"], ["url": "https://user:pass@host/x.git"], ["url": ""], ["url": "https://h/x.git", "interval_seconds": 5] as [String: Any], ["url": "https://h/x.git", "branch": "--upload-pack=evil"],
                         ["url": "https://h/x.git", "branch": "ma\u{17}in"], ["url": "https://h/x.git", "branch": "a..b"], ["url": "https://h/x.git", "branch": "feat:x"],
                         ["url": "https://h/x.git", "branch": "x.lock"], ["url": "https://h/x.git", "branch": "a//b"], ["url": "https://h/x.git", "branch": ".hidden"],
                         ["url": "https://h/x.git", "branch": "a@{1}"], ["url": "https://h/x.git", "branch": "a\u{7F}"], ["url": "https://h/x.git", "branch": "a b"]] as [[String: Any]] {
                #expect(try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: body).status == .unprocessableContent, "\(body)")
            }
            // Names git allows are kept, Unicode included.
            for branch in ["main", "release/1.2", "feature/ünïcode-😀", "v1.0.0", "a-b_c"] {
                let accepted = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "ok-\(branch)", "url": "https://h/\(branch.count).git", "branch": branch])
                #expect(accepted.status == .created, "\(branch): \(accepted.text)")
                #expect(accepted.json["branch"] as? String == branch)
            }
            // AgentHub's /sync/git on a source whose branch is not in the repository: a 422 naming it, not a 502.
            #expect(try await app.request(.put, "/api/v1/admin/sync-sources/\(goodId)", auth: .apiKey(TestApp.adminAPIKey), json: ["branch": "no-such-branch"]).status == .ok)
            let missing = try await app.request(.post, "/api/v1/sync/git", auth: .apiKey(TestApp.adminAPIKey), json: ["git_url": url])
            #expect(missing.status == .unprocessableContent, "\(missing.text)")
            #expect(missing.text.contains("no-such-branch"))
            let user = try await app.register("plain")
            #expect(try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(user.apiKey), json: ["url": url]).status == .forbidden)
            #expect(try await app.request(.post, "/api/v1/admin/sync-sources/\(goodId)/sync", auth: .apiKey(user.apiKey)).status == .forbidden)
        }
    }

    @Test("AgentHub's POST /sync/git answers with the skills it added, then []")
    func agentHubSync() async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("hub", files: ["skills/one/SKILL.md": "---\nname: one\ndescription: first\n---\n", "skills/two/SKILL.md": "---\nname: two\ndescription: second\n---\n"])
        try await TestApp.run(.sqlite, environment: ["SYNC_ALLOW_FILE_URLS": "true"]) { (app: TestApp) async throws in
            let first = try await app.request(.post, "/api/v1/sync/git", auth: .apiKey(TestApp.adminAPIKey), json: ["git_url": fixture.fileURL("hub")])
            #expect(first.status == .ok)
            let items = try #require(try JSONSerialization.jsonObject(with: first.body) as? [[String: Any]])
            #expect(items.compactMap { $0["name"] as? String }.sorted() == ["one", "two"])
            let again = try await app.request(.post, "/api/v1/sync/git", auth: .apiKey(TestApp.adminAPIKey), json: ["git_url": fixture.fileURL("hub")])
            #expect(again.text == "[]")
            #expect(try await app.request(.post, "/api/v1/sync/git", json: ["git_url": fixture.fileURL("hub")]).status == .unauthorized)
        }
    }
}

@Suite("Sync over SSH")
struct SyncSSHTests {
    @Test("an ssh:// source with a sealed ed25519 key and a pinned host key syncs; the key is never returned")
    func sshSource() async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("over-ssh", files: ["skills/ssh-skill/SKILL.md": "---\nname: ssh-skill\ndescription: d\n---\n"])
        let ssh = try await BackgroundServer.sshd(fixture)
        defer { ssh.server.stop() }
        try await TestApp.run(.sqlite) { (app: TestApp) async throws in
            let url = ssh.url(fixture, "over-ssh")
            #expect(try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["url": url]).status == .unprocessableContent, "an ssh source needs a key")
            #expect(try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["url": url, "ssh_private_key": ssh.clientPrivateKey]).status == .unprocessableContent, "and a pinned fingerprint")
            let created = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["url": url, "ssh_private_key": ssh.clientPrivateKey, "ssh_host_fingerprint": ssh.hostFingerprint])
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["credential_kind"] as? String == "ssh_key")
            #expect(!created.text.contains("PRIVATE KEY"))
            let run = try await SyncTests.syncNow(app, source: try #require(created.json["id"] as? Int))
            #expect(run["status"] as? String == "succeeded", "\(run)")
            #expect(try await app.request(.get, "/api/v1/assets/skill/ssh-skill").status == .ok)
            #expect(!(try await app.request(.get, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey)).text.contains("PRIVATE KEY")))

            // A server whose host key is not the pinned one: a recorded error, nothing synced.
            try fixture.commit("over-ssh", files: ["skills/not-synced/SKILL.md": "---\nname: not-synced\ndescription: d\n---\n"], message: "more")
            let pinnedWrong = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "wrong pin", "url": url, "ssh_private_key": ssh.clientPrivateKey, "ssh_host_fingerprint": "SHA256:" + String(repeating: "B", count: 43)])
            let refused = try await SyncTests.syncNow(app, source: try #require(pinnedWrong.json["id"] as? Int))
            #expect(refused["status"] as? String == "failed")
            #expect((refused["error"] as? String)?.contains("not the pinned") == true, "\(refused)")
            #expect(try await app.request(.get, "/api/v1/assets/skill/not-synced").status == .notFound)
        }
    }
}

@Suite("Sync over HTTPS with an internal CA")
struct SyncTLSTests {
    @Test("an unknown certificate authority is refused; with GIT_CA_FILE the same server is trusted")
    func customCA() async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("tls", files: ["skills/tls-skill/SKILL.md": "---\nname: tls-skill\ndescription: d\n---\n"])
        let certificate = try BackgroundServer.localhostCertificate(in: fixture.root)
        let https = try await BackgroundServer.gitHTTP(fixture, credentials: nil, tls: certificate)
        defer { https.stop() }
        let url = "https://localhost:\(https.port)/tls.git"
        try await TestApp.run(.sqlite) { (app: TestApp) async throws in
            let source = try await SyncTriggerTests.addSource(app, url: url)
            let run = try await SyncTests.syncNow(app, source: source)
            #expect(run["status"] as? String == "failed")
            #expect((run["error"] as? String)?.lowercased().contains("certificate") == true, "\(run)")
        }
        try await TestApp.run(.sqlite, environment: ["GIT_CA_FILE": certificate.certificate.path]) { (app: TestApp) async throws in
            let source = try await SyncTriggerTests.addSource(app, url: url)
            let run = try await SyncTests.syncNow(app, source: source)
            #expect(run["status"] as? String == "succeeded", "\(run)")
            #expect(try await app.request(.get, "/api/v1/assets/skill/tls-skill").status == .ok)
        }
        #expect(throws: ConfigurationError.self) {
            try AppServices.installCertificateAuthorities("/etc/hostname", dataDirectory: fixture.root)
        }
    }
}

@Suite("Sync of GitHub organisations and GitLab groups")
struct SyncListingTests {
    @Test("an organisation's and a group's repositories are listed page by page and each is synced with the token")
    func listings() async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("repo-a", files: ["skills/from-a/SKILL.md": "---\nname: from-a\ndescription: d\n---\n"])
        try fixture.repository("repo-b", files: ["skills/from-b/SKILL.md": "---\nname: from-b\ndescription: d\n---\n"])
        try fixture.repository("archived", files: ["skills/from-archive/SKILL.md": "---\nname: from-archive\ndescription: d\n---\n"])
        try fixture.repository("repo-c", files: ["skills/from-c/SKILL.md": "---\nname: from-c\ndescription: d\n---\n"])
        let git = try await BackgroundServer.gitHTTP(fixture, credentials: "*:org-token")
        defer { git.stop() }
        func clone(_ name: String) -> String { "http://127.0.0.1:\(git.port)/\(name).git" }
        let api = try await BackgroundServer.apiPages(fixture, pages: [
            "/orgs/acme/repos": [
                [["id": 1, "name": "repo-a", "full_name": "acme/repo-a", "clone_url": clone("repo-a"), "archived": false]],
                [["id": 2, "name": "repo-b", "full_name": "acme/repo-b", "clone_url": clone("repo-b"), "archived": false],
                 ["id": 3, "name": "archived", "full_name": "acme/archived", "clone_url": clone("archived"), "archived": true]],
            ],
            "/api/v4/groups/team%2Fsub/projects": [
                [["id": 7, "path_with_namespace": "team/sub/repo-c", "http_url_to_repo": clone("repo-c"), "archived": false]],
            ],
        ], token: "org-token")
        defer { api.stop() }
        let organisationRepositories: Set = [clone("repo-a"), clone("repo-b")]
        try await TestApp.run(.sqlite) { (app: TestApp) async throws in
            let apiURL = "http://127.0.0.1:\(api.port)"
            let github = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["kind": "github_org", "organization": "acme", "api_url": apiURL, "token": "org-token"])
            #expect(github.status == .created, "\(github.text)")
            #expect(github.json["kind"] as? String == "github_org")
            let run = try await SyncTests.syncNow(app, source: try #require(github.json["id"] as? Int))
            #expect(run["status"] as? String == "succeeded", "\(run)")
            #expect(run["created"] as? Int == 2)
            let timings = (run["diagnostics"] as? [[String: Any]] ?? []).filter { ($0["message"] as? String)?.hasPrefix("fetched in ") ?? false }
            let timedPaths = Set(timings.compactMap { $0["path"] as? String })
            #expect(timedPaths == organisationRepositories, "each repository's timing is at its URL: \(timings)")
            #expect(try await app.request(.get, "/api/v1/assets/skill/from-a").status == .ok)
            #expect(try await app.request(.get, "/api/v1/assets/skill/from-b").status == .ok, "the second page was read")
            #expect(try await app.request(.get, "/api/v1/assets/skill/from-archive").status == .notFound, "archived repositories are skipped")

            let gitlab = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["kind": "gitlab_group", "group": "team/sub", "api_url": apiURL, "token": "org-token"])
            let gitlabRun = try await SyncTests.syncNow(app, source: try #require(gitlab.json["id"] as? Int))
            #expect(gitlabRun["status"] as? String == "succeeded", "\(gitlabRun)")
            #expect(try await app.request(.get, "/api/v1/assets/skill/from-c").status == .ok)

            let wrong = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["kind": "github_org", "organization": "acme", "api_url": apiURL, "token": "bad-token", "name": "wrong token"])
            let wrongRun = try await SyncTests.syncNow(app, source: try #require(wrong.json["id"] as? Int))
            #expect(wrongRun["status"] as? String == "failed")
            #expect((wrongRun["error"] as? String)?.contains("HTTP 401") == true, "\(wrongRun)")
            #expect((wrongRun["error"] as? String)?.contains("bad-token") == false)

            #expect(try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["kind": "gitlab_group", "group": "team/sub"]).status == .unprocessableContent, "a GitLab group needs its instance's URL")
            #expect(try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["kind": "svn"]).status == .unprocessableContent)
        }
    }
}

@Suite("Sync sources: edit, delete, import")
struct SyncSourceEditingTests {
    @Test("editing keeps or removes the sealed token as asked; deleting a source keeps its assets; /admin/import starts a run", arguments: TestDatabases.backends)
    func editing(backend: TestBackend) async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("edited", files: ["skills/edited/SKILL.md": "---\nname: edited\ndescription: d\n---\n"])
        try await TestApp.run(backend, environment: ["SYNC_ALLOW_FILE_URLS": "true"]) { (app: TestApp) async throws in
            let admin = TestApp.Auth.apiKey(TestApp.adminAPIKey)
            let created = try await app.request(.post, "/api/v1/admin/sync-sources", auth: admin, json: ["name": "edited", "url": "https://git.example.com/team/edited.git", "token": "first-token"])
            let id = try #require(created.json["id"] as? Int)
            let sealed = try await app.services.registry.sync.source(id: Int64(id))?.credentialsCiphertext

            let renamed = try await app.request(.put, "/api/v1/admin/sync-sources/\(id)", auth: admin, json: ["name": "renamed", "interval_seconds": 600, "enabled": false])
            #expect(renamed.status == .ok)
            #expect(renamed.json["name"] as? String == "renamed")
            #expect(renamed.json["enabled"] as? Bool == false)
            #expect(renamed.json["has_credentials"] as? Bool == true, "no token in the edit: the sealed one stays")
            #expect(try await app.services.registry.sync.source(id: Int64(id))?.credentialsCiphertext == sealed)
            let cleared = try await app.request(.put, "/api/v1/admin/sync-sources/\(id)", auth: admin, json: ["token": ""])
            #expect(cleared.json["has_credentials"] as? Bool == false)
            #expect(try await app.request(.put, "/api/v1/admin/sync-sources/\(id)", auth: admin, json: ["interval_seconds": 1]).status == .unprocessableContent)
            #expect(try await app.request(.put, "/api/v1/admin/sync-sources/999999", auth: admin, json: ["name": "x"]).status == .notFound)
            let detail = try await app.request(.get, "/api/v1/admin/sync-sources/\(id)", auth: admin)
            #expect(detail.json["interval_seconds"] as? Int == 600)
            let other = try await app.request(.post, "/api/v1/admin/sync-sources", auth: admin, json: ["name": "renamed", "url": "https://git.example.com/other.git"])
            #expect(other.status == .conflict, "names are unique: \(other.text)")
            #expect(try await app.services.registry.sync.sources().count == 1, "nothing was stored")

            // Import: the URL's source (created when new), synced in the background.
            let imported = try await app.request(.post, "/api/v1/admin/import", auth: admin, json: ["git_url": fixture.fileURL("edited")])
            #expect(imported.status == .accepted)
            let run = try await SyncTests.wait(app, run: try #require(imported.json["run_id"] as? Int))
            #expect(run["status"] as? String == "succeeded", "\(run)")
            let importedSource = try #require(imported.json["source_id"] as? Int)
            #expect(try await app.request(.post, "/api/v1/admin/import", json: ["git_url": fixture.fileURL("edited")]).status == .unauthorized)

            // Deleting the source keeps what it brought in.
            #expect(try await app.request(.delete, "/api/v1/admin/sync-sources/\(importedSource)", auth: admin).status == .noContent)
            #expect(try await app.request(.get, "/api/v1/admin/sync-sources/\(importedSource)", auth: admin).status == .notFound)
            #expect(try await app.request(.get, "/api/v1/assets/skill/edited").status == .ok)
            #expect(try await app.request(.delete, "/api/v1/admin/sync-sources/\(importedSource)", auth: admin).status == .notFound)
        }
    }
}
