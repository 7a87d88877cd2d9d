import ArgumentParser
import Foundation
import Shared

/// `agenthub remove NAME`
struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove an installed skill, agent or tool (and its lock entry).",
        discussion: """
            A skill's link or copy and an agent's file are deleted; a tool's entry is taken out of the
            MCP config file, leaving the other servers alone. Skills and tools an agent brought stay
            installed: remove them by name.

            Examples:
              agenthub remove pdf-tools
              agenthub remove pdf-tools --agent kiro --global
            """
    )

    @Argument var name: String
    @Option(name: .long, help: "Only the install for this agent.") var agent: String?
    @Option(name: .long, help: "Only this kind (skill, agent or tool).") var type: AssetKind?
    @Flag(name: .long, help: "From the home folder.") var global = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            if let agent { _ = try AgentTarget.named(agent) }
            let scope = Scope(context, global: global)
            var lock = try LockFile.load(scope.lockURL, global: global)
            let matching = lock.entries.filter { $0.name == name && (agent == nil || $0.agent == agent) && (type == nil || $0.kind == type?.rawValue) }
            guard !matching.isEmpty else { throw CLIError("\(name) is not installed\(global ? " globally" : " in this project"); see `agenthub list`") }
            for entry in matching {
                try Placement(scope: scope, target: entry.target).remove(entry)
                lock.entries.removeAll { $0 == entry }
                try lock.save(scope.lockURL)
            }
            if context.json {
                try context.printJSON(["removed": matching])
            } else {
                context.print("removed \(name) (\(matching.map { "\($0.kind) for \($0.agent)" }.joined(separator: ", ")))")
            }
        }
    }
}
