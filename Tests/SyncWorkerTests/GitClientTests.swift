import Foundation
import Shared
import SyncWorker
import Testing
import TestSupport

@Suite("libgit2 client against real git servers on 127.0.0.1")
struct GitClientTests {
    let client = LibGit2Client()

    static let files = [
        "skills/pdf/SKILL.md": "---\nname: pdf\ndescription: PDFs\n---\nUse it.\n",
        "skills/pdf/scripts/run.sh": "#!/bin/sh\necho run\n",
        "README.md": "# repo\n",
    ]

    @Test("clone and incremental fetch over file://, git:// and authenticated http; tree and blobs")
    func transports() async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("repo", files: Self.files, symlinks: ["skills/pdf/passwd": "/etc/passwd"])
        let daemon = try await BackgroundServer.gitDaemon(fixture)
        defer { daemon.stop() }
        let http = try await BackgroundServer.gitHTTP(fixture, credentials: "*:s3cret-token")
        defer { http.stop() }

        let cases: [(String, String, GitCredentials)] = [
            ("file", fixture.fileURL("repo"), .none),
            ("git daemon", "git://127.0.0.1:\(daemon.port)/repo.git", .none),
            ("http with a token", "http://127.0.0.1:\(http.port)/repo.git", .token(username: "oauth2", token: "s3cret-token")),
        ]
        for (name, url, credentials) in cases {
            let path = fixture.root.appendingPathComponent("clone-\(name.replacingOccurrences(of: " ", with: "-")).git").path
            let first = try await client.update(url: url, branch: nil, repositoryPath: path, credentials: credentials, timeout: .seconds(60))
            #expect(first.count == 40, "\(name)")
            let tree = try await client.tree(repositoryPath: path, commit: first)
            let tracked = try GitFixture.git(["ls-files"], in: fixture.root.appendingPathComponent("work-repo")).split(separator: "\n").map(String.init)
            #expect(Set(tree.map(\.path)) == Set(tracked), "\(name)")
            #expect(tracked.contains("skills/pdf/passwd"))
            #expect(tree.first { $0.path == "skills/pdf/passwd" }?.kind == .symlink)
            let skill = try #require(tree.first { $0.path == "skills/pdf/SKILL.md" })
            #expect(String(decoding: try await client.blob(repositoryPath: path, objectId: skill.objectId, limit: 1 << 20), as: UTF8.self) == Self.files["skills/pdf/SKILL.md"])

            // Nothing new: the same commit. A new upstream commit: fetched incrementally.
            #expect(try await client.update(url: url, branch: nil, repositoryPath: path, credentials: credentials, timeout: .seconds(60)) == first)
            let slug = name.replacingOccurrences(of: " ", with: "-")
            let second = try fixture.commit("repo", files: ["skills/new-\(slug)/SKILL.md": "---\nname: new-\(slug)\ndescription: d\n---\n"], message: "\(name) update")
            #expect(try await client.update(url: url, branch: "main", repositoryPath: path, credentials: credentials, timeout: .seconds(60)) == second, "\(name)")
            let config = try String(contentsOfFile: path + "/config", encoding: .utf8)
            #expect(!config.contains("s3cret-token"), "the token is never written to the repository's config")
        }
        // A tag works where a branch does.
        try GitFixture.git(["tag", "-a", "v1.0", "-m", "release"], in: fixture.root.appendingPathComponent("work-repo"))
        try GitFixture.git(["push", "-q", "origin", "v1.0"], in: fixture.root.appendingPathComponent("work-repo"))
        let tagged = try await client.update(url: fixture.fileURL("repo"), branch: "v1.0", repositoryPath: fixture.root.appendingPathComponent("clone-file.git").path, credentials: .none, timeout: .seconds(60))
        #expect(tagged == (try GitFixture.git(["rev-parse", "HEAD"], in: fixture.root.appendingPathComponent("work-repo"))))

