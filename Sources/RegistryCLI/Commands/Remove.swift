import ArgumentParser
import Foundation

/// `agenthub remove NAME`
struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove an installed skill (the link or copy, and its lock entry).",
        discussion: """
            Examples:
              agenthub remove pdf-tools
              agenthub remove pdf-tools --agent kiro --global
            """
    )

    @Argument var name: String
    @Option(name: .long, help: "Only the install for this agent.") var agent: String?
    @Flag(name: .long, help: "From the home folder.") var global = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            let root = global ? context.home : URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let lockURL = global ? context.stateFolder.appendingPathComponent("global.lock") : root.appendingPathComponent("agenthub.lock")
            var lock = try LockFile.load(lockURL)
            let matching = lock.entries.filter { $0.name == name && (agent == nil || $0.agent == agent) }
            guard !matching.isEmpty else { throw CLIError("\(name) is not installed\(global ? " globally" : " in this project"); see `agenthub list`") }
            for entry in matching {
                let path = root.appendingPathComponent(entry.path)
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: path.path)) != nil || FileManager.default.fileExists(atPath: path.path) {
                    try FileManager.default.removeItem(at: path)
                }
            }
            lock.entries.removeAll { $0.name == name && (agent == nil || $0.agent == agent) }
            try lock.save(lockURL)
            if context.json { try context.printJSON(["removed": matching.map(\.path)]) } else { context.print("removed \(name) (\(matching.map(\.agent).joined(separator: ", ")))") }
        }
    }
}
