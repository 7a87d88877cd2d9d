import ArgumentParser
import Foundation

/// `agenthub config set|get|show`
struct Config: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Read and change ~/.skills-registry/config.toml.",
        discussion: """
            Keys: registry.url, registry.api_key, client.agent. SKILLS_REGISTRY_URL and
            SKILLS_REGISTRY_API_KEY override the file.

            Examples:
              agenthub config set registry.url https://agenthub.example.com
              agenthub config get client.agent
              agenthub config show --json
            """,
        subcommands: [Set.self, Get.self, Show.self]
    )

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Set a key.")
        @Argument(help: "registry.url, registry.api_key or client.agent") var key: String
        @Argument var value: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await runCommand(json: options.json) { context in
                try context.config.set(key, value)
                try context.config.save(to: context.configFile)
                if !context.json { context.print("set \(key)") }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get", abstract: "Print a key's value.")
        @Argument var key: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await runCommand(json: options.json) { context in
                context.print(try context.config.value(key))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the configuration in effect (the API key masked).")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await runCommand(json: options.json) { context in
                let key = context.apiKey
                let masked = key.isEmpty ? "(not set)" : String(key.prefix(6)) + "…" + String(repeating: "*", count: 4)
                let values = ["registry.url": context.registryURL, "registry.api_key": masked, "client.agent": context.config.client.agent, "file": context.configFile.path]
                if context.json {
                    try context.printJSON(values)
                } else {
                    for key in ["registry.url", "registry.api_key", "client.agent", "file"] { context.print("\(key) = \(values[key]!)") }
                }
            }
        }
    }
}
