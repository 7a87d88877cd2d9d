import Foundation
import Shared
import Testing
import TestSupport

@Suite("agenthub binary")
struct VersionTests {
    @Test("`agenthub --version` prints the version and exits 0")
    func version() async throws {
        let result = try await runProduct("agenthub", ["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == AgentHubVersion.current)
    }

    @Test("an unknown option exits non-zero and names it")
    func unknownOption() async throws {
        let result = try await runProduct("agenthub", ["--frobnicate"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--frobnicate"))
    }

    @Test("--help shows examples")
    func help() async throws {
        let result = try await runProduct("agenthub", ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
    }
}
