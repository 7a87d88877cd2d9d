import ArgumentParser
import Foundation
import Shared

/// `agenthub verify`
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check installed files against the digests in the lock file.",
        discussion: """
            Skills are compared file by file with their package digest, agents with the SHA-256 of their
            file, tools with their MCP config entry (the values you filled in for variables do not
            count as changes). Exit status 1 when anything was changed or is missing.

            Examples:
              agenthub verify
              agenthub verify --global --json
            """
    )

    @Flag(name: .long, help: "The home folder's installs.") var global = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            let scope = Scope(context, global: global)
            let lock = try LockFile.load(scope.lockURL, global: global)
            struct Result: Encodable {
                let name: String, kind: String, agent: String, path: String, state: String
            }
            let results = lock.entries.map { entry in
                Result(name: entry.name, kind: entry.kind, agent: entry.agent, path: entry.path, state: Placement(scope: scope, target: entry.target).state(of: entry))
            }
            let bad = results.filter { $0.state != "ok" }
            if context.json {
                try context.printJSON(results)
            } else if results.isEmpty {
                context.print("Nothing installed to verify.")
            } else {
                context.print(context.table(["NAME", "KIND", "AGENT", "STATE", "PATH"], results.map { [$0.name, $0.kind, $0.agent, $0.state == "ok" ? "ok" : context.yellow($0.state), $0.path] }))
            }
            if !bad.isEmpty {
                throw CLIError("\(bad.count) install(s) differ from the lock file: put them back with `agenthub install`, or keep your edits and publish them with `agenthub publish`")
            }
        }
    }
}
