import Foundation
import Synchronization
import RegistryStore
import Shared
import Testing
import TestSupport
@testable import RegistryServer

/// A first sync stores the new assets of a batch together (`PublishService.publishNew`); what it
/// writes must be what storing them one by one writes.
@Suite("Sync: new assets stored together")
struct SyncBatchTests {
    /// Skills with tags (one given twice, in two cases), several files, a file two packages share
    /// (one blob), a declared version and none; an agent that references two of them.
    static let packages: [(AssetKind, [String: String])] = [
        (.skill, ["SKILL.md": "---\nname: pdf\ndescription: Work with PDFs\nversion: 2.1.0\ntags: [PDF, documents, pdf]\n---\n# PDF\nUse the scripts.\n",
                  "scripts/extract.py": "print('shared')\n", "docs/notes.md": "Notes.\n"]),
        (.skill, ["SKILL.md": "---\nname: csv-tools\ndescription: Clean CSV files\n---\nCSV zephyr.\n", "scripts/run.py": "print('shared')\n"]),
        (.skill, ["SKILL.md": "---\nname: plain\ndescription: No tags, no version\n---\n"]),
        (.agent, ["AGENT.md": "---\nname: reviewer\ndescription: Reviews PDFs\nskills: [pdf, csv-tools, pdf]\ntools: Read, Grep\n---\nReview carefully.\n"]),
    ]

    static func prepared(limits: PackageLimits) throws -> [PublishService.Prepared] {
        try packages.map { kind, files in
            let package = try AssetPackage(files: files.map { PackageFile(path: $0.key, text: $0.value) }, limits: limits)
            return PublishService.Prepared(asset: try PreparedAsset.prepare(kind: kind, package: package, limits: limits), readmeHTML: "")
        }
    }

    /// Everything stored about the assets, without ids and times.
    static func snapshot(_ database: any Database) async throws -> [String] {
        var lines: [String] = []
        let queries = [
            "SELECT a.kind, a.name, a.description, a.status, a.origin, a.install_count, v.version FROM assets a JOIN asset_versions v ON v.id = a.latest_version_id ORDER BY a.kind, a.name",
            "SELECT a.name, v.version, v.version_major, v.version_minor, v.version_patch, v.version_pre, v.digest, v.manifest, v.metadata_json, v.readme_markdown, v.readme_html, v.warnings_json, v.source_kind, v.git_url, v.git_ref, v.commit_hash, v.source_path, v.file_count, v.total_size, v.yanked FROM asset_versions v JOIN assets a ON a.id = v.asset_id ORDER BY a.name",
            "SELECT a.name, f.path, f.size, f.mode, f.sha256 FROM version_files f JOIN asset_versions v ON v.id = f.version_id JOIN assets a ON a.id = v.asset_id ORDER BY a.name, f.path",
            "SELECT sha256, size FROM blobs ORDER BY sha256",
            "SELECT a.name, t.tag FROM asset_tags t JOIN assets a ON a.id = t.asset_id ORDER BY a.name, t.tag",
            "SELECT a.name, r.ref_kind, r.ref_name FROM asset_references r JOIN asset_versions v ON v.id = r.version_id JOIN assets a ON a.id = v.asset_id ORDER BY a.name, r.ref_kind, r.ref_name",
        ]
        for sql in queries {
            for row in try await database.query(sql, []) {
                lines.append(row.values.keys.sorted().map { "\($0)=\(row[$0])" }.joined(separator: " "))
            }
            lines.append("--")
        }
        return lines
    }

    @Test("the rows written for a batch of new assets are the rows written one by one; the search finds them the same way", arguments: TestDatabases.backends)
    func sameRows(backend: TestBackend) async throws {
        let collected = Mutex<[(rows: [String], found: [String])]>([])
        for together in [true, false] {
            try await TestApp.run(backend) { (app: TestApp) async throws in
                let created = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "batch", "url": "https://git.example.com/team/skills.git"])
                let sourceId = Int64(try #require(created.json["id"] as? Int))
                let owner = try #require(try await app.services.registry.users.find(username: "admin"))
                let identity = Identity(user: owner, method: .token)
                let publisher = app.services.publisher
                let ready = try Self.prepared(limits: publisher.limits)
                let source = VersionSource.git(url: "https://git.example.com/team/skills.git", ref: "main", commit: String(repeating: "a", count: 40), path: "skills")
                let outcomes = try await app.services.registry.transaction { stores in
                    if together {
                        return try await publisher.publishNew(ready.map { ($0, source) }, publisher: identity, syncSourceId: sourceId, in: stores)
                    }
                    var outcomes: [PublishService.Outcome] = []
                    for item in ready { outcomes.append(try await publisher.publish(item, source: source, publisher: identity, syncSourceId: sourceId, in: stores)) }
                    return outcomes
                }
                #expect(outcomes.map(\.name) == ["pdf", "csv-tools", "plain", "reviewer"])
                #expect(outcomes.allSatisfy { $0.created && $0.newAsset })
                #expect(outcomes.map(\.version.version) == ["2.1.0", "1.0.0", "1.0.0", "1.0.0"])
                let found = try await app.services.registry.assets.search(AssetQuery(text: "zephyr"), page: PageRequest(page: 1, size: 10)).assets.map(\.name)
                    + app.services.registry.assets.search(AssetQuery(text: "documents"), page: PageRequest(page: 1, size: 10)).assets.map(\.name)
                let rows = try await Self.snapshot(app.services.registry.database)
                collected.withLock { $0.append((rows, found)) }
            }
        }
        let results = collected.withLock { $0 }
        try #require(results.count == 2)
        #expect(results[0].found == ["csv-tools", "pdf"])
        #expect(results[0].rows == results[1].rows)
        #expect(results[0].found == results[1].found)
        #expect(results[0].rows.contains { $0.contains("tag=") && $0.contains("\"documents\"") } && results[0].rows.contains { $0.contains("ref_name=") && $0.contains("\"csv-tools\"") })
        #expect(results[0].rows.count > 20, "\(results[0].rows)")
    }

    @Test("a name taken before the batch is stored makes the whole batch fail, and nothing of it stays", arguments: TestDatabases.backends)
    func takenName(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let created = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "batch", "url": "https://git.example.com/team/skills.git"])
            let sourceId = Int64(try #require(created.json["id"] as? Int))
            let owner = try #require(try await app.services.registry.users.find(username: "admin"))
            let other = try await app.register("someone")
            try await app.publishArchive(.skill, TestApp.skill("plain", version: "1.0.0"), key: other.apiKey)
            let publisher = app.services.publisher
            let ready = try Self.prepared(limits: publisher.limits)
            let before = try await Self.snapshot(app.services.registry.database)
            await #expect(throws: (any Error).self) {
                try await app.services.registry.transaction { stores in
                    _ = try await publisher.publishNew(ready.map { ($0, VersionSource.upload) }, publisher: Identity(user: owner, method: .token), syncSourceId: sourceId, in: stores)
                }
            }
            #expect(try await Self.snapshot(app.services.registry.database) == before)
        }
    }
}
