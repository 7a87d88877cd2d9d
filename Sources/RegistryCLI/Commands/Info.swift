import ArgumentParser
import Foundation
import Shared

/// `agenthub info NAME`
struct Info: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show an asset: versions, digests, source, deprecation and yanks.",
        discussion: """
            Examples:
              agenthub info pdf-tools
              agenthub info reviewer --type agent --json
            """
    )

    @Argument(help: "The asset's name.") var name: String
    @Option(name: .long, help: "skill, agent or tool (default: whichever the registry has under NAME)") var type: AssetKind?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            if let problem = AssetName.problem(name) { throw CLIError(problem) }
            let kind = try await Installer(context: context).kind(of: name, type: type, exactVersion: nil)
            let detail = try await context.client.detail(kind, name)
            if context.json {
                try context.printJSON(detail)
                return
            }
            let asset = detail.asset
            context.print("\(context.bold(asset.name)) \(asset.latestVersion ?? "") — \(asset.description)")
            context.print("kind \(asset.kind.rawValue), owner \(asset.owner), \(asset.installs) installs, tags: \(asset.tags.joined(separator: ", "))")
            if let message = asset.deprecationMessage { context.print(context.yellow("deprecated: \(message)")) }
            if let source = detail.source, source.kind == "git" {
                context.print("source \(source.gitUrl ?? "") \(source.path ?? "") at \(source.commit ?? "")")
            }
            let rows = detail.versions.map { version in
                [version.version, version.digest, version.yanked ? context.yellow("yanked: \(version.yankReason ?? "")") : "", version.createdAt.formatted(.iso8601)]
            }
            context.print(context.table(["VERSION", "DIGEST", "", "PUBLISHED"], rows))
        }
    }
}
