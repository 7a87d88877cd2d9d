import Foundation

/// How to authenticate to a git server.
public enum GitCredentials: Sendable, Equatable {
    case none
    /// HTTPS with a token as the password (GitHub and GitLab accept any user name, e.g. `oauth2`).
    /// Given to libgit2 through its credential callback, never in the URL or `.git/config`.
    case token(username: String, token: String)
    /// SSH with a private key (OpenSSH format; ed25519 works against OpenSSH 9, RSA does not) and
    /// the server's host key pinned by its SHA-256 fingerprint (`SHA256:…`, as `ssh-keygen -l` prints).
    case sshKey(username: String, privateKey: String, hostFingerprint: String)
}

/// One entry of a commit's tree.
public struct GitTreeEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case file
        case executable
        case symlink
        case submodule
    }

    public let path: String
    public let kind: Kind
    /// The blob's object id (hex).
    public let objectId: String

    public init(path: String, kind: Kind, objectId: String) {
        self.path = path
        self.kind = kind
        self.objectId = objectId
    }
}

/// Errors of git operations, with libgit2's own message.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public var description: String { message }

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }
}

/// The git operations the sync worker needs. `LibGit2Client` is the implementation.
public protocol GitClient: Sendable {
    /// Clones `url` into the bare repository at `repositoryPath`, or fetches into it when it
    /// exists, and returns the commit id of `branch` (the remote's default branch when nil).
    func update(url: String, branch: String?, repositoryPath: String, credentials: GitCredentials, timeout: Duration) async throws -> String
    /// Every entry of the tree of `commit`, depth first, without following anything.
    func tree(repositoryPath: String, commit: String) async throws -> [GitTreeEntry]
    /// The bytes of a blob, refused when larger than `limit`.
    func blob(repositoryPath: String, objectId: String, limit: Int) async throws -> [UInt8]
    /// The bytes of several blobs, in order, each refused when larger than `limit`; once more than
    /// `totalLimit` bytes were read, the rest are not read (failures).
    func blobs(repositoryPath: String, objectIds: [String], limit: Int, totalLimit: Int) async throws -> [Result<[UInt8], GitError>]
    /// A reader of the blobs of one repository for the length of a run, on the calling thread.
    func blobReader(repositoryPath: String) -> any GitBlobReader
}

/// Reads blobs on the calling thread, for work that is already off Swift's cooperative pool (the
/// sync reads and prepares each package in one job on ``BackgroundWork``). Safe to use from
/// several threads at once; each open repository is used by one thread at a time.
public protocol GitBlobReader: Sendable {
    /// As ``GitClient/blobs(repositoryPath:objectIds:limit:totalLimit:)``.
    func blobs(objectIds: [String], limit: Int, totalLimit: Int) throws -> [Result<[UInt8], GitError>]
}

extension GitError {
    static func overTotal(_ limit: Int) -> GitError { GitError(code: -3, message: "not read: the files before it are over the limit of \(limit) bytes") }
}
