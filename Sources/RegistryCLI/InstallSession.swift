import Foundation
import Shared

/// One `add`, `install` or `update`: the lock file of a scope, changed one verified placement at a
/// time (the lock is saved after each, so an interrupted run leaves nothing it does not know of),
/// and a report of what happened.
struct InstallSession {
    struct Report: Encodable {
        var installed: [LockFile.Entry] = []
        /// Tool name -> the environment variables its MCP entry refers to.
        var variables: [String: [String]] = [:]
        var warnings: [String] = []
    }

    let context: CLIContext
    let scope: Scope
    let installer: Installer
    var lock: LockFile
    var report = Report()

    init(context: CLIContext, global: Bool) throws {
        self.context = context
        scope = Scope(context, global: global)
        installer = Installer(context: context)
        lock = try LockFile.load(scope.lockURL, global: global)
    }

    func placement(_ target: AgentTarget) -> Placement { Placement(scope: scope, target: target) }

    mutating func warn(_ text: String) {
        report.warnings.append(text)
        installer.notice(text)
    }

    /// Installs `kind`/`name` at the exact `version` for `target`; an agent brings the skills and
    /// tools it names that this agent layout does not have yet (everything is downloaded and
    /// verified before anything is placed).
    mutating func install(_ kind: AssetKind, _ name: String, version: String, requested: String?, target: AgentTarget, copy: Bool) async throws {
        let cached = try await installer.fetch(kind, name, version: version)
        var batch = [(cached, requested)]
        if kind == .agent {
            let manifest = try Placement.agentManifest(cached)
            for (referenceKind, reference) in manifest.skills.map({ (AssetKind.skill, $0) }) + manifest.mcps.map({ (AssetKind.tool, $0) })
            where lock.entry(kind: referenceKind, name: reference, agent: target) == nil {
                do {
                    let version = try await installer.version(referenceKind, reference, in: nil)
                    batch.append((try await installer.fetch(referenceKind, reference, version: version), nil))
                } catch let error as CLIError where error.status == 404 {
                    warn("agent \(name) uses \(referenceKind == .skill ? "skill" : "tool") \(reference), which the registry does not have (or has no installable version); install it yourself when it exists")
                }
            }
        }
        for (cached, requested) in batch {
            try place(cached, requested: requested, target: target, copy: copy)
        }
    }

    /// Places one verified package and records it in the lock file.
    mutating func place(_ cached: CachedPackage, requested: String?, target: AgentTarget, copy: Bool) throws {
        let owned = lock.entry(kind: cached.kind, name: cached.name, agent: target) != nil
        let entry = try placement(target).place(cached, copy: copy, owned: owned, requested: requested)
        lock.put(entry)
        try lock.save(scope.lockURL)
        report.installed.append(entry)
        if cached.kind == .tool, let config = try? Placement.toolConfig(cached), !config.variablesNeeded.isEmpty {
            report.variables[cached.name] = config.variablesNeeded
        }
    }

    /// Tells the registry about each install (best effort: offline installs are not counted). A
    /// command that talked to the registry sends them on its open connection; one that found
    /// everything in the cache leaves them to a detached `agenthub record-installs` rather than
    /// start an HTTP client for them (see `RecordInstalls`).
    func recordInstalls() async {
        let records = report.installed.map(RecordInstalls.Record.init)
        guard !records.isEmpty else { return }
        if !RegistryClient.started, RecordInstalls.spawnDetached(records) { return }
        for record in records {
            await context.client.recordInstall(record.kind, record.name, version: record.version, agent: record.agent.rawValue)
        }
    }

    /// The lines that tell the user which variables to set for the tools just installed.
    func variableHints() -> [String] {
        report.variables.keys.sorted().map { tool in
            "\(tool) needs these environment variables set before your agent starts it: \(report.variables[tool]!.joined(separator: ", "))"
        }
    }

    /// Prints the report as text or JSON.
    func printReport(verb: String) throws {
        if context.json {
            try context.printJSON(report)
            return
        }
        for entry in report.installed {
            context.print("\(verb) \(entry.kind) \(context.bold(entry.name)) \(entry.version) for \(entry.agent) at \(entry.path)")
        }
        for hint in variableHints() { context.print(context.yellow(hint)) }
    }
}
