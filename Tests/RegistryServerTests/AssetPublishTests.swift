import Foundation
import HTTPTypes
import Shared
import Testing
import TestSupport
@testable import RegistryServer

@Suite("Assets: publish, versions, download, lifecycle")
struct AssetPublishTests {
    static let binary: [UInt8] = (0..<5000).map { UInt8(($0 * 31 + 7) % 256) }

    @Test("a version with a binary file downloads byte-identical, digest verified; ETag and If-None-Match", arguments: TestDatabases.backends)
    func download(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            let files = TestApp.skill("pdf", version: "1.0.0", tags: ["pdf"], extra: [
                PackageFile(path: "assets/logo.bin", contents: Self.binary),
                PackageFile(path: "scripts/run.sh", contents: Array("#!/bin/sh\n".utf8), executable: true),
            ])
            let published = try await app.publishArchive(.skill, files, key: owner.apiKey)
            #expect(published.status == .created, "\(published.text)")
            let digest = try #require(published.json["digest"] as? String)
            #expect(digest == (try AssetPackage(files: files, limits: .default)).digest)

            let download = try await app.request(.get, "/api/v1/assets/skill/pdf/versions/1.0.0/download")
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/gzip")
            #expect(download.headers[HTTPField.Name(PackageHeaders.digest)!] == digest)
            let etag = try #require(download.headers[.eTag])
            #expect(etag == "\"\(digest)\"")
            let unpacked = try PackageArchive.unpack(Array(download.body), limits: .default)
            #expect(unpacked.digest == digest)
            #expect(unpacked.file("assets/logo.bin")?.contents == Self.binary)
            #expect(unpacked.file("scripts/run.sh")?.isExecutable == true)
            let again = try await app.request(.get, "/api/v1/assets/skill/pdf/versions/1.0.0/download")
            #expect(again.body == download.body, "the archive is deterministic")

            let cached = try await app.request(.get, "/api/v1/assets/skill/pdf/download", headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)
            #expect(cached.body.isEmpty)
            #expect(try await app.request(.get, "/api/v1/assets/skill/pdf/download", headers: [.ifNoneMatch: "\"sha256:other\""]).status == .ok)

            // The asset's detail has a stable ETag; a matching If-None-Match is a 304 without a body,
            // and a change (a deprecation) makes a new ETag.
            let first = try await app.request(.get, "/api/v1/assets/skill/pdf")
            let detailTag = try #require(first.headers[.eTag])
            #expect(try await app.request(.get, "/api/v1/assets/skill/pdf").headers[.eTag] == detailTag, "the same answer has the same ETag")
            let unchanged = try await app.request(.get, "/api/v1/assets/skill/pdf", headers: [.ifNoneMatch: detailTag])
            #expect(unchanged.status == .notModified && unchanged.body.isEmpty)
            #expect(try await app.request(.put, "/api/v1/assets/skill/pdf/deprecation", auth: .apiKey(owner.apiKey), json: ["message": "use pdf-next"]).status == .ok)
            let changed = try await app.request(.get, "/api/v1/assets/skill/pdf", headers: [.ifNoneMatch: detailTag])
            #expect(changed.status == .ok && changed.headers[.eTag] != detailTag)
            #expect(try await app.request(.delete, "/api/v1/assets/skill/pdf/deprecation", auth: .apiKey(owner.apiKey)).status == .ok)

            // AgentHub install: text files in the map, the binary one listed, never dropped silently.
            let id = try #require(published.json["id"] as? Int)
            let install = try await app.request(.get, "/api/v1/skills/\(id)/install")
            #expect((install.json["files"] as? [String: String])?.keys.sorted() == ["SKILL.md", "scripts/run.sh"])
            #expect((install.json["binary_files"] as? [[String: Any]])?.first?["path"] as? String == "assets/logo.bin")

            let detail = try await app.request(.get, "/api/v1/assets/skill/pdf/versions/1.0.0")
            #expect((detail.json["files"] as? [[String: Any]])?.count == 3)
            #expect(detail.json["digest"] as? String == digest)
            #expect(try await app.request(.get, "/api/v1/assets/skill/pdf/versions/9.9.9").status == .notFound)
            #expect(try await app.request(.get, "/api/v1/assets/skill/nope").status == .notFound)
            #expect(try await app.request(.get, "/api/v1/assets/plugin/pdf").status == .notFound)
        }
    }

    @Test("files with the same bytes share one blob (stored once, each downloads); a tag given twice is kept once", arguments: TestDatabases.backends)
    func sharedBlobs(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            let same = Array("the same bytes\n".utf8)
            let files = TestApp.skill("twins", version: "1.0.0", tags: ["pdf", "pdf", "docs"], extra: [
                PackageFile(path: "a/one.txt", contents: same),
                PackageFile(path: "b/two.txt", contents: same),
                PackageFile(path: "c/three.txt", contents: same),
            ])
            let before = try await app.storedCounts()
            let published = try await app.publishArchive(.skill, files, key: owner.apiKey)
            #expect(published.status == .created, "\(published.text)")
            let after = try await app.storedCounts()
            // assets, asset_versions, version_files, blobs, asset_tags
            #expect(zip(after, before).map { $0 - $1 } == [1, 1, 4, 2, 2])
            let download = try await app.request(.get, "/api/v1/assets/skill/twins/versions/1.0.0/download")
            #expect(download.status == .ok)
            let unpacked = try PackageArchive.unpack(Array(download.body), limits: .default)
            #expect(unpacked.files.filter { $0.contents == same }.map(\.path).sorted() == ["a/one.txt", "b/two.txt", "c/three.txt"])
            // The same bytes in a second asset: no new blob.
            let second = try await app.publishArchive(.skill, TestApp.skill("cousin", extra: [PackageFile(path: "one.txt", contents: same)]), key: owner.apiKey)
            #expect(second.status == .created, "\(second.text)")
            #expect(try await app.storedCounts()[3] == after[3] + 1, "only the second SKILL.md is a new blob")
        }
    }

    @Test("versions are immutable: identical re-publish is a no-op, different contents under a version is 409, no version means next patch", arguments: TestDatabases.backends)
    func immutability(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            #expect(try await app.publishArchive(.skill, TestApp.skill("csv", version: "1.2.0"), key: owner.apiKey).status == .created)
            let before = try await app.storedCounts()
            let same = try await app.publishArchive(.skill, TestApp.skill("csv", version: "1.2.0"), key: owner.apiKey)
            #expect(same.status == .ok)
            #expect(same.json["created"] as? Bool == false)
            #expect(try await app.storedCounts() == before)

            let changed = try await app.publishArchive(.skill, TestApp.skill("csv", version: "1.2.0", body: "changed\n"), key: owner.apiKey)
            #expect(changed.status == .conflict)
            #expect(changed.detail?.contains("raise the version") == true)
            #expect(try await app.storedCounts() == before)

            let unversioned = try await app.publishArchive(.skill, TestApp.skill("csv", body: "new body\n"), key: owner.apiKey)
            #expect(unversioned.json["version"] as? String == "1.2.1")
            let repeatUnversioned = try await app.publishArchive(.skill, TestApp.skill("csv", body: "new body\n"), key: owner.apiKey)
            #expect(repeatUnversioned.json["created"] as? Bool == false)
            #expect(repeatUnversioned.json["version"] as? String == "1.2.1")

            // An older version published later does not become the latest.
            #expect(try await app.publishArchive(.skill, TestApp.skill("csv", version: "1.0.5", description: "old"), key: owner.apiKey).status == .created)
            let detail = try await app.request(.get, "/api/v1/assets/skill/csv")
            let asset = try #require(detail.json["asset"] as? [String: Any])
            #expect(asset["latest_version"] as? String == "1.2.1")
            #expect(asset["description"] as? String == "A skill for tests")
            #expect((detail.json["versions"] as? [[String: Any]])?.compactMap { $0["version"] as? String } == ["1.2.1", "1.2.0", "1.0.5"])
        }
    }

    @Test("only the owner or an admin publishes new versions", arguments: TestDatabases.backends)
    func ownership(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            let other = try await app.register("other")
            #expect(try await app.publishArchive(.skill, TestApp.skill("mine", version: "1.0.0"), key: owner.apiKey).status == .created)
            let before = try await app.storedCounts()
            let refused = try await app.publishArchive(.skill, TestApp.skill("mine", version: "2.0.0"), key: other.apiKey)
            #expect(refused.status == .forbidden)
            #expect(refused.detail?.contains("owner") == true)
            #expect(try await app.storedCounts() == before)
            #expect(try await app.publishArchive(.skill, TestApp.skill("mine", version: "2.0.0"), key: TestApp.adminAPIKey).status == .created)
            #expect(try await app.publishArchive(.skill, TestApp.skill("mine", version: "3.0.0"), key: "").status == .unauthorized)
            // The same name of another kind is another asset.
            let tool = try await app.request(.post, "/api/v1/mcps", auth: .apiKey(other.apiKey), json: ["name": "mine", "description": "d", "transport": "stdio", "command": "run"])
            #expect(tool.status == .created)
            // Yank and deprecate are the owner's too.
            #expect(try await app.request(.post, "/api/v1/assets/skill/mine/versions/1.0.0/yank", auth: .apiKey(other.apiKey), json: ["reason": "x"]).status == .forbidden)
            #expect(try await app.request(.put, "/api/v1/assets/skill/mine/deprecation", auth: .apiKey(other.apiKey), json: ["message": "x"]).status == .forbidden)
        }
    }

    @Test("yank, deprecate, delete and restore", arguments: TestDatabases.backends)
    func lifecycle(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            try await app.publishArchive(.skill, TestApp.skill("tool-a", version: "1.0.0"), key: owner.apiKey)
            try await app.publishArchive(.skill, TestApp.skill("tool-a", version: "1.1.0", body: "v2\n"), key: owner.apiKey)

            #expect(try await app.request(.post, "/api/v1/assets/skill/tool-a/versions/1.1.0/yank", auth: .apiKey(owner.apiKey), json: ["reason": ""]).status == .unprocessableContent)
            let yanked = try await app.request(.post, "/api/v1/assets/skill/tool-a/versions/1.1.0/yank", auth: .apiKey(owner.apiKey), json: ["reason": "breaks on Windows"])
            #expect(yanked.json["yanked"] as? Bool == true)
            #expect(yanked.json["yank_reason"] as? String == "breaks on Windows")
            #expect(try await app.request(.get, "/api/v1/assets/skill/tool-a/download").headers[HTTPField.Name(PackageHeaders.version)!] == "1.0.0", "latest skips yanked")
            #expect(try await app.request(.get, "/api/v1/assets/skill/tool-a/versions/1.1.0/download").status == .ok, "exact pins still install")
            #expect(try await app.request(.delete, "/api/v1/assets/skill/tool-a/versions/1.1.0/yank", auth: .apiKey(owner.apiKey)).json["yanked"] as? Bool == false)

            let deprecated = try await app.request(.put, "/api/v1/assets/skill/tool-a/deprecation", auth: .apiKey(owner.apiKey), json: ["message": "use tool-b"])
            #expect((deprecated.json["asset"] as? [String: Any])?["deprecation_message"] as? String == "use tool-b")

            #expect(try await app.request(.delete, "/api/v1/assets/skill/tool-a", auth: .apiKey(owner.apiKey)).status == .forbidden, "delete is for admins")
            #expect(try await app.request(.delete, "/api/v1/assets/skill/tool-a", auth: .apiKey(TestApp.adminAPIKey)).status == .noContent)
            #expect(try await app.request(.get, "/api/v1/assets/skill/tool-a").status == .notFound)
            #expect(try await app.request(.get, "/api/v1/assets/skill/tool-a", auth: .apiKey(TestApp.adminAPIKey)).status == .ok, "admins still see it")
            #expect((try await app.request(.get, "/api/v1/assets?q=tool").json["total"] as? Int) == 0)
            let blocked = try await app.publishArchive(.skill, TestApp.skill("tool-a", version: "2.0.0"), key: owner.apiKey)
            #expect(blocked.status == .conflict, "a deleted name is not taken over by publishing")
            #expect(try await app.request(.post, "/api/v1/assets/skill/tool-a/restore", auth: .apiKey(TestApp.adminAPIKey)).status == .ok)
            #expect(try await app.request(.get, "/api/v1/assets/skill/tool-a").status == .ok)
            #expect(try await app.request(.get, "/api/v1/assets/skill/tool-a/versions/1.0.0/download").status == .ok, "versions survived the tombstone")
        }
    }

    @Test("bad packages get a clear 4xx and nothing is stored", arguments: TestDatabases.backends)
    func badPackages(backend: TestBackend) async throws {
        try await TestApp.run(backend, environment: ["MAX_FILE_BYTES": "4096", "MAX_PACKAGE_BYTES": "10000", "MAX_PACKAGE_FILES": "20"]) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            let other = try await app.register("other")
            try await app.publishArchive(.skill, TestApp.skill("taken", version: "1.0.0"), key: other.apiKey)
            let before = try await app.storedCounts()
            let good = try PackageArchive.pack(try AssetPackage(files: TestApp.skill("good", version: "1.0.0"), limits: .default))

            func skillText(_ text: String) -> [PackageFile] { [PackageFile(path: "SKILL.md", text: text)] }
            let archives: [(String, [PackageFile], String?, String)] = [
                ("malformed frontmatter", skillText("---\nname: [x\n---\n"), nil, "not valid YAML"),
                ("missing name", skillText("---\ndescription: d\n---\n"), nil, "'name'"),
                ("bad name", skillText("---\nname: Bad Name\ndescription: d\n---\n"), nil, "lower-case"),
                ("non-string tags", skillText("---\nname: ok\ndescription: d\ntags: [a, {b: c}]\n---\n"), nil, "tags"),
                ("name mismatch", TestApp.skill("other-name", version: "1.0.0"), "url-name", "the URL names 'url-name'"),
                ("no SKILL.md", [PackageFile(path: "README.md", text: "hi")], nil, "no SKILL.md"),
                ("oversize file", TestApp.skill("big", extra: [PackageFile(path: "big.bin", contents: [UInt8](repeating: 1, count: 5000))]), nil, "per file"),
                ("oversize package", TestApp.skill("big", extra: (0..<3).map { PackageFile(path: "f\($0).bin", contents: [UInt8](repeating: 2, count: 4000)) }), nil, "larger than"),
                ("non-UTF-8 SKILL.md", [PackageFile(path: "SKILL.md", contents: [0x2D, 0x2D, 0x2D, 0x0A, 0xC3, 0x28, 0x0A, 0x2D, 0x2D, 0x2D, 0x0A])], nil, "UTF-8"),
                ("someone else's asset", TestApp.skill("taken", version: "2.0.0"), nil, "belongs to"),
            ]
            for (name, files, urlName, fragment) in archives {
                let reply = try await app.publishRaw(.skill, try PackageArchive.pack(try AssetPackage(files: files, limits: PackageLimits(maxFiles: 100, maxFileBytes: 1 << 20, maxTotalBytes: 1 << 22))), key: owner.apiKey, name: urlName)
                #expect((400..<500).contains(Int(reply.status.code)), "\(name): \(reply.status.code)")
                #expect(reply.detail?.contains(fragment) == true, "\(name): \(reply.detail ?? reply.text)")
            }
            let raw: [(String, [UInt8], String)] = [
                ("not gzip", Array("hello".utf8), "not a gzip"),
                ("truncated", Array(good.prefix(good.count - 30)), "truncated"),
                ("traversal", try tarGzip(name: "../../etc/passwd"), "'..'"),
                ("absolute", try tarGzip(name: "/etc/passwd"), "absolute"),
                ("duplicate paths", try tarGzip(entries: [("SKILL.md", "---\nname: dup\ndescription: d\n---\n"), ("SKILL.md", "again")]), "appears twice"),
                ("case-colliding paths", try tarGzip(entries: [("SKILL.md", "---\nname: dup\ndescription: d\n---\n"), ("skill.md", "x")]), "differ only in case"),
            ]
            for (name, bytes, fragment) in raw {
                let reply = try await app.publishRaw(.skill, bytes, key: owner.apiKey)
                #expect(reply.status == .unprocessableContent, "\(name): \(reply.status.code) \(reply.text)")
                #expect(reply.detail?.contains(fragment) == true, "\(name): \(reply.detail ?? reply.text)")
            }
            // The JSON file map has the same checks.
            let maps: [(String, [String: Any], String)] = [
                ("traversal", ["files": ["../x.md": "x", "SKILL.md": "---\nname: a\ndescription: d\n---\n"]], "'..'"),
                ("absolute", ["files": ["/abs.md": "x"]], "absolute"),
                ("backslash", ["files": ["a\\b.md": "x"]], "backslash"),
                ("bad base64", ["files": ["SKILL.md": "---\nname: a\ndescription: d\n---\n"], "binary_files": ["x.bin": "%%%"]], "base64"),
                ("files not an object", ["files": ["a", "b"]], "files"),
            ]
            for (name, body, fragment) in maps {
                let reply = try await app.request(.post, "/api/v1/assets/skill", auth: .apiKey(owner.apiKey), json: body)
                #expect(reply.status == .unprocessableContent, "\(name): \(reply.status.code) \(reply.text)")
                #expect(reply.detail?.contains(fragment) == true, "\(name): \(reply.detail ?? reply.text)")
            }
            #expect(try await app.publishRaw(.skill, good, key: owner.apiKey, contentType: "text/plain").status == .unsupportedMediaType)
            #expect(try await app.storedCounts() == before, "nothing partial was stored")
        }
    }

    @Test("installs are recorded per user and version; a repeat within a day counts once", arguments: TestDatabases.backends)
    func installs(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            let fan = try await app.register("fan")
            let published = try await app.publishArchive(.skill, TestApp.skill("popular", version: "1.0.0"), key: owner.apiKey)
            let id = try #require(published.json["id"] as? Int)
            for _ in 0..<3 {
                #expect(try await app.request(.post, "/api/v1/skills/\(id)/install?agent_type=kiro", auth: .apiKey(fan.apiKey)).status == .noContent)
            }
            #expect(try await app.request(.post, "/api/v1/skills/\(id)/install?agent_type=claude", auth: .apiKey(owner.apiKey)).status == .noContent)
            #expect(try await app.request(.post, "/api/v1/assets/skill/popular/installs", auth: .apiKey(fan.apiKey), json: ["version": "1.0.0", "agent_type": "kiro"]).status == .noContent)
            #expect(try await app.request(.post, "/api/v1/skills/\(id)/install?agent_type=bad%20type", auth: .apiKey(fan.apiKey)).status == .unprocessableContent)
            let detail = try await app.request(.get, "/api/v1/skills/\(id)")
            #expect(detail.json["installs"] as? Int == 2)
            // Concurrent installs by different users are all counted.
            var keys: [String] = []
            for index in 0..<8 { keys.append(try await app.register("user\(index)").apiKey) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for key in keys {
                    group.addTask { _ = try await app.request(.post, "/api/v1/skills/\(id)/install", auth: .apiKey(key)) }
                }
                try await group.waitForAll()
            }
            #expect(try await app.request(.get, "/api/v1/skills/\(id)").json["installs"] as? Int == 10)
            let mine = try await app.request(.get, "/api/v1/users/me/installed", auth: .apiKey(fan.apiKey))
            #expect(mine.text.contains("popular"))
            let stats = try await app.request(.get, "/api/v1/users/me/stats", auth: .apiKey(owner.apiKey))
            #expect(stats.json["skill_count"] as? Int == 1)
            #expect(stats.json["total_installs"] as? Int == 10)
        }
    }

    @Test("READMEs are rendered and sanitised", arguments: [TestBackend.sqlite])
    func readme(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            let body = """
                # Title

                <script>alert('x')</script>
                <img src=x onerror=alert(1)>

                [bad](javascript:alert(1)) [sneaky](JaVaScRiPt&#58;alert(1)) [good](https://example.com/a) [mail](mailto:a@example.com) [rel](docs/guide.md)

                <iframe src="https://evil.example"></iframe>
                """
            try await app.publishArchive(.skill, TestApp.skill("readme", version: "1.0.0", body: body), key: owner.apiKey)
            let html = try #require(try await app.request(.get, "/api/v1/assets/skill/readme").json["readme_html"] as? String)
            #expect(html.contains("<h1>Title</h1>"))
            #expect(!html.lowercased().contains("<script"))
            #expect(!html.lowercased().contains("<iframe"))
            #expect(html.range(of: #"<[^>]*\son\w+\s*="#, options: .regularExpression) == nil, "no event handler inside a tag")
            #expect(html.contains("&lt;script&gt;"), "raw HTML is shown as text")
            #expect(!html.lowercased().contains("javascript:"))
            #expect(html.contains("href=\"https://example.com/a\""))
            #expect(html.contains("href=\"mailto:a@example.com\""))
            #expect(html.contains("href=\"docs/guide.md\""))
        }
    }

    // MARK: - Hand-made archives

    func tarGzip(name: String) throws -> [UInt8] {
        try tarGzip(entries: [(name, "x")])
    }

    /// A .tar.gz written by the system tar from a file list (names may repeat), via --transform.
    func tarGzip(entries: [(String, String)]) throws -> [UInt8] {
        var tar: [UInt8] = []
        for (name, text) in entries {
            tar += header(name: name, size: text.utf8.count) + Array(text.utf8) + [UInt8](repeating: 0, count: (512 - text.utf8.count % 512) % 512)
        }
        tar += [UInt8](repeating: 0, count: 1024)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tgz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(tar).write(to: folder.appendingPathComponent("a.tar"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-n", folder.appendingPathComponent("a.tar").path]
        try process.run()
        process.waitUntilExit()
        return Array(try Data(contentsOf: folder.appendingPathComponent("a.tar.gz")))
    }

    func header(name: String, size: Int) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        for (index, byte) in name.utf8.prefix(100).enumerated() { block[index] = byte }
        func octal(_ value: Int, _ offset: Int, _ length: Int) {
            let text = String(value, radix: 8)
            for (index, byte) in (String(repeating: "0", count: length - 1 - text.count) + text).utf8.enumerated() { block[offset + index] = byte }
        }
        octal(0o644, 100, 8); octal(0, 108, 8); octal(0, 116, 8); octal(size, 124, 12); octal(0, 136, 12)
        block[156] = UInt8(ascii: "0")
        for (index, byte) in "ustar\u{0}00".utf8.enumerated() { block[257 + index] = byte }
        for index in 148..<156 { block[index] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int($1) }
        let text = String(sum, radix: 8)
        for (index, byte) in (String(repeating: "0", count: 6 - text.count) + text).utf8.enumerated() { block[148 + index] = byte }
        block[154] = 0
        return block
    }
}

@Suite("Assets: concurrent publishing")
struct AssetConcurrencyTests {
    @Test("concurrent publishes of one asset: every version stored once, the highest is the latest", arguments: TestDatabases.backends)
    func concurrentPublishes(backend: TestBackend) async throws {
        try await TestApp.run(backend) { (app: TestApp) async throws in
            let owner = try await app.register("owner")
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for minor in 0..<12 {
                    group.addTask {
                        // Each version twice: the second is a no-op or waits for the first.
                        try await app.publishArchive(.skill, TestApp.skill("racy", version: "1.\(minor % 6).0", body: "v\(minor % 6)\n"), key: owner.apiKey).status
                    }
                }
                for try await status in group {
                    #expect(status == .created || status == .ok)
                }
            }
            let detail = try await app.request(.get, "/api/v1/assets/skill/racy")
            #expect((detail.json["versions"] as? [Any])?.count == 6)
            #expect((detail.json["asset"] as? [String: Any])?["latest_version"] as? String == "1.5.0")
        }
    }
}
