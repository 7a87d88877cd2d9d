import ArgumentParser
import Foundation
import Hummingbird
import Logging
import RegistryStore
import Shared

/// `agenthub-server`: serves the registry (the default) and runs its maintenance commands.
@main
struct AgentHubServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agenthub-server",
        abstract: "The AgentHub registry server.",
        discussion: """
            Settings come from environment variables; `agenthub-server env-doc` lists them.

            Examples:
              agenthub-server                      # serve on http://127.0.0.1:8000 with ./data/agenthub.db
              DATABASE_URL=postgres://agenthub:secret@db:5432/agenthub agenthub-server migrate up
              agenthub-server migrate status
            """,
        version: AgentHubVersion.current,
        subcommands: [Serve.self, Migrate.self, Sync.self, DBCopy.self, Backup.self, EnvDoc.self],
        defaultSubcommand: Serve.self
    )
}

/// The logger of every subcommand, at `LOG_LEVEL`, on standard error.
func makeLogger(_ configuration: ServerConfiguration, label: String = "agenthub") -> Logger {
    var logger = Logger(label: label) { LineLogHandler(label: $0, format: configuration.logFormat) }
    logger.logLevel = configuration.logLevel
    return logger
}

/// Loads the configuration or exits with its message and status 2.
func loadConfiguration() throws -> ServerConfiguration {
    do {
        return try ServerConfiguration()
    } catch {
        FileHandle.standardError.write(Data("agenthub-server: \(error)\n".utf8))
        throw ExitCode(2)
    }
}

/// Reports an error people can act on and exits with status 1.
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("agenthub-server: \(error)\n".utf8))
    return ExitCode(1)
}

/// Configuration, logger and services for a command that works on the registry; exits with the
/// problem when any of them cannot be had.
func prepareServices() async throws -> (ServerConfiguration, Logger, AppServices) {
    let configuration = try loadConfiguration()
    let logger = makeLogger(configuration)
    do {
        return (configuration, logger, try await AppServices.prepare(configuration, logger: logger))
    } catch {
        throw fail(error)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the registry API (the default command).")

    func run() async throws {
        let (configuration, logger, services) = try await prepareServices()
        let app = buildApplication(services) { port in
            // Standard output, unbuffered: scripts and tests wait for this line (PORT=0 picks the port).
            FileHandle.standardOutput.write(Data("agenthub-server listening on http://\(configuration.host):\(port)\n".utf8))
        }
        logger.info("starting", metadata: ["database": "\(services.registry.database.redactedDescription)", "data_dir": "\(configuration.dataDirectory.path)"])
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            await services.shutdown()
            throw fail(error)
        }
        await services.shutdown()
        logger.info("stopped")
    }
}

struct EnvDoc: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "env-doc", abstract: "Print the table of environment variables (Markdown), as in the README.")

    func run() {
        print(ServerConfiguration.markdownTable())
    }
}
