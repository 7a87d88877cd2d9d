import ArgumentParser
import Foundation
import Shared

/// `agenthub add NAME[@VERSION]`
struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Install a skill into an agent's skills folder, verified by digest.",
        discussion: """
            The package is downloaded into ~/.skills-registry/cache/, its digest checked, then linked
            (or copied with --copy) into the agent's folder: Claude Code .claude/skills/NAME, Kiro
            .kiro/skills/NAME, Cursor .cursor/skills/NAME, Codex and generic .agents/skills/NAME —
            in this project, or the home folder with --global. A cached exact version needs no server.

            Examples:
              agenthub add pdf-tools
              agenthub add pdf-tools@1.2.0 --agent kiro --copy
              agenthub add pdf-tools --global
            """
    )

    @Argument(help: "NAME or NAME@VERSION") var spec: String
    @Option(name: .long, help: "claude, kiro, cursor, codex or generic (default: client.agent)") var agent: String?
    @Flag(name: .long, help: "Install into the home folder instead of this project.") var global = false
    @Flag(name: .long, help: "Copy the files instead of linking to the cache.") var copy = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            let parts = spec.split(separator: "@", maxSplits: 1).map(String.init)
            let name = parts[0]
            if let problem = AssetName.problem(name) { throw CLIError(problem) }
            var version = parts.count > 1 ? parts[1] : nil
            if let text = version {
                guard let parsed = SemanticVersion(text) else { throw CLIError("'\(text)' is not a version; write NAME@1.2.3") }
                version = parsed.description
            }
            let agentName = agent ?? context.config.client.agent
            guard let target = AgentTarget(rawValue: agentName) else {
                throw CLIError("unknown agent '\(agentName)'; use one of: \(AgentTarget.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let installer = Installer(context: context)
            let (folder, installed, digest) = try await installer.fetch(.skill, name, version: version)
            let root = global ? context.home : URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let destination = root.appendingPathComponent(target.skillsFolder).appendingPathComponent(name)
            let lockURL = global ? context.stateFolder.appendingPathComponent("global.lock") : root.appendingPathComponent("agenthub.lock")
            var lock = try LockFile.load(lockURL)
            let previous = lock.entries.first { $0.name == name && $0.kind == "skill" && $0.agent == target.rawValue }
            try installer.place(folder, at: destination, copy: copy, replacing: previous != nil)
            lock.entries.removeAll { $0.name == name && $0.kind == "skill" && $0.agent == target.rawValue }
            lock.entries.append(LockFile.Entry(name: name, kind: "skill", version: installed, digest: digest, agent: target.rawValue, path: destination.path.replacingOccurrences(of: root.path + "/", with: ""), mode: copy ? "copy" : "link"))
            try FileManager.default.createDirectory(at: lockURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try lock.save(lockURL)
            await context.client.recordInstall(.skill, name, version: installed, agent: target.rawValue)
            if context.json {
                try context.printJSON(["name": name, "version": installed, "digest": digest, "path": destination.path, "agent": target.rawValue])
            } else {
                context.print("installed \(context.bold(name)) \(installed) for \(target.rawValue) at \(destination.path)")
            }
        }
    }
}

/// Downloads into the cache (verified) and places packages.
struct Installer {
    let context: CLIContext

    /// The cached folder of `name` at `version` (or the latest), downloading it when not cached.
    /// Returns the folder, the version and the digest.
    func fetch(_ kind: AssetKind, _ name: String, version: String?) async throws -> (URL, String, String) {
        let base = context.cacheFolder.appendingPathComponent(kind.rawValue).appendingPathComponent(name)
        if let version {
            let folder = base.appendingPathComponent(version)
            if let digest = try? String(contentsOf: folder.appendingPathComponent(".agenthub-digest"), encoding: .utf8) {
                return (folder.appendingPathComponent("files"), version, digest)
            }
        }
        let (bytes, digest, number) = try await context.client.download(kind, name, version: version)
        let package: AssetPackage
        do {
            package = try PackageArchive.unpack(bytes, limits: PackageLimits(maxFiles: 100_000, maxFileBytes: 1 << 30, maxTotalBytes: 1 << 32))
        } catch {
            throw CLIError("the downloaded package of \(name) \(number) is not valid (\(error)); nothing was installed")
        }
        guard package.digest == digest else {
            throw CLIError("the package of \(name) \(number) does not match its digest (\(package.digest) instead of \(digest)); nothing was installed")
        }
        let folder = base.appendingPathComponent(number)
        let staging = base.appendingPathComponent(".staging-\(UUID().uuidString)")
        for file in package.files {
            let url = staging.appendingPathComponent("files").appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: url.path, contents: Data(file.contents), attributes: [.posixPermissions: file.mode]) else {
                throw CLIError("cannot write \(url.path)")
            }
        }
        try digest.write(to: staging.appendingPathComponent(".agenthub-digest"), atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.moveItem(at: staging, to: folder)
        return (folder.appendingPathComponent("files"), number, digest)
    }

    /// Links (or copies) `source` to `destination`. An existing folder that this tool did not
    /// install is never overwritten.
    func place(_ source: URL, at destination: URL, copy: Bool, replacing: Bool) throws {
        let manager = FileManager.default
        if (try? manager.destinationOfSymbolicLink(atPath: destination.path)) != nil || manager.fileExists(atPath: destination.path) {
            guard replacing else {
                throw CLIError("\(destination.path) already exists and was not installed by agenthub; move it away or remove it first")
            }
            try manager.removeItem(at: destination)
        }
        try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        if copy {
            try manager.copyItem(at: source, to: destination)
        } else {
            try manager.createSymbolicLink(at: destination, withDestinationURL: source)
        }
    }
}
