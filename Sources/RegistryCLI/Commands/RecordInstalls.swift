import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Shared

/// `agenthub record-installs KIND/NAME/VERSION/AGENT…` (hidden): tells the registry about installs
/// that came from the cache.
///
/// A command that found everything in the cache never opened a connection, and the first request
/// of a process costs about ten milliseconds (SwiftNIO's threads, AsyncHTTPClient's pool and the
/// runtime's first look at their generic types) — half of a cached `add`. Install counts are best
/// effort, so such a command hands its records to this command started detached (its own session,
/// no terminal, no inherited files) and returns; a command that already talked to the registry
/// sends them itself on its open connection.
struct RecordInstalls: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record-installs",
        abstract: "Send install records to the registry (used by add and update).",
        shouldDisplay: false
    )

    @Argument(help: "KIND/NAME/VERSION/AGENT") var records: [String]

    /// One install, as this command receives it on its command line.
    struct Record {
        let kind: AssetKind
        let name: String
        let version: String
        let agent: AgentTarget

        var argument: String { "\(kind.rawValue)/\(name)/\(version)/\(agent.rawValue)" }
    }

    func run() async throws {
        let parsed = records.compactMap(Record.init)
        guard parsed.count == records.count, !parsed.isEmpty else {
            throw ValidationError("each record is KIND/NAME/VERSION/AGENT, as agenthub writes them")
        }
        try await runCommand(json: false) { context in
            for record in parsed {
                await context.client.recordInstall(record.kind, record.name, version: record.version, agent: record.agent.rawValue)
            }
        }
    }

    /// Starts `agenthub record-installs` for `records`, detached: a new session, standard input and
    /// output on /dev/null, no other file inherited. It reads the same configuration and environment
    /// as this process. False when it could not be started (the caller then sends them itself).
    static func spawnDetached(_ records: [Record]) -> Bool {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        guard posix_spawn_file_actions_init(&actions) == 0 else { return false }
        defer { posix_spawn_file_actions_destroy(&actions) }
        guard posix_spawnattr_init(&attributes) == 0 else { return false }
        defer { posix_spawnattr_destroy(&attributes) }
        for descriptor: Int32 in [0, 1, 2] {
            guard posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0) == 0 else { return false }
        }
        guard closeInherited(&actions), posix_spawnattr_setflags(&attributes, setSID | Int16(POSIX_SPAWN_SETSIGMASK)) == 0 else { return false }
        var none = sigset_t()
        sigemptyset(&none)
        guard posix_spawnattr_setsigmask(&attributes, &none) == 0 else { return false }
        let arguments = ["agenthub", configuration.commandName!] + records.map(\.argument)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child = pid_t()
        return posix_spawn(&child, "/proc/self/exe", &actions, &attributes, &argv, environ) == 0
    }

    /// glibc's `POSIX_SPAWN_SETSID` (<spawn.h>; Swift's Glibc module leaves out the GNU extensions).
    private static let setSID: Int16 = 0x80

    /// Closes every descriptor above standard error in the child: glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34 and later, found at run time for the same
    /// reason), or else one close for each descriptor open now.
    private static func closeInherited(_ actions: inout posix_spawn_file_actions_t) -> Bool {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            return unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3) == 0
        }
        guard let open = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return false }
        return open.compactMap { Int32($0) }.filter { $0 > 2 }.allSatisfy { posix_spawn_file_actions_addclose(&actions, $0) == 0 }
    }
}

extension RecordInstalls.Record {
    /// nil unless every part is what agenthub itself writes.
    init?(_ argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let kind = AssetKind(rawValue: parts[0]), AssetName.problem(parts[1]) == nil,
              SemanticVersion(parts[2])?.description == parts[2], let agent = AgentTarget(rawValue: parts[3]) else { return nil }
        self.init(kind: kind, name: parts[1], version: parts[2], agent: agent)
    }

    init(_ entry: LockFile.Entry) {
        self.init(kind: entry.assetKind, name: entry.name, version: entry.version, agent: entry.target)
    }
}
