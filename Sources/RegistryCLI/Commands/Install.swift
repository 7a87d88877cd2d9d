import ArgumentParser
import Foundation
import Shared

/// `agenthub install [--frozen]`
struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Install everything the lock file lists, at its versions and digests.",
        discussion: """
            With --frozen nothing is changed: the command fails when an install is missing or
            differs from the lock (for CI).

            Examples:
              agenthub install
              agenthub install --frozen
            """
    )

    @Flag(name: .long, help: "Fail instead of changing anything.") var frozen = false
    @Flag(name: .long, help: "The home folder's lock file.") var global = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            let (root, lockURL) = LockLocation.resolve(context, global: global)
            guard FileManager.default.fileExists(atPath: lockURL.path) else {
                throw CLIError("no lock file at \(lockURL.path); install something with `agenthub add NAME` first")
            }
            let lock = try LockFile.load(lockURL)
            let pending = lock.entries.filter { LockLocation.state(of: $0, root: root) != "ok" }
            if frozen {
                guard pending.isEmpty else {
                    throw CLIError("--frozen: these would change: \(pending.map { "\($0.name) (\($0.agent))" }.joined(separator: ", ")); run `agenthub install` and commit the result")
                }
                if !context.json { context.print("all \(lock.entries.count) installs match the lock file") }
                return
            }
            let installer = Installer(context: context)
            for entry in pending {
                guard let kind = AssetKind(rawValue: entry.kind) else { continue }
                let (folder, _, digest) = try await installer.fetch(kind, entry.name, version: entry.version)
                guard digest == entry.digest else {
                    throw CLIError("the registry's \(entry.name) \(entry.version) has digest \(digest), not the locked \(entry.digest); someone changed it — investigate before installing")
                }
                try installer.place(folder, at: root.appendingPathComponent(entry.path), copy: entry.mode == "copy", replacing: true)
                if !context.json { context.print("installed \(entry.name) \(entry.version) (\(entry.agent))") }
            }
            struct Summary: Encodable {
                let installed: [String]
                let unchanged: Int
            }
            if context.json {
                try context.printJSON(Summary(installed: pending.map(\.name), unchanged: lock.entries.count - pending.count))
            } else if pending.isEmpty {
                context.print("everything is installed as locked")
            }
        }
    }
}
