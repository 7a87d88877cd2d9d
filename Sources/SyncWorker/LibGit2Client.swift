import CLibGit2
import Foundation
import Synchronization

/// The seam to libgit2: the only file that imports `CLibGit2`.
///
/// Every call runs on a thread of its own, never on Swift's cooperative pool (libgit2 blocks), and
/// owns its `git_repository` from open to free. Return codes are all checked; a failure becomes a
/// `GitError` with `git_error_last()`'s message, read on the same thread.
public struct LibGit2Client: GitClient {
    public init() {}

    public func update(url: String, branch: String?, repositoryPath: String, credentials: GitCredentials, timeout: Duration) async throws -> String {
        try await LibGit2.onOwnThread(timeout: timeout, what: "fetching \(LibGit2.redact(url))") { cancel in
            try LibGit2.initialise()
            let keyFolder = try LibGit2.writeKey(credentials)
            defer { keyFolder.map { try? FileManager.default.removeItem(atPath: $0) } }
            let state = CallbackState(credentials: credentials, cancel: cancel, keyPath: keyFolder.map { $0 + "/key" })
            let exists = FileManager.default.fileExists(atPath: repositoryPath + "/HEAD")
            var repository: OpaquePointer?
            defer { git_repository_free(repository) }
            let payload = Unmanaged.passRetained(state)
            defer { payload.release() }
            if exists {
                try LibGit2.check(git_repository_open_bare(&repository, repositoryPath), "opening \(repositoryPath)")
                var remote: OpaquePointer?
                defer { git_remote_free(remote) }
                try LibGit2.check(git_remote_lookup(&remote, repository, "origin"), "finding the remote")
                try LibGit2.check(git_remote_set_instance_url(remote, url), "setting the remote URL")
                var options = git_fetch_options()
                try LibGit2.check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "preparing the fetch")
                LibGit2.install(&options.callbacks, payload: payload.toOpaque())
                options.prune = GIT_FETCH_PRUNE
                try LibGit2.check(git_remote_fetch(remote, nil, &options, "agenthub sync"), "fetching \(LibGit2.redact(url))")
            } else {
                // Cloned beside the final place and renamed into it when complete: a clone cut
                // short (a crash, a kill, a timeout) never looks like a repository afterwards.
                let partial = repositoryPath + ".partial"
                try? FileManager.default.removeItem(atPath: partial)
                try? FileManager.default.removeItem(atPath: repositoryPath)
                try FileManager.default.createDirectory(atPath: (repositoryPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                var options = git_clone_options()
                try LibGit2.check(git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION)), "preparing the clone")
                options.bare = 1
                LibGit2.install(&options.fetch_opts.callbacks, payload: payload.toOpaque())
                let result = git_clone(&repository, url, partial, &options)
                if result != 0 {
                    let error = LibGit2.error(result, "cloning \(LibGit2.redact(url))")
                    try? FileManager.default.removeItem(atPath: partial)
                    throw error
                }
                git_repository_free(repository)
                repository = nil
                try FileManager.default.moveItem(atPath: partial, toPath: repositoryPath)
                try LibGit2.check(git_repository_open_bare(&repository, repositoryPath), "opening \(repositoryPath)")
            }
            return try LibGit2.resolve(repository, branch: branch)
        }
    }

    public func tree(repositoryPath: String, commit: String) async throws -> [GitTreeEntry] {
        try await LibGit2.onOwnThread(timeout: .seconds(300), what: "reading the tree") { _ in
            try LibGit2.initialise()
            var repository: OpaquePointer?
            defer { git_repository_free(repository) }
            try LibGit2.check(git_repository_open_bare(&repository, repositoryPath), "opening \(repositoryPath)")
            var oid = git_oid()
            try LibGit2.check(git_oid_fromstr(&oid, commit), "reading commit id \(commit)")
            var commitObject: OpaquePointer?
            defer { git_commit_free(commitObject) }
            try LibGit2.check(git_commit_lookup(&commitObject, repository, &oid), "finding commit \(commit)")
            var tree: OpaquePointer?
            defer { git_tree_free(tree) }
            try LibGit2.check(git_commit_tree(&tree, commitObject), "reading the tree of \(commit)")
            let collector = TreeCollector()
            let payload = Unmanaged.passRetained(collector)
            defer { payload.release() }
            try LibGit2.check(git_tree_walk(tree, GIT_TREEWALK_PRE, { root, entry, payload in
                guard let entry, let payload else { return 0 }
                let collector = Unmanaged<TreeCollector>.fromOpaque(payload).takeUnretainedValue()
                let name = String(cString: git_tree_entry_name(entry))
                let path = (root.map { String(cString: $0) } ?? "") + name
                let kind: GitTreeEntry.Kind
                switch git_tree_entry_filemode(entry) {
                case GIT_FILEMODE_BLOB: kind = .file
                case GIT_FILEMODE_BLOB_EXECUTABLE: kind = .executable
                case GIT_FILEMODE_LINK: kind = .symlink
                case GIT_FILEMODE_COMMIT: kind = .submodule
                default: return 0  // folders: their entries follow
                }
                var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
                git_oid_tostr(&buffer, buffer.count, git_tree_entry_id(entry))
                collector.entries.append(GitTreeEntry(path: path, kind: kind, objectId: String(cString: buffer)))
                return collector.entries.count > 200_000 ? -1 : 0
            }, payload.toOpaque()), "walking the tree")
            return collector.entries
        }
    }

    public func blob(repositoryPath: String, objectId: String, limit: Int) async throws -> [UInt8] {
        try await blobs(repositoryPath: repositoryPath, objectIds: [objectId], limit: limit, totalLimit: .max)[0].get()
    }

    /// One thread and one open repository for all of them (a package's files were a thread and a
    /// repository open each).
    public func blobs(repositoryPath: String, objectIds: [String], limit: Int, totalLimit: Int) async throws -> [Result<[UInt8], GitError>] {
        try await LibGit2.onOwnThread(timeout: .seconds(120), what: "reading files") { _ in
            try LibGit2BlobReader(repositoryPath: repositoryPath).blobs(objectIds: objectIds, limit: limit, totalLimit: totalLimit)
        }
    }

    public func blobReader(repositoryPath: String) -> any GitBlobReader {
        LibGit2BlobReader(repositoryPath: repositoryPath)
    }
}

