import CLibGit2
import Foundation
import Synchronization

/// The seam to libgit2: the only file that imports `CLibGit2`.
///
/// For now it initialises the library and reports what it is; the git client (clone, fetch,
/// checkout over HTTPS and SSH) grows here.
public enum LibGit2 {
    public struct Version: Equatable, Sendable, CustomStringConvertible {
        public let major: Int
        public let minor: Int
        public let revision: Int
        public var description: String { "\(major).\(minor).\(revision)" }
    }

    public struct Features: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let threads = Features(rawValue: Int32(GIT_FEATURE_THREADS.rawValue))
        public static let https = Features(rawValue: Int32(GIT_FEATURE_HTTPS.rawValue))
        public static let ssh = Features(rawValue: Int32(GIT_FEATURE_SSH.rawValue))
    }

    /// A libgit2 failure with libgit2's own message.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let code: Int32
        public let message: String
        public var description: String { "libgit2 error \(code): \(message)" }
    }

    private static let initialised = Mutex(false)

    /// Initialises libgit2 once per process; every other call needs it first.
    public static func initialise() throws {
        try initialised.withLock { done in
            guard !done else { return }
            let result = git_libgit2_init()
            guard result >= 0 else { throw lastError(result) }
            done = true
        }
    }

    public static func version() throws -> Version {
        try initialise()
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        let result = git_libgit2_version(&major, &minor, &revision)
        guard result == 0 else { throw lastError(result) }
        return Version(major: Int(major), minor: Int(minor), revision: Int(revision))
    }

    public static func features() throws -> Features {
        try initialise()
        return Features(rawValue: git_libgit2_features())
    }

    /// Creates an empty repository at `path` (bare or not) and returns the path libgit2 reports
    /// for its git directory: a real round trip through the library.
    public static func initRepository(at path: String, bare: Bool) throws -> String {
        try initialise()
        var repository: OpaquePointer?
        let result = git_repository_init(&repository, path, bare ? 1 : 0)
        guard result == 0, let repository else { throw lastError(result) }
        defer { git_repository_free(repository) }
        guard let gitDirectory = git_repository_path(repository) else { throw Failure(code: -1, message: "repository has no path") }
        return String(cString: gitDirectory)
    }

    /// The error of the last failed call on this thread (libgit2 keeps it per thread).
    static func lastError(_ code: Int32) -> Failure {
        if let error = git_error_last(), let message = error.pointee.message {
            return Failure(code: code, message: String(cString: message))
        }
        return Failure(code: code, message: "unknown error")
    }
}
