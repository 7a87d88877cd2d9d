import Foundation
@testable import RegistryCLI
import Testing
import TestSupport

/// The lock file and the CLI's settings are replaced whole, with their permissions from the start.
@Suite("A file replaced whole")
struct FileReplacementTests {
    private func mode(_ url: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber).intValue
    }

    private func names(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    /// The process's umask, read without changing it (`umask(2)` would, for every thread).
    private func umask() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Umask:") })
        return try #require(Int(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8))
    }

    @Test("a new file gets 0666 less the umask, a replaced one keeps its mode, an asked mode is exact; nothing is left beside it")
    func modes() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("agenthub.lock")

        try FileReplacement.write(Data("one\n".utf8), to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "one\n")
        #expect(try mode(file) == 0o666 & ~umask())

        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
        try FileReplacement.write(Data("two\n".utf8), to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "two\n")
        #expect(try mode(file) == 0o640)

        // Wider than the umask allows at creation, and narrower than the file had: both exact.
        try FileReplacement.write(Data("three\n".utf8), to: file, permissions: 0o664)
        #expect(try mode(file) == 0o664)
        try FileReplacement.write(Data("four\n".utf8), to: file, permissions: 0o600)
        #expect(try mode(file) == 0o600)
        #expect(try String(contentsOf: file, encoding: .utf8) == "four\n")

        let large = Data((0..<(1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 * 31) })
        try FileReplacement.write(large, to: file)
        #expect(try Data(contentsOf: file) == large)
        #expect(try names(folder.url) == ["agenthub.lock"])
    }

    @Test("a link in the file's place is replaced, not written through")
    func link() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let elsewhere = folder.url.appendingPathComponent("elsewhere.txt")
        try Data("keep me\n".utf8).write(to: elsewhere)
        let file = folder.url.appendingPathComponent("agenthub.lock")
        try FileManager.default.createSymbolicLink(at: file, withDestinationURL: elsewhere)

        try FileReplacement.write(Data("lock\n".utf8), to: file)
        #expect(try String(contentsOf: elsewhere, encoding: .utf8) == "keep me\n")
        let type = try FileManager.default.attributesOfItem(atPath: file.path)[.type] as? FileAttributeType
        #expect(type == .typeRegular)
        #expect(try String(contentsOf: file, encoding: .utf8) == "lock\n")
    }

    @Test("a failure says which file, changes nothing and leaves no temporary file")
    func failure() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // A folder with something in it where the file should go: the rename fails.
        let target = folder.url.appendingPathComponent("config.toml")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("inside\n".utf8).write(to: target.appendingPathComponent("inside.txt"))
        #expect {
            try FileReplacement.write(Data("x".utf8), to: target, permissions: 0o600)
        } throws: { error in
            guard let error = error as? CLIError else { return false }
            return error.description.contains("cannot write \(target.path)") && error.description.contains("not changed")
        }
        #expect(try names(folder.url) == ["config.toml"])
        #expect(try String(contentsOf: target.appendingPathComponent("inside.txt"), encoding: .utf8) == "inside\n")

        // A folder that does not exist: the temporary file cannot be made.
        let missing = folder.url.appendingPathComponent("missing/agenthub.lock")
        #expect(throws: CLIError.self) { try FileReplacement.write(Data("x".utf8), to: missing) }
        #expect(!FileManager.default.fileExists(atPath: missing.deletingLastPathComponent().path))
    }
}
