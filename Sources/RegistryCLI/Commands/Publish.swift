import ArgumentParser
import Foundation
import Shared

/// `agenthub publish [DIR]`
struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Validate, pack and upload a skill, agent or tool folder.",
        discussion: """
            The manifest (SKILL.md, AGENT.md or mcp.json) is checked here with the server's own
            parser. .git, node_modules, .env files and other secret-looking files (keys,
            credentials) are left out unless --include-secrets. --dry-run shows what would be sent.

            Examples:
              agenthub publish
              agenthub publish skills/pdf-tools --dry-run
              agenthub publish agents/reviewer --type agent --json
            """
    )

    @Argument(help: "The folder to publish (default: this one).") var directory: String = "."
    @Option(name: .long, help: "skill, agent or tool (default: from the manifest found)") var type: AssetKind?
    @Flag(name: .long, help: "Show what would be uploaded, upload nothing.") var dryRun = false
    @Flag(name: .long, help: "Also include .env files, keys and other secret-looking files.") var includeSecrets = false
    @OptionGroup var options: GlobalOptions

    static let skippedFolders: Set<String> = [".git", "node_modules", ".skills-registry", "__pycache__", ".DS_Store"]

    /// Names that usually hold secrets.
    static func looksSecret(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower == ".env" || lower.hasPrefix(".env.") || lower.hasSuffix(".env") { return true }
        if ["id_rsa", "id_ed25519", "id_ecdsa", ".npmrc", ".pypirc", ".netrc", "credentials", "credentials.json", "secrets.json", "secrets.yaml", "secrets.yml"].contains(lower) { return true }
        return [".pem", ".key", ".p12", ".pfx", ".keystore"].contains { lower.hasSuffix($0) }
    }

    func run() async throws {
        try await runCommand(json: options.json) { context in
            let root = URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
                throw CLIError("\(root.path) is not a folder")
            }
            var files: [PackageFile] = []
            var skipped: [String] = []
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey, .isDirectoryKey]) else {
                throw CLIError("cannot read \(root.path)")
            }
            for case let url as URL in walker {
                let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
                let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey, .isDirectoryKey])
                if values.isDirectory == true, Self.skippedFolders.contains(url.lastPathComponent) {
                    walker.skipDescendants()
                    skipped.append(relative + "/")
                    continue
                }
                if values.isSymbolicLink == true {
                    skipped.append(relative + " (symbolic link)")
                    continue
                }
                guard values.isRegularFile == true else { continue }
                if !includeSecrets, Self.looksSecret(url.lastPathComponent) {
                    skipped.append(relative + " (looks secret; --include-secrets to send it)")
                    continue
                }
                files.append(PackageFile(path: relative, contents: Array(try Data(contentsOf: url)), executable: FileManager.default.isExecutableFile(atPath: url.path)))
            }
            let kind = type ?? (files.contains { $0.path == SkillManifest.fileName } ? .skill : files.contains { $0.path == AgentManifest.fileName } ? .agent : files.contains { $0.path == MCPServerConfig.fileName } ? .tool : .skill)
            let package: AssetPackage
            let name: String
            let version: String?
            do {
                package = try AssetPackage(files: files, limits: .default)
                switch kind {
                case .skill:
                    guard let manifest = package.file(SkillManifest.fileName) else { throw CLIError("\(root.path) has no SKILL.md") }
                    let parsed = try SkillManifest.parse(manifest.contents)
                    (name, version) = (parsed.name, parsed.version?.description)
                    for warning in parsed.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
                case .agent:
                    guard let manifest = package.file(AgentManifest.fileName) else { throw CLIError("\(root.path) has no AGENT.md") }
                    let parsed = try AgentManifest.parse(manifest.contents)
                    (name, version) = (parsed.name, parsed.version?.description)
                case .tool:
                    guard let manifest = package.file(MCPServerConfig.fileName) else { throw CLIError("\(root.path) has no mcp.json") }
                    let parsed = try MCPServerConfig.parse(manifest.contents)
                    (name, version) = (parsed.name, parsed.version)
                }
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError("\(error); fix it and publish again")
            }
            struct Plan: Encodable {
                let kind: String
                let name: String
                let version: String?
                let digest: String
                let files: [String]
                let skipped: [String]
                let totalSize: Int
            }
            let plan = Plan(kind: kind.rawValue, name: name, version: version, digest: package.digest, files: package.files.map(\.path), skipped: skipped, totalSize: package.totalSize)
            if dryRun {
                if context.json { try context.printJSON(plan) } else {
                    context.print("would publish \(context.bold(name)) \(version ?? "(next patch)") as a \(kind.rawValue): \(package.files.count) files, \(package.totalSize) bytes, \(package.digest)")
                    for file in package.files { context.print("  \(file.path)") }
                    for entry in skipped { context.print(context.dim("  skipped \(entry)")) }
                }
                return
            }
            let archive = try PackageArchive.pack(package)
            let (data, _) = try await context.client.request("POST", "/api/v1/assets/\(kind.rawValue)/\(name)", body: Data(archive), headers: ["Content-Type": PackageArchive.mediaType])
            let result = try context.client.decode(PublishResponse.self, data)
            if context.json { try context.printJSON(result) } else {
                context.print(result.created ? "published \(context.bold(result.name)) \(result.version) (\(result.digest))" : "\(result.name) \(result.version) is already published with these exact files; nothing changed")
                for warning in result.warnings { context.print(context.yellow("warning: \(warning)")) }
            }
        }
    }
}
