import Foundation
import Shared
import Testing
import TestSupport

@Suite("agenthub binary")
struct VersionTests {
    @Test("`agenthub --version` prints the version and exits 0")
    func version() throws {
        let process = Process()
        process.executableURL = try BuiltProduct.url("agenthub")
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(process.terminationStatus == 0)
        #expect(output == AgentHubVersion.current)
    }

    @Test("an unknown option exits non-zero with help")
    func unknownOption() throws {
        let process = Process()
        process.executableURL = try BuiltProduct.url("agenthub")
        process.arguments = ["--frobnicate"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(output.contains("--frobnicate"))
    }
}
