import ArgumentParser
import Foundation
import Shared

/// `agenthub`: search, install and publish AI-agent assets from an AgentHub registry.
///
/// Every command names itself (`commandName`): ArgumentParser would otherwise derive the name from
/// the type with `String(describing:)`, whose first use scans every protocol conformance in this
/// large static binary — a measurable part of each command's start.
@main
struct AgentHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agenthub",
        abstract: "Search, install and publish skills, agents and tools from an AgentHub registry.",
        discussion: """
            Examples:
              agenthub config set registry.url https://agenthub.example.com
              agenthub find pdf
              agenthub add pdf-tools --agent claude
              agenthub list
              agenthub update
            """,
        version: AgentHubVersion.current,
        subcommands: [Config.self, Login.self, Find.self, Info.self, Add.self, Install.self, List.self, Update.self, Remove.self, Verify.self, Publish.self, Sync.self, RecordInstalls.self]
    )
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.") var json = false
}

/// Runs a command body and turns a `CLIError` into `error: …` and exit status 1.
func runCommand(json: Bool, _ body: (inout CLIContext) async throws -> Void) async throws {
    do {
        var context = try CLIContext.make(json: json)
        try await body(&context)
    } catch let error as CLIError {
        FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
        throw ExitCode(1)
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("error: \(error.localizedDescription)\n".utf8))
        throw ExitCode(1)
    }
}

extension AssetKind: ExpressibleByArgument {}
