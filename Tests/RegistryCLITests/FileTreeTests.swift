import Foundation
@testable import RegistryCLI
import Testing
import TestSupport

/// Reading a cached or installed package back from disk, to check it against its digest.
@Suite("A folder read as package files")
struct FileTreeTests {
    @Test("regular files at any depth with their executable bit; links neither followed nor read")
    func read() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let root = folder.url
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("scripts/deep"), withIntermediateDirectories: true)
        try Data("---\nname: a\n---\n".utf8).write(to: root.appendingPathComponent("SKILL.md"))
        try Data("#!/bin/sh\necho hi\n".utf8).write(to: root.appendingPathComponent("scripts/run.sh"))
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.appendingPathComponent("scripts/run.sh").path)
        let large = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(large).write(to: root.appendingPathComponent("scripts/deep/data.bin"))
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("passwd").path, withDestinationPath: "/etc/passwd")
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("etc").path, withDestinationPath: "/etc")

        let files = try FileTree.read(root).sorted { $0.path < $1.path }
        #expect(files.map(\.path) == ["SKILL.md", "scripts/deep/data.bin", "scripts/run.sh"])
        #expect(files.map(\.mode) == [0o644, 0o644, 0o755])
        #expect(files[0].contents == Array("---\nname: a\n---\n".utf8))
        #expect(files[1].contents == large, "a file larger than one read comes back whole")
        #expect(throws: (any Error).self) { try FileTree.read(root.appendingPathComponent("missing")) }
    }
}
