import ArgumentParser
import Shared

/// `agenthub`: search, install and publish AI-agent assets from an AgentHub registry.
@main
struct AgentHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agenthub",
        abstract: "Search, install and publish skills, agents and tools from an AgentHub registry.",
        discussion: """
            Examples:
              agenthub --version
            """,
        version: AgentHubVersion.current
    )
}
