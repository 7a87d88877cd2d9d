import ArgumentParser
import Foundation
import Shared

/// `agenthub update [NAME]`
struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Move installs to the newest version their lock entry allows.",
        discussion: """
            Each install moves to the highest version that is not yanked inside what was asked for
            (`add NAME` follows the latest, `add NAME@^1.2` stays in 1.x, `add NAME@1.2.0` stays put).
            An installed version that was yanked is replaced by the best one that is not; deprecations
            are shown. The registry is asked with the ETag of the last answer, so an unchanged asset
            costs a 304 and no download.

            Local edits are never overwritten silently: when an install was changed, nothing is
            updated and the command says how to go on (publish your edits, or --force to drop them).

            Examples:
              agenthub update
              agenthub update pdf-tools
              agenthub update --global --json
            """
    )

    @Argument(help: "Only this asset.") var name: String?
    @Option(name: .long, help: "Only the installs for this agent.") var agent: String?
    @Flag(name: .long, help: "The home folder's installs.") var global = false
    @Flag(name: .long, help: "Replace installs that were edited locally.") var force = false
    @OptionGroup var options: GlobalOptions

    struct Change: Encodable {
        let name: String, kind: String, agent: String, from: String, to: String
    }

    struct Summary: Encodable {
        var updated: [Change] = []
        var unchanged: [String] = []
        /// Installs put back at the same version (missing, or edited with --force).
        var restored: [String] = []
        var installed: [LockFile.Entry] = []
        var variables: [String: [String]] = [:]
        var warnings: [String] = []
    }

    func run() async throws {
        try await runCommand(json: options.json) { context in
            if let agent { _ = try AgentTarget.named(agent) }
            var session = try InstallSession(context: context, global: global)
            let selected = session.lock.entries.filter { (name == nil || $0.name == name) && (agent == nil || $0.agent == agent) }
            guard !selected.isEmpty else {
                throw CLIError(name.map { "\($0) is not installed\(global ? " globally" : " in this project"); see `agenthub list`" } ?? "nothing is installed\(global ? " globally" : " in this project"); install with `agenthub add NAME`")
            }
            let edited = selected.filter { session.placement($0.target).state(of: $0) == "modified" }
            if !edited.isEmpty && !force {
                let lines = edited.map { "  \($0.name) (\($0.kind) for \($0.agent)) at \(session.scope.url($0.path).path)" }
                throw CLIError("""
                    these installs were edited locally, so nothing was updated:
                    \(lines.joined(separator: "\n"))
                    keep the edits: copy them into your own folder and publish them (`agenthub publish DIR`), then remove these installs;
                    drop the edits: `agenthub update\(name.map { " \($0)" } ?? "") --force` (or `agenthub install` to restore the locked versions)
                    """)
            }
            var summary = Summary()
            for entry in selected {
                let range = entry.requested.flatMap(VersionRange.init) ?? VersionRange("*")!
                let detail = try await context.client.detail(entry.assetKind, entry.name, cache: session.installer.detailCache(entry.assetKind, entry.name))
                if let message = detail.asset.deprecationMessage { session.warn("\(entry.name) is deprecated: \(message)") }
                let current = detail.versions.first { $0.version == entry.version }
                let best = range.best(of: detail.versions.filter { !$0.yanked }.compactMap { SemanticVersion($0.version) })?.description
                if current?.yanked == true {
                    if let best, best != entry.version {
                        session.warn("\(entry.name) \(entry.version) was yanked (\(current?.yankReason ?? "no reason given")); moving to \(best)")
                    } else {
                        session.warn("\(entry.name) \(entry.version) was yanked (\(current?.yankReason ?? "no reason given")) and no other version matches '\(range)'; choose one with `agenthub add \(entry.name)@VERSION`")
                    }
                }
                let version = best ?? entry.version
                let state = session.placement(entry.target).state(of: entry)
                if version == entry.version && state == "ok" {
                    summary.unchanged.append(entry.name)
                    continue
                }
                let before = session.report.installed.count
                try await session.install(entry.assetKind, entry.name, version: version, requested: entry.requested, target: entry.target, copy: entry.mode == "copy")
                if version == entry.version {
                    summary.restored.append(entry.name)
                } else {
                    summary.updated.append(Change(name: entry.name, kind: entry.kind, agent: entry.agent, from: entry.version, to: version))
                }
                // What an agent brought along is reported as installed.
                summary.installed += session.report.installed[before...].filter { !($0.name == entry.name && $0.kind == entry.kind) }
            }
            await session.recordInstalls()
            summary.variables = session.report.variables
            summary.warnings = session.report.warnings
            if context.json {
                try context.printJSON(summary)
                return
            }
            for change in summary.updated {
                context.print("updated \(change.kind) \(context.bold(change.name)) \(change.from) -> \(change.to) (\(change.agent))")
            }
            for restored in summary.restored { context.print("restored \(context.bold(restored)) as locked") }
            for entry in summary.installed { context.print("installed \(entry.kind) \(context.bold(entry.name)) \(entry.version) (\(entry.agent))") }
            for hint in session.variableHints() { context.print(context.yellow(hint)) }
            if summary.updated.isEmpty && summary.installed.isEmpty && summary.restored.isEmpty {
                context.print("everything is up to date (\(summary.unchanged.count) checked)")
            }
        }
    }
}