/// Keeps the repositories it opened, to be used again: opening one was half the work of reading a
/// package's files. A repository is taken from the pool by one thread, used and put back; all are
/// freed when the reader goes (at the end of a run).
final class LibGit2BlobReader: GitBlobReader, @unchecked Sendable {
    // @unchecked: the pool is guarded by its mutex, and a repository taken from it is used by the
    // thread that took it only.
    private let repositoryPath: String
    private let pool = Mutex<[OpenRepository]>([])

    private struct OpenRepository: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    init(repositoryPath: String) {
        self.repositoryPath = repositoryPath
    }

    deinit {
        for repository in pool.withLock({ $0 }) { git_repository_free(repository.pointer) }
    }

    func blobs(objectIds: [String], limit: Int, totalLimit: Int) throws -> [Result<[UInt8], GitError>] {
        let repository = try take()
        defer { pool.withLock { $0.append(repository) } }
        var total = 0
        return objectIds.map { objectId in
            guard total <= totalLimit else { return .failure(GitError.overTotal(totalLimit)) }
            let result = Result { () throws(GitError) -> [UInt8] in
                var oid = git_oid()
                try LibGit2.check(git_oid_fromstr(&oid, objectId), "reading object id")
                var blob: OpaquePointer?
                defer { git_blob_free(blob) }
                try LibGit2.check(git_blob_lookup(&blob, repository.pointer, &oid), "finding blob \(objectId)")
                let size = Int(git_blob_rawsize(blob))
                guard size <= limit else { throw GitError(code: -1, message: "a file of \(size) bytes is over the limit of \(limit)") }
                guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
                return Array(UnsafeRawBufferPointer(start: raw, count: size))
            }
            if case .success(let bytes) = result { total += bytes.count }
            return result
        }
    }

    private func take() throws -> OpenRepository {
        if let kept = pool.withLock({ $0.popLast() }) { return kept }
        try LibGit2.initialise()
        var repository: OpaquePointer?
        do {
            try LibGit2.check(git_repository_open_bare(&repository, repositoryPath), "opening \(repositoryPath)")
        } catch {
            git_repository_free(repository)
            throw error
        }
        guard let repository else { throw GitError(code: -1, message: "opening \(repositoryPath): no repository") }
        return OpenRepository(pointer: repository)
    }
}

/// State shared with libgit2's C callbacks through their payload pointer.
final class CallbackState: @unchecked Sendable {
    // @unchecked: used only by the one thread that runs the libgit2 call that owns it.
    let credentials: GitCredentials
    let cancel: CancelFlag
    /// The SSH private key, written to a 0600 file for the duration of the call.
    let keyPath: String?
    var attempts = 0

    init(credentials: GitCredentials, cancel: CancelFlag, keyPath: String?) {
        self.credentials = credentials
        self.cancel = cancel
        self.keyPath = keyPath
    }
}

final class TreeCollector: @unchecked Sendable {
    // @unchecked: filled by the tree walk on one thread, read after it returns.
    var entries: [GitTreeEntry] = []
}

