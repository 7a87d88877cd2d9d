import ArgumentParser
import Foundation
import Shared

/// `agenthub sync GIT_URL` (admin)
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Import a git repository into the registry now and show the run's result (admin).",
        discussion: """
            The registry creates a sync source for the URL if it has none, syncs it, and this command
            waits for the run to end (up to --timeout seconds), then shows the counts, the commit and
            each asset's diagnostics. Exit status 1 when the run failed or some assets failed.

            Examples:
              agenthub sync https://gitlab.example.com/team/skills.git
              agenthub sync https://github.com/example/agents.git --json
              agenthub sync https://gitlab.example.com/team/skills.git --no-wait
            """
    )

    @Argument(help: "The repository URL.") var gitURL: String
    @Flag(name: .long, help: "Start the run and return at once.") var noWait = false
    @Option(name: .long, help: "Seconds to wait for the run.") var timeout: Int = 900
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            guard let url = URLComponents(string: gitURL), url.scheme != nil else {
                throw CLIError("'\(gitURL)' is not a repository URL; write https://host/group/repo.git or ssh://git@host/group/repo.git")
            }
            let client = context.client
            let runId = try await client.startImport(gitURL)
            if noWait {
                if context.json { try context.printJSON(["run_id": runId]) } else { context.print("sync run \(runId) started; see it with the admin UI or GET /api/v1/admin/sync-runs/\(runId)") }
                return
            }
            let deadline = Date().addingTimeInterval(TimeInterval(timeout))
            let showsProgress = !context.json && isatty(STDERR_FILENO) == 1
            var report = try await client.syncRun(runId)
            var ticks = 0
            while report.status == "running" || report.status == "queued" {
                guard Date() < deadline else {
                    if showsProgress { FileHandle.standardError.write(Data("\n".utf8)) }
                    throw CLIError("sync run \(runId) is still running after \(timeout) s; check it later with the admin UI (GET /api/v1/admin/sync-runs/\(runId))")
                }
                if showsProgress {
                    ticks += 1
                    FileHandle.standardError.write(Data("\rsyncing \(gitURL) \(String(repeating: ".", count: ticks % 4))   ".utf8))
                }
                try await Task.sleep(for: .milliseconds(300))
                report = try await client.syncRun(runId)
            }
            if showsProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            if context.json {
                try context.printJSON(report)
            } else {
                context.print("sync run \(report.id): \(report.status == "succeeded" ? report.status : context.yellow(report.status))\(report.commit.map { " at \($0.prefix(12))" } ?? "")")
                context.print("\(report.created) created, \(report.updated) updated, \(report.unchanged) unchanged, \(report.removed) removed, \(report.failed) failed")
                let rows = (report.diagnostics ?? []).map { [$0.severity == "error" ? context.yellow($0.severity) : $0.severity, [$0.kind, $0.name].compactMap { $0 }.joined(separator: " "), $0.path, $0.message] }
                if !rows.isEmpty { context.print(context.table(["SEVERITY", "ASSET", "PATH", "MESSAGE"], rows)) }
            }
            if report.status == "failed" {
                throw CLIError("the sync failed: \(report.error ?? "no reason recorded"); fix the source (URL, branch, credentials) in the admin UI and run it again")
            }
            if report.failed > 0 {
                throw CLIError("\(report.failed) asset(s) could not be imported; their diagnostics are above")
            }
        }
    }
}
