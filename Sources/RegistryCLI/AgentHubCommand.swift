import ArgumentParser
import Foundation
import Shared

/// `agenthub`: search, install and publish AI-agent assets from an AgentHub registry.
///
/// Every command names itself (`commandName`): ArgumentParser would otherwise derive the name from
/// the type with `String(describing:)`, whose first use scans every protocol conformance in this
/// large static binary — a measurable part of each command's start.
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

/// The entry point: the command line is parsed, and the command runs, on the main thread.
///
/// ArgumentParser's own `main()` is async, so both ran on a thread of Swift's pool while the main
/// thread waited: each hop between them woke a thread on the other core, and in a process with two
/// threads the start-up's copy-on-write faults (a few hundred) also flushed the other core's TLB,
/// an interrupt that in a virtual machine goes through the hypervisor (`perf` showed it under the
/// parse). Here the command's async code runs on ``MainThreadExecutor``; only commands that use
/// the network start more threads (SwiftNIO's), and only when they do.
@main
enum AgentHubMain {
    static func main() {
        let command: ParsableCommand
        do {
            command = try AgentHubCommand.parseAsRoot()
        } catch {
            AgentHubCommand.exit(withError: error)
        }
        guard let asyncCommand = command as? AsyncParsableCommand else {
            do {
                var syncCommand = command
                try syncCommand.run()
            } catch {
                AgentHubCommand.exit(withError: error)
            }
            return
        }
        let executor = MainThreadExecutor()
        Task(executorPreference: executor) {
            var running = asyncCommand
            do {
                try await running.run()
            } catch {
                AgentHubCommand.exit(withError: error)
            }
            executor.finish()
        }
        executor.run()
    }
}

/// A task executor that runs its jobs on the thread that calls `run()`, until `finish()`.
final class MainThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var finished = false

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    /// Runs the jobs as they come, in order, and returns once `finish()` was called and no job waits.
    func run() {
        var ready: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !finished { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            swap(&ready, &jobs)
            condition.unlock()
            for job in ready { job.runSynchronously(on: asUnownedTaskExecutor()) }
            ready.removeAll(keepingCapacity: true)
        }
    }
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