        // A blob over the limit is refused, not read.
        let filePath = fixture.root.appendingPathComponent("clone-file.git").path
        let head = try await client.update(url: fixture.fileURL("repo"), branch: nil, repositoryPath: filePath, credentials: .none, timeout: .seconds(60))
        #expect(head == (try GitFixture.git(["rev-parse", "HEAD"], in: fixture.root.appendingPathComponent("work-repo"))))
        let readme = try #require(try await client.tree(repositoryPath: filePath, commit: head).first { $0.path == "README.md" })
        await #expect(throws: GitError.self) { _ = try await client.blob(repositoryPath: filePath, objectId: readme.objectId, limit: 2) }

        // Several blobs in one read: in order; one over the file limit or unknown fails alone;
        // once the total is over its limit the rest are not read.
        let entries = try await client.tree(repositoryPath: filePath, commit: head).filter { $0.kind != .symlink }
        // The fixture's files, and the skills the loop above committed ("new-<transport>").
        let expected = entries.map { entry in
            Self.files[entry.path] ?? "---\nname: \(entry.path.split(separator: "/")[1])\ndescription: d\n---\n"
        }
        let all = try await client.blobs(repositoryPath: filePath, objectIds: entries.map(\.objectId), limit: 1 << 20, totalLimit: 1 << 20)
        #expect(entries.count == Self.files.count + cases.count)
        #expect(try all.map { String(decoding: try $0.get(), as: UTF8.self) } == expected)
        let unknown = String(repeating: "0", count: 40)
        let mixed = try await client.blobs(repositoryPath: filePath, objectIds: [readme.objectId, unknown, readme.objectId], limit: 1 << 20, totalLimit: 1 << 20)
        #expect(mixed.count == 3)
        #expect((try? mixed[0].get()).map { String(decoding: $0, as: UTF8.self) } == Self.files["README.md"])
        #expect(throws: GitError.self) { try mixed[1].get() }
        #expect((try? mixed[2].get()) != nil)
        let small = try await client.blobs(repositoryPath: filePath, objectIds: [readme.objectId, readme.objectId, readme.objectId], limit: 1 << 20, totalLimit: 3)
        #expect((try? small[0].get()) != nil, "read: the total was 0 before it")
        #expect(throws: GitError.self) { try small[1].get() }
        #expect(throws: GitError.self) { try small[2].get() }
        let tooLarge = try await client.blobs(repositoryPath: filePath, objectIds: [readme.objectId], limit: 2, totalLimit: 1 << 20)
        #expect(throws: GitError.self) { try tooLarge[0].get() }

        // A run's reader: the same answers from many background jobs at once, each with an open
        // repository of its own that is used again; the limits hold as they do for `blobs`.
        let reader = client.blobReader(repositoryPath: filePath)
        let reads = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<40 {
                group.addTask {
                    let results = (try? await BackgroundWork.shared.run { try reader.blobs(objectIds: entries.map(\.objectId), limit: 1 << 20, totalLimit: 1 << 20) }) ?? []
                    return results.map { (try? $0.get()).map { String(decoding: $0, as: UTF8.self) } ?? "failed" }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reads.count == 40 && reads.allSatisfy { $0 == expected })
        let readerMixed = try reader.blobs(objectIds: [readme.objectId, unknown, readme.objectId], limit: 1 << 20, totalLimit: 3)
        #expect((try? readerMixed[0].get()) != nil)
        #expect(throws: GitError.self) { try readerMixed[1].get() }
        #expect(throws: GitError.self) { try readerMixed[2].get() }
        #expect(throws: GitError.self) { try reader.blobs(objectIds: [readme.objectId], limit: 2, totalLimit: 1 << 20)[0].get() }
        #expect(throws: GitError.self) { try client.blobReader(repositoryPath: fixture.root.appendingPathComponent("nope.git").path).blobs(objectIds: [readme.objectId], limit: 10, totalLimit: 10) }
    }

