import ArgumentParser
import Foundation
import Shared

/// `agenthub verify`
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check installed files against the digests in the lock file.",
        discussion: """
            Exit status 1 when anything was changed or is missing.

            Examples:
              agenthub verify
              agenthub verify --global --json
            """
    )

    @Flag(name: .long, help: "The home folder's installs.") var global = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await runCommand(json: options.json) { context in
            let (root, lockURL) = LockLocation.resolve(context, global: global)
            let lock = try LockFile.load(lockURL)
            var results: [[String: String]] = []
            for entry in lock.entries {
                let state = LockLocation.state(of: entry, root: root)
                results.append(["name": entry.name, "agent": entry.agent, "path": entry.path, "state": state])
            }
            let bad = results.filter { $0["state"] != "ok" }
            if context.json {
                try context.printJSON(results)
            } else if results.isEmpty {
                context.print("Nothing installed to verify.")
            } else {
                context.print(context.table(["NAME", "AGENT", "STATE", "PATH"], results.map { [$0["name"]!, $0["agent"]!, $0["state"] == "ok" ? "ok" : context.yellow($0["state"]!), $0["path"]!] }))
            }
            if !bad.isEmpty {
                throw CLIError("\(bad.count) install(s) differ from the lock file: reinstall with `agenthub install`, or keep your edits and publish them")
            }
        }
    }
}

/// Where the lock file and installs of a scope live, and how an install compares with its entry.
enum LockLocation {
    static func resolve(_ context: CLIContext, global: Bool) -> (root: URL, lock: URL) {
        if global { return (context.home, context.stateFolder.appendingPathComponent("global.lock")) }
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return (root, root.appendingPathComponent("agenthub.lock"))
    }

    /// "ok", "missing" or "modified".
    static func state(of entry: LockFile.Entry, root: URL) -> String {
        let folder = root.appendingPathComponent(entry.path).resolvingSymlinksInPath()
        guard FileManager.default.fileExists(atPath: folder.path) else { return "missing" }
        guard let files = try? readFiles(folder), let package = try? AssetPackage(files: files, limits: PackageLimits(maxFiles: 100_000, maxFileBytes: 1 << 30, maxTotalBytes: 1 << 32)) else { return "modified" }
        return package.digest == entry.digest ? "ok" : "modified"
    }

    static func readFiles(_ folder: URL) throws -> [PackageFile] {
        var files: [PackageFile] = []
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey]) else { return [] }
        for case let url as URL in walker {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard values.isRegularFile == true, values.isSymbolicLink != true else { continue }
            let relative = String(url.resolvingSymlinksInPath().path.dropFirst(folder.path.count + 1))
            files.append(PackageFile(path: relative, contents: Array(try Data(contentsOf: url)), executable: FileManager.default.isExecutableFile(atPath: url.path)))
        }
        return files
    }
}
