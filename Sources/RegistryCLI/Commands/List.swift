import ArgumentParser
import Foundation

/// `agenthub list`
struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List what is installed here (from agenthub.lock), or globally.",
        discussion: """
            Examples:
              agenthub list
              agenthub list --global --json
            """
    )

    @Flag(name: .long, help: "The home folder's installs.") var global = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            let scope = Scope(context, global: global)
            let lock = try LockFile.load(scope.lockURL, global: global)
            if context.json {
                try context.printJSON(lock.entries)
            } else if lock.entries.isEmpty {
                context.print("Nothing installed\(global ? " globally" : " in this project"). Install with `agenthub add NAME`.")
            } else {
                context.print(context.table(["NAME", "KIND", "VERSION", "AGENT", "MODE", "PATH"], lock.entries.map { [$0.name, $0.kind, $0.version + ($0.requested.map { " (\($0))" } ?? ""), $0.agent, $0.mode, $0.path] }))
            }
        }
    }
}
