import ArgumentParser
import Foundation
import Shared

/// `agenthub install [--frozen]`
struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install everything the lock file lists, at its versions and digests.",
        discussion: """
            Whatever is missing or differs from agenthub.lock is put back exactly as locked (local edits
            to installed files are replaced; `agenthub verify` shows them first). With --frozen nothing
            is changed: the command fails when anything would change (for CI).

            Examples:
              agenthub install
              agenthub install --frozen
              agenthub install --global
            """
    )

    @Flag(name: .long, help: "Fail instead of changing anything.") var frozen = false
    @Flag(name: .long, help: "The home folder's lock file.") var global = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            var session = try InstallSession(context: context, global: global)
            guard FileManager.default.fileExists(atPath: session.scope.lockURL.path) else {
                throw CLIError("no lock file at \(session.scope.lockURL.path); install something with `agenthub add NAME` first")
            }
            let pending = session.lock.entries.filter { session.placement($0.target).state(of: $0) != "ok" }
            if frozen {
                guard pending.isEmpty else {
                    throw CLIError("--frozen: these would change: \(pending.map { "\($0.name) (\($0.agent), \(session.placement($0.target).state(of: $0)))" }.joined(separator: ", ")); run `agenthub install` and commit the result")
                }
                if context.json { try context.printJSON(session.report) } else { context.print("all \(session.lock.entries.count) installs match the lock file") }
                return
            }
            for entry in pending {
                let cached = try await session.installer.fetch(entry.assetKind, entry.name, version: entry.version)
                guard cached.digest == entry.digest else {
                    throw CLIError("the registry's \(entry.name) \(entry.version) has digest \(cached.digest), not the locked \(entry.digest); a version never changes, so investigate before installing it")
                }
                try session.place(cached, requested: entry.requested, target: entry.target, copy: entry.mode == "copy")
            }
            try session.printReport(verb: "installed")
            if !context.json && pending.isEmpty { context.print("everything is installed as locked") }
        }
    }
}
