import ArgumentParser
import Foundation
import Shared

/// `agenthub find QUERY`
struct Find: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Search the registry.",
        discussion: """
            Examples:
              agenthub find pdf
              agenthub find review --type agent
              agenthub find --tag documents --json
            """
    )

    @Argument(help: "Words to search for in names, descriptions, tags and READMEs.") var query: String?
    @Option(name: .long, help: "skill, agent or tool") var type: AssetKind?
    @Option(name: .long, help: "Only assets with this tag.") var tag: String?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            let page = try await context.client.search(query, kind: type, tag: tag)
            if context.json {
                try context.printJSON(page)
                return
            }
            guard !page.items.isEmpty else {
                context.print("Nothing found\(query.map { " for '\($0)'" } ?? ""). Try fewer words, or `agenthub find` to list everything.")
                return
            }
            let rows = page.items.map { item in
                [item.name, item.kind.rawValue, item.latestVersion ?? "-", String(item.installs), String(item.description.prefix(60)) + (item.deprecationMessage == nil ? "" : " " + context.yellow("(deprecated)"))]
            }
            context.print(context.table(["NAME", "KIND", "VERSION", "INSTALLS", "DESCRIPTION"], rows))
            if page.total > page.items.count { context.print(context.dim("\(page.total - page.items.count) more; narrow the search")) }
        }
    }
}
