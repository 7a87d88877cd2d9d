import Foundation
import Shared
import Testing

@Suite("Packages: paths, digests, archives")
struct PackageTests {
    static let limits = PackageLimits(maxFiles: 50, maxFileBytes: 64 * 1024, maxTotalBytes: 256 * 1024)

    static func skillFiles() -> [PackageFile] {
        [
            PackageFile(path: "SKILL.md", text: "---\nname: pdf\ndescription: PDFs\n---\n# PDF\n"),
            PackageFile(path: "scripts/run.sh", contents: Array("#!/bin/sh\necho hi\n".utf8), executable: true),
            PackageFile(path: "assets/logo.png", contents: (0..<2048).map { UInt8(($0 * 7 + 3) % 256) }),
        ]
    }

    @Test("path rules", arguments: [
        ("SKILL.md", true), ("scripts/a b.py", true), ("deep/er/file.txt", true), ("ünïcode/файл.md", true),
        ("", false), ("/etc/passwd", false), ("../escape", false), ("a/../b", false), ("./a", false), ("a//b", false),
        ("a/", false), ("a\\b", false), ("a\u{0}b", false), ("tab\there", false), ("C:/windows", false),
        (String(repeating: "x", count: 256), false),
    ])
    func paths(path: String, ok: Bool) {
        #expect((PackagePath.problem(path) == nil) == ok, "\(path.debugDescription)")
    }

    @Test("the digest depends on paths, contents and modes, not on order")
    func digest() throws {
        let files = Self.skillFiles()
        let package = try AssetPackage(files: files, limits: Self.limits)
        #expect(package.digest.hasPrefix("sha256:") && package.digest.count == 71)
        #expect(try AssetPackage(files: files.reversed(), limits: Self.limits).digest == package.digest)
        var changed = files
        changed[2] = PackageFile(path: "assets/logo.png", contents: files[2].contents + [0])
        #expect(try AssetPackage(files: changed, limits: Self.limits).digest != package.digest)
        changed = files
        changed[1] = PackageFile(path: "scripts/run.sh", contents: files[1].contents, executable: false)
        #expect(try AssetPackage(files: changed, limits: Self.limits).digest != package.digest)
        #expect(package.files.map(\.path) == ["SKILL.md", "assets/logo.png", "scripts/run.sh"])
    }

    @Test("duplicates, case and Unicode collisions, file-versus-folder and limits are refused")
    func refusals() {
        let cases: [([PackageFile], String)] = [
            ([], "no files"),
            ([PackageFile(path: "a.md", text: "1"), PackageFile(path: "a.md", text: "2")], "twice"),
            ([PackageFile(path: "README.md", text: "1"), PackageFile(path: "readme.md", text: "2")], "case"),
            ([PackageFile(path: "caf\u{E9}.md", text: "1"), PackageFile(path: "cafe\u{301}.md", text: "2")], "Unicode"),
            ([PackageFile(path: "Caf\u{E9}/A.md", text: "1"), PackageFile(path: "cafe\u{301}/a.md", text: "2")], "Unicode"),
            ([PackageFile(path: "docs\\a.md", text: "1")], "backslash"),
            ([PackageFile(path: "a", text: "1"), PackageFile(path: "a/b", text: "2")], "both a file and a folder"),
            ([PackageFile(path: "big.bin", contents: [UInt8](repeating: 1, count: 64 * 1024 + 1))], "per file"),
            ((0..<5).map { PackageFile(path: "f\($0)", contents: [UInt8](repeating: 1, count: 60 * 1024)) }, "larger than"),
            ((0..<51).map { PackageFile(path: "f\($0)", text: "x") }, "files"),
            ([PackageFile(path: "../x", text: "1")], "'..'"),
        ]
        for (files, fragment) in cases {
            do {
                _ = try AssetPackage(files: files, limits: Self.limits)
                Issue.record("accepted: \(files.map(\.path))")
            } catch {
                #expect(error.description.contains(fragment), "\(error.description)")
            }
        }
    }

    @Test("pack then unpack gives the same files, binary and modes included, byte for byte; packing is deterministic")
    func roundTrip() throws {
        let package = try AssetPackage(files: Self.skillFiles() + [PackageFile(path: String(repeating: "long-folder-name/", count: 8) + "file.txt", text: "deep")], limits: Self.limits)
        let archive = try PackageArchive.pack(package)
        #expect(try PackageArchive.pack(package) == archive, "same files, same bytes")
        let back = try PackageArchive.unpack(archive, limits: Self.limits)
        #expect(back == package)
        #expect(back.digest == package.digest)
        #expect(back.file("scripts/run.sh")?.isExecutable == true)
        #expect(back.file("assets/logo.png")?.contents == Self.skillFiles()[2].contents)
    }

