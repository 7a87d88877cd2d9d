import Foundation
import SyncWorker
import Testing

@Suite("libgit2")
struct LibGit2Tests {
    @Test("initialises, reports the version pkg-config knows, with threads, HTTPS and SSH")
    func versionAndFeatures() throws {
        try LibGit2.initialise()
        try LibGit2.initialise()  // twice is harmless
        let version = try LibGit2.version()
        #expect(version.major >= 1)

        let pkgConfig = Process()
        pkgConfig.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        pkgConfig.arguments = ["pkg-config", "--modversion", "libgit2"]
        let pipe = Pipe()
        pkgConfig.standardOutput = pipe
        try pkgConfig.run()
        pkgConfig.waitUntilExit()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(pkgConfig.terminationStatus == 0)
        #expect(version.description == expected, "linked libgit2 \(version) but pkg-config says \(expected)")

        let features = try LibGit2.features()
        #expect(features.contains(.threads))
        #expect(features.contains(.https))
        #expect(features.contains(.ssh))
    }

    @Test("creates a repository through the library, and reports its errors")
    func repository() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("libgit2-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let gitDirectory = try LibGit2.initRepository(at: folder.appendingPathComponent("work").path, bare: false)
        #expect(gitDirectory.hasSuffix("work/.git/"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("work/.git/HEAD").path))

        let blocker = folder.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        do {
            _ = try LibGit2.initRepository(at: blocker.appendingPathComponent("inside").path, bare: true)
            Issue.record("creating a repository below a regular file succeeded")
        } catch let failure as LibGit2.Failure {
            #expect(failure.code < 0)
            #expect(!failure.message.isEmpty && failure.message != "unknown error")
        }
    }
}
