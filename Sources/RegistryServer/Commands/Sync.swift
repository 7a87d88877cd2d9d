import ArgumentParser
import Foundation
import RegistryStore
import SyncWorker

/// `agenthub-server sync --once [--source ID]`: syncs enabled sources (or one) and exits; for a
/// Kubernetes CronJob. Exit 0 when every run succeeded, 1 with the errors otherwise.
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sync git sources once and exit.",
        discussion: """
            Examples:
              agenthub-server sync --once
              agenthub-server sync --once --source 3 --json
            """
    )

    @Flag(name: .long, help: "Sync once and exit (the only mode for now; the server schedules syncs itself).") var once = false
    @Option(name: .long, help: "Only this source id.") var source: Int64?
    @Flag(name: .long, help: "Print the runs as JSON.") var json = false

    func validate() throws {
        guard once else { throw ValidationError("pass --once: this command syncs once and exits") }
    }

    func run() async throws {
        let (_, _, services) = try await prepareServices()
        var runs: [SyncRun] = []
        var problems: [String] = []
        do {
            let sources = try await services.registry.sync.sources()
            let chosen = source.map { id in sources.filter { $0.id == id } } ?? sources.filter(\.enabled)
            if let source, chosen.isEmpty { problems.append("sync source \(source) does not exist") }
            for item in chosen {
                let run = try await services.syncService.run(sourceId: item.id, trigger: "cli")
                runs.append(run)
                if run.status == "failed", run.error?.hasPrefix("skipped") != true { problems.append("source \(item.id) (\(item.name)): \(run.error ?? "failed")") }
                if !json {
                    print("source \(item.id) \(item.name): \(run.status) at \(run.commit.map { String($0.prefix(12)) } ?? "-"): \(run.created) new, \(run.updated) updated, \(run.unchanged) unchanged, \(run.removed) removed, \(run.failed) failed\(run.error.map { " — \($0)" } ?? "")")
                }
            }
        } catch {
            await services.shutdown()
            throw fail(error)
        }
        if json {
            let items = runs.map { SyncSourcesController.describe($0) }
            let data = try APIJSON.encoder.encode(JSONValueBody(value: .array(items)))
            print(String(decoding: data, as: UTF8.self))
        }
        await services.shutdown()
        if !problems.isEmpty {
            FileHandle.standardError.write(Data(("agenthub-server: sync failed:\n" + problems.map { "  " + $0 }.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