    @Test("system tar reads our archives, and we read system tar's")
    func interoperability() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pkg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("src/scripts"), withIntermediateDirectories: true)
        let package = try AssetPackage(files: Self.skillFiles(), limits: Self.limits)
        let ours = folder.appendingPathComponent("ours.tar.gz")
        try Data(try PackageArchive.pack(package)).write(to: ours)
        let listing = try run("/bin/tar", ["-tzvf", ours.path])
        #expect(listing.contains("SKILL.md") && listing.contains("scripts/run.sh") && listing.contains("rwxr-xr-x"))

        for file in package.files {
            let url = folder.appendingPathComponent("src/\(file.path)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: file.mode], ofItemAtPath: url.path)
        }
        let theirs = folder.appendingPathComponent("theirs.tar.gz")
        _ = try run("/bin/tar", ["-czf", theirs.path, "-C", folder.appendingPathComponent("src").path, "."])
        let unpacked = try PackageArchive.unpack(Array(try Data(contentsOf: theirs)), limits: Self.limits)
        #expect(unpacked.digest == package.digest, "directories and ./ prefixes do not change the package")

        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("src/link").path, withDestinationPath: "/etc/passwd")
        let withLink = folder.appendingPathComponent("link.tar.gz")
        _ = try run("/bin/tar", ["-czf", withLink.path, "-C", folder.appendingPathComponent("src").path, "."])
        #expect(throws: PackageError.self) { try PackageArchive.unpack(Array(try Data(contentsOf: withLink)), limits: Self.limits) }
    }

    @Test("hostile archives are refused with a clear message")
    func hostileArchives() throws {
        let good = try PackageArchive.pack(try AssetPackage(files: Self.skillFiles(), limits: Self.limits))
        func expectRefused(_ bytes: [UInt8], _ fragment: String, _ comment: String) {
            do {
                _ = try PackageArchive.unpack(bytes, limits: Self.limits)
                Issue.record("accepted: \(comment)")
            } catch {
                #expect(error.description.contains(fragment), "\(comment): \(error.description)")
            }
        }
        expectRefused(Array("just text, not gzip at all".utf8), "not a gzip", "plain text")
        expectRefused(Array(good.prefix(good.count / 2)), "truncated", "cut in half")
        // A zip-bomb-like archive: one file of zeros far over the limit compresses to almost nothing.
        let bomb = try PackageArchive.pack(try AssetPackage(files: [PackageFile(path: "zeros", contents: [UInt8](repeating: 0, count: 4 * 1024 * 1024))], limits: PackageLimits(maxFiles: 1, maxFileBytes: 8 << 20, maxTotalBytes: 8 << 20)))
        #expect(bomb.count < 64 * 1024)
        expectRefused(bomb, "expands to more than", "gzip bomb")
        for (type, fragment): (Character, String) in [("1", "hard link"), ("2", "symbolic link"), ("3", "device"), ("6", "pipe")] {
            expectRefused(try gzip(rawTar(name: "evil", type: type, contents: [])), fragment, "type \(type)")
        }
        expectRefused(try gzip(rawTar(name: "../../etc/cron.d/x", type: "0", contents: Array("x".utf8))), "'..'", "traversal")
        expectRefused(try gzip(rawTar(name: "/etc/passwd", type: "0", contents: Array("x".utf8))), "absolute", "absolute")
        expectRefused(try gzip(rawTar(name: "bad\u{FF}name", type: "0", contents: [1], rawNameBytes: Array("bad".utf8) + [0xFF] + Array("name".utf8))), "UTF-8", "invalid UTF-8 name")
        var corrupt = rawTar(name: "a", type: "0", contents: [1])
        corrupt[0] = UInt8(ascii: "b")
        expectRefused(try gzip(corrupt), "checksum", "bad checksum")
        var huge = rawTar(name: "a", type: "0", contents: [1])
        setSize(&huge, declared: 2 * 1024 * 1024 * 1024)
        expectRefused(try gzip(huge), "truncated", "2 GB declared size")
        expectRefused(try gzip([UInt8](repeating: 0, count: 1024)), "no files", "empty archive")
    }

    // MARK: - Helpers

    func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments)")
        return output
    }

    /// A one-entry ustar archive written by hand, so that hostile entries can be made.
    func rawTar(name: String, type: Character, contents: [UInt8], rawNameBytes: [UInt8]? = nil) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        for (index, byte) in (rawNameBytes ?? Array(name.utf8)).prefix(100).enumerated() { header[index] = byte }
        func octal(_ value: Int, _ offset: Int, _ length: Int) {
            let text = String(value, radix: 8)
            let padded = String(repeating: "0", count: length - 1 - text.count) + text
            for (index, byte) in padded.utf8.enumerated() { header[offset + index] = byte }
        }
        octal(0o644, 100, 8); octal(0, 108, 8); octal(0, 116, 8); octal(contents.count, 124, 12); octal(0, 136, 12)
        header[156] = type.asciiValue!
        for (index, byte) in "ustar\u{0}00".utf8.enumerated() { header[257 + index] = byte }
        fixChecksum(&header)
        let padding = (512 - contents.count % 512) % 512
        return header + contents + [UInt8](repeating: 0, count: padding + 1024)
    }

    func setSize(_ tar: inout [UInt8], declared: Int) {
        let text = String(declared, radix: 8)
        let padded = String(repeating: "0", count: 11 - text.count) + text
        for (index, byte) in padded.utf8.enumerated() { tar[124 + index] = byte }
        var header = Array(tar[0..<512])
        fixChecksum(&header)
        tar.replaceSubrange(0..<512, with: header)
    }

    func fixChecksum(_ header: inout [UInt8]) {
        for index in 148..<156 { header[index] = UInt8(ascii: " ") }
        let sum = header.reduce(0) { $0 + Int($1) }
        let text = String(sum, radix: 8)
        for (index, byte) in (String(repeating: "0", count: 6 - text.count) + text).utf8.enumerated() { header[148 + index] = byte }
        header[154] = 0
    }

    func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("a.tar")
        try Data(bytes).write(to: file)
        _ = try run("/bin/gzip", ["-n", file.path])
        return Array(try Data(contentsOf: folder.appendingPathComponent("a.tar.gz")))
    }
}