    @Test("failures are clear: wrong token, no token, unreachable host, unknown branch, empty repository, timeout")
    func failures() async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("repo", files: Self.files)
        try fixture.emptyRepository("empty")
        let http = try await BackgroundServer.gitHTTP(fixture, credentials: "*:right-token")
        defer { http.stop() }
        func failure(_ url: String, _ credentials: GitCredentials, branch: String? = nil, timeout: Duration = .seconds(30)) async -> String {
            let path = fixture.root.appendingPathComponent("clone-\(UUID().uuidString).git").path
            do {
                _ = try await client.update(url: url, branch: branch, repositoryPath: path, credentials: credentials, timeout: timeout)
                return "no error"
            } catch {
                // (A clone abandoned at its timeout is still owned by its thread, which cleans up when it ends.)
                #expect(!FileManager.default.fileExists(atPath: path + "/objects") || branch != nil || url.contains("empty") || timeout < .seconds(30), "a failed clone leaves nothing behind")
                return "\(error)"
            }
        }
        let wrong = await failure("http://127.0.0.1:\(http.port)/repo.git", .token(username: "oauth2", token: "wrong-token"))
        #expect(wrong.contains("authentication failed"), "\(wrong)")
        #expect(!wrong.contains("wrong-token"))
        let none = await failure("http://127.0.0.1:\(http.port)/repo.git", .none)
        #expect(none.contains("credentials") || none.contains("401") || none.contains("authentication"), "\(none)")
        let unreachable = await failure("http://127.0.0.1:\(try BackgroundServer.freePort())/repo.git", .none)
        #expect(unreachable.contains("failed"), "\(unreachable)")
        let branch = await failure(fixture.fileURL("repo"), .none, branch: "no-such-branch")
        #expect(branch.contains("no-such-branch"), "\(branch)")
        let empty = await failure(fixture.fileURL("empty"), .none)
        #expect(empty.contains("empty"), "\(empty)")
        let missing = await failure(fixture.fileURL("nope"), .none)
        #expect(missing.contains("failed"), "\(missing)")

        // A server that accepts the connection and never answers: the call is abandoned at the timeout.
        let silent = try SilentServer()
        defer { silent.stop() }
        let started = ContinuousClock.now
        let hung = await failure("http://127.0.0.1:\(silent.port)/repo.git", .none, timeout: .seconds(2))
        #expect(hung.contains("timed out"), "\(hung)")
        // Without the timeout the call would never end. The bound is loose on purpose: while
        // other tests run git fixtures that block the cooperative threads of a 2-core machine,
        // this test's own resumption was seen to wait 13 s (CI, 2026-12-04).
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}

@Suite("libgit2 client over SSH")
struct GitSSHTests {
    @Test("ssh:// with an ed25519 key and a pinned host key; a wrong fingerprint or key is refused")
    func ssh() async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("repo", files: GitClientTests.files)
        let ssh = try await BackgroundServer.sshd(fixture)
        defer { ssh.server.stop() }
        let client = LibGit2Client()
        let url = ssh.url(fixture, "repo")
        let path = fixture.root.appendingPathComponent("clone-ssh.git").path
        let commit = try await client.update(url: url, branch: nil, repositoryPath: path, credentials: .sshKey(username: ssh.user, privateKey: ssh.clientPrivateKey, hostFingerprint: ssh.hostFingerprint), timeout: .seconds(60))
        #expect(commit == (try GitFixture.git(["rev-parse", "HEAD"], in: fixture.root.appendingPathComponent("work-repo"))))

        let wrongPin = "SHA256:" + String(repeating: "A", count: 43)
        do {
            _ = try await client.update(url: url, branch: nil, repositoryPath: path + "-2", credentials: .sshKey(username: ssh.user, privateKey: ssh.clientPrivateKey, hostFingerprint: wrongPin), timeout: .seconds(60))
            Issue.record("a host with another key was trusted")
        } catch {
            #expect("\(error)".contains("not the pinned"), "\(error)")
        }
        let otherKey = try await BackgroundServer.sshd(fixture)  // a second server: its client key is not authorised on the first
        defer { otherKey.server.stop() }
        do {
            _ = try await client.update(url: url, branch: nil, repositoryPath: path + "-3", credentials: .sshKey(username: ssh.user, privateKey: otherKey.clientPrivateKey, hostFingerprint: ssh.hostFingerprint), timeout: .seconds(60))
            Issue.record("an unauthorised key was accepted")
        } catch {
            #expect("\(error)".contains("failed"), "\(error)")
            #expect(!"\(error)".contains("PRIVATE KEY"))
        }
    }
}