/// The library-wide parts: initialisation, version, errors, threads, callbacks.
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

    public typealias Failure = GitError

    private static let initialised = Mutex(false)

    /// Initialises libgit2 once per process; every other call needs it first.
    public static func initialise() throws {
        try initialised.withLock { done in
            guard !done else { return }
            let result = git_libgit2_init()
            guard result >= 0 else { throw error(result, "initialising libgit2") }
            done = true
        }
    }

    public static func version() throws -> Version {
        try initialise()
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        try check(git_libgit2_version(&major, &minor, &revision), "reading the version")
        return Version(major: Int(major), minor: Int(minor), revision: Int(revision))
    }

    public static func features() throws -> Features {
        try initialise()
        return Features(rawValue: git_libgit2_features())
    }

    /// Makes libgit2 trust the certificates in `file` (PEM) for HTTPS, instead of its compiled-in
    /// bundle. Process-wide: set once at start.
    public static func setCertificateAuthorities(file: String) throws {
        try initialise()
        try check(agenthub_git_set_ssl_cert_locations(file, nil), "loading the CA file \(file)")
    }

    /// Creates an empty repository at `path` and returns libgit2's path of its git directory.
    public static func initRepository(at path: String, bare: Bool) throws -> String {
        try initialise()
        var repository: OpaquePointer?
        defer { git_repository_free(repository) }
        try check(git_repository_init(&repository, path, bare ? 1 : 0), "creating a repository at \(path)")
        guard let gitDirectory = git_repository_path(repository) else { throw GitError(code: -1, message: "repository has no path") }
        return String(cString: gitDirectory)
    }

    static func check(_ result: Int32, _ doing: String) throws(GitError) {
        if result < 0 { throw error(result, doing) }
    }

    /// The error of the last failed call on this thread (libgit2 keeps it per thread).
    static func error(_ code: Int32, _ doing: String) -> GitError {
        var message = "unknown error"
        if let last = git_error_last(), let text = last.pointee.message {
            message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return GitError(code: code, message: "\(doing) failed: \(message)")
    }

    /// A URL without any user information, for messages, logs and answers.
    public static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.user != nil || components.password != nil else { return url }
        components.user = nil
        components.password = nil
        return components.string ?? url
    }

    /// Writes an SSH private key to a new 0700 folder as a 0600 file; returns the folder.
    static func writeKey(_ credentials: GitCredentials) throws -> String? {
        guard case .sshKey(_, let key, _) = credentials else { return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agenthub-key-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let text = key.hasSuffix("\n") ? key : key + "\n"
        guard FileManager.default.createFile(atPath: folder + "/key", contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw GitError(code: -1, message: "cannot write the SSH key to a temporary file")
        }
        return folder
    }

    /// The commit of `branch` (or the default branch) in a bare clone.
    static func resolve(_ repository: OpaquePointer?, branch: String?) throws -> String {
        var name = branch
        if name == nil {
            var head: OpaquePointer?
            defer { git_reference_free(head) }
            if git_reference_lookup(&head, repository, "HEAD") == 0, let target = git_reference_symbolic_target(head) {
                name = String(cString: target).replacingOccurrences(of: "refs/heads/", with: "")
            }
        }
        guard let name, !name.isEmpty else { throw GitError(code: -3, message: "the repository has no default branch") }
        var oid = git_oid()
        var result = git_reference_name_to_id(&oid, repository, "refs/remotes/origin/\(name)")
        if result != 0 { result = git_reference_name_to_id(&oid, repository, "refs/heads/\(name)") }
        if result != 0, branch != nil {
            // A tag (annotated or not), peeled to its commit.
            var object: OpaquePointer?
            defer { git_object_free(object) }
            result = git_revparse_single(&object, repository, "refs/tags/\(name)^{commit}")
            if result == 0, let id = git_object_id(object) { oid = id.pointee }
        }
        if result != 0 {
            throw GitError(code: result, message: branch == nil ? "the repository is empty (its default branch '\(name)' has no commit)" : "branch or tag '\(name)' \(Self.missingReference)")
        }
        var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
        git_oid_tostr(&buffer, buffer.count, &oid)
        return String(cString: buffer)
    }

    /// Credentials from the payload, at most once (libgit2 asks again after every refusal).
    static func install(_ callbacks: inout git_remote_callbacks, payload: UnsafeMutableRawPointer) {
        callbacks.payload = payload
        callbacks.credentials = { out, _, usernameFromURL, allowed, payload in
            guard let out, let payload else { return -1 }
            let state = Unmanaged<CallbackState>.fromOpaque(payload).takeUnretainedValue()
            state.attempts += 1
            switch state.credentials {
            case .none:
                git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), "the server asks for credentials and this source has none; add a token")
                return Int32(GIT_EAUTH.rawValue)
            case .token(let username, let token):
                guard state.attempts == 1 else {
                    git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), "authentication failed: the server refused the token")
                    return Int32(GIT_EAUTH.rawValue)
                }
                guard allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 else {
                    git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), "the server does not accept a token (use an https URL)")
                    return Int32(GIT_EAUTH.rawValue)
                }
                let user = usernameFromURL.map { String(cString: $0) } ?? username
                return git_credential_userpass_plaintext_new(out, user.isEmpty ? username : user, token)
            case .sshKey(let username, _, _):
                guard state.attempts == 1, let keyPath = state.keyPath else {
                    git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), "authentication failed: the server refused the SSH key")
                    return Int32(GIT_EAUTH.rawValue)
                }
                guard allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 else {
                    git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), "the server does not accept an SSH key (use an ssh:// URL)")
                    return Int32(GIT_EAUTH.rawValue)
                }
                let user = usernameFromURL.map { String(cString: $0) } ?? username
                return git_credential_ssh_key_new(out, user, nil, keyPath, nil)
            }
        }
        callbacks.certificate_check = { cert, _, host, payload in
            guard let cert, let payload else { return Int32(GIT_PASSTHROUGH.rawValue) }
            let state = Unmanaged<CallbackState>.fromOpaque(payload).takeUnretainedValue()
            guard cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
                // TLS: libgit2 checks the certificate against the CA store as usual.
                return Int32(GIT_PASSTHROUGH.rawValue)
            }
            guard case .sshKey(_, _, let pinned) = state.credentials else {
                git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), "SSH sources need a pinned host-key fingerprint")
                return Int32(GIT_ECERTIFICATE.rawValue)
            }
            let hostkey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
            guard hostkey.type.rawValue & GIT_CERT_SSH_SHA256.rawValue != 0 else {
                git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), "the server's host key has no SHA-256 fingerprint to compare")
                return Int32(GIT_ECERTIFICATE.rawValue)
            }
            let hash = withUnsafeBytes(of: hostkey.hash_sha256) { Data($0) }
            let actual = hash.base64EncodedString().replacingOccurrences(of: "=", with: "")
            let expected = pinned.replacingOccurrences(of: "SHA256:", with: "").replacingOccurrences(of: "=", with: "").trimmingCharacters(in: .whitespaces)
            guard actual == expected else {
                let name = host.map { String(cString: $0) } ?? "the server"
                git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), "host key of \(name) is SHA256:\(actual), not the pinned \(pinned): refusing to connect")
                return Int32(GIT_ECERTIFICATE.rawValue)
            }
            return 0
        }
        callbacks.transfer_progress = { _, payload in
            guard let payload else { return 0 }
            let state = Unmanaged<CallbackState>.fromOpaque(payload).takeUnretainedValue()
            if state.cancel.isCancelled {
                git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), "timed out")
                return -1
            }
            return 0
        }
    }

    /// How the error of a branch or tag the repository does not have ends.
    static let missingReference = "does not exist in the repository"

    /// True for a sync error that says the branch or tag asked for is not in the repository.
    public static func isMissingReference(_ error: String) -> Bool {
        error.contains(missingReference)
    }

    /// Runs `body` on a new thread. After `timeout` the caller gets a timeout error; the call is
    /// asked to stop at its next progress report (a server that sends nothing keeps the thread
    /// until the operating system gives up on the connection, but nobody waits for it).
    static func onOwnThread<T: Sendable>(timeout: Duration, what: String, _ body: @escaping @Sendable (CancelFlag) throws -> T) async throws -> T {
        let cancel = CancelFlag()
        return try await withCheckedThrowingContinuation { continuation in
            let finish: @Sendable (Result<T, any Error>) -> Void = { result in
                if cancel.settle() { continuation.resume(with: result) }
            }
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            // A Dispatch timer, not a Task: it fires on time even when every thread of Swift's
            // cooperative pool is busy (a Task's sleep was seen to end 13 s late on 2 cores).
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + seconds)
            timer.setEventHandler {
                cancel.cancel()
                finish(.failure(GitError(code: -2, message: "\(what) timed out after \(Int(seconds)) s")))
            }
            timer.activate()
            let thread = Thread { [timer = UncheckedTimer(timer)] in
                let result = Result { try body(cancel) }
                // A call that ended leaves no timer behind (a sync reads hundreds of packages).
                timer.source.cancel()
                finish(result)
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }
}

/// A Dispatch timer handed to the thread that cancels it (cancel is thread-safe).
private struct UncheckedTimer: @unchecked Sendable {
    let source: any DispatchSourceTimer
    init(_ source: any DispatchSourceTimer) { self.source = source }
}

/// Asks a running libgit2 call to stop, and makes sure its caller is answered once.
final class CancelFlag: Sendable {
    private let cancelled = Atomic<Bool>(false)
    private let answered = Atomic<Bool>(false)

    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// True for the first caller only.
    func settle() -> Bool {
        answered.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
