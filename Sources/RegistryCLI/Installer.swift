import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Shared

/// Where installs go: the project (the current folder, lock file `agenthub.lock`) or, with
/// `--global`, the home folder (lock file `~/.skills-registry/global.lock`).
struct Scope {
    let root: URL
    let global: Bool
    let lockURL: URL

    init(_ context: CLIContext, global: Bool) {
        self.global = global
        if global {
            root = context.home
            lockURL = context.stateFolder.appendingPathComponent("global.lock")
        } else {
            root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            lockURL = root.appendingPathComponent("agenthub.lock")
        }
    }

    func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    func relative(_ url: URL) -> String {
        url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : url.path
    }
}

/// A package in the cache: `~/.skills-registry/cache/KIND/NAME/VERSION/files/…` and the digest
/// the registry vouched for beside it.
struct CachedPackage {
    let kind: AssetKind
    let name: String
    let version: String
    let digest: String
    let folder: URL
    let package: AssetPackage
}

/// Downloads packages into the cache (verified by digest) and places them where an agent reads
/// them. Nothing is placed before its package verified.
struct Installer {
    let context: CLIContext
    static let readLimits = PackageLimits(maxFiles: 100_000, maxFileBytes: 1 << 30, maxTotalBytes: 1 << 32)

    /// Notices for the user (tampered cache, missing references); printed to standard error.
    func notice(_ text: String) {
        FileHandle.standardError.write(Data("\(context.yellow("note:")) \(text)\n".utf8))
    }

    // MARK: - Resolving

    /// The kind of `name`: `type` when given; else the one kind the cache has it under (for an
    /// exact version); else what the registry has under that name.
    func kind(of name: String, type: AssetKind?, exactVersion: String?) async throws -> AssetKind {
        if let type { return type }
        if let exactVersion {
            let cached = AssetKind.allCases.filter { FileManager.default.fileExists(atPath: cacheFolder($0, name, exactVersion).appendingPathComponent(".agenthub-digest", isDirectory: false).path) }
            if cached.count == 1 { return cached[0] }
        }
        let kinds = Set(try await context.client.search(name, kind: nil, tag: nil, size: 100).items.filter { $0.name == name }.map(\.kind))
        switch kinds.count {
        case 0: throw CLIError("the registry has no skill, agent or tool named '\(name)'; search with `agenthub find \(name)`")
        case 1: return kinds.first!
        default: throw CLIError("'\(name)' is a \(kinds.map(\.rawValue).sorted().joined(separator: " and a ")); say which with --type")
        }
    }

    /// The exact version `range` picks among the versions that are not yanked (nil range: the highest).
    func version(_ kind: AssetKind, _ name: String, in range: VersionRange?) async throws -> String {
        if let exact = range?.exact { return exact.description }
        let detail = try await context.client.detail(kind, name, cache: detailCache(kind, name))
        if let message = detail.asset.deprecationMessage { notice("\(name) is deprecated: \(message)") }
        let available = detail.versions.filter { !$0.yanked }.compactMap { SemanticVersion($0.version) }
        guard let best = (range ?? VersionRange("*")!).best(of: available) else {
            let listed = available.sorted(by: >).prefix(10).map(\.description).joined(separator: ", ")
            throw CLIError("no version of \(name) matches '\(range?.description ?? "*")' (not yanked: \(listed.isEmpty ? "none" : listed)); pick one with `agenthub add \(name)@VERSION`", status: 404)
        }
        return best.description
    }

    // MARK: - Cache

    func cacheFolder(_ kind: AssetKind, _ name: String, _ version: String) -> URL {
        context.cacheFolder.appendingPathComponent(kind.rawValue, isDirectory: true).appendingPathComponent(name, isDirectory: true).appendingPathComponent(version, isDirectory: true)
    }

    func detailCache(_ kind: AssetKind, _ name: String) -> URL {
        context.cacheFolder.appendingPathComponent(kind.rawValue, isDirectory: true).appendingPathComponent(name, isDirectory: true).appendingPathComponent(".detail", isDirectory: true)
    }

    /// The verified cached package of `name` at `version`, downloading it when it is not cached
    /// or when its cached files no longer match their digest.
    func fetch(_ kind: AssetKind, _ name: String, version: String?) async throws -> CachedPackage {
        if let version, let cached = try cached(kind, name, version) { return cached }
        let download = try await context.client.download(kind, name, version: version, progress: context.progressBar(label: "\(name)\(version.map { " \($0)" } ?? "")"))
        let package: AssetPackage
        do {
            package = try PackageArchive.unpack(download.bytes, limits: Self.readLimits)
        } catch {
            throw CLIError("the package of \(name) \(download.version) from the registry is not safe to install (\(error)); nothing was written")
        }
        guard package.digest == download.digest else {
            throw CLIError("the package of \(name) \(download.version) does not match its digest (\(package.digest) instead of \(download.digest)); nothing was written")
        }
        guard SemanticVersion(download.version)?.description == download.version else {
            throw CLIError("the registry sent '\(download.version)' as the version of \(name); nothing was written")
        }
        let folder = cacheFolder(kind, name, download.version)
        let staging = folder.deletingLastPathComponent().appendingPathComponent(".staging-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        for file in package.files {
            let url = staging.appendingPathComponent("files").appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileReplacement.create(file.contents, at: url, permissions: mode_t(file.mode))
        }
        try FileReplacement.create(Data(download.digest.utf8), at: staging.appendingPathComponent(".agenthub-digest", isDirectory: false), permissions: 0o644)
        // A version folder is replaced whole: an installed link never sees half a package.
        let old = folder.deletingLastPathComponent().appendingPathComponent(".old-\(UUID().uuidString)")
        if FileManager.default.fileExists(atPath: folder.path) { try FileManager.default.moveItem(at: folder, to: old) }
        try FileManager.default.moveItem(at: staging, to: folder)
        try? FileManager.default.removeItem(at: old)
        return CachedPackage(kind: kind, name: name, version: download.version, digest: download.digest, folder: folder.appendingPathComponent("files"), package: package)
    }

    /// The cached package when its files still match the digest; a changed cache is reported and
    /// dropped so that it is downloaded again.
    private func cached(_ kind: AssetKind, _ name: String, _ version: String) throws -> CachedPackage? {
        let folder = cacheFolder(kind, name, version)
        guard let digest = try? String(contentsOf: folder.appendingPathComponent(".agenthub-digest", isDirectory: false), encoding: .utf8) else { return nil }
        let files = folder.appendingPathComponent("files", isDirectory: true)
        if let read = try? FileTree.read(files), let package = try? AssetPackage(files: read, limits: Self.readLimits), package.digest == digest {
            return CachedPackage(kind: kind, name: name, version: version, digest: digest, folder: files, package: package)
        }
        notice("the cached \(name) \(version) was changed on disk; downloading it again")
        try FileManager.default.removeItem(at: folder)
        return nil
    }
}

/// Reading a folder as package files: regular files only; links are neither followed nor read.
/// Walked with `lstat` and read with `open`/`read`: Foundation's resource values looked up the
/// owner's and group's names (reading /etc/passwd and /etc/group) for every file, and a cached
/// `add` reads the whole package to check it.
enum FileTree {
    static func read(_ folder: URL) throws -> [PackageFile] {
        var files: [PackageFile] = []
        try walk(folder.resolvingSymlinksInPath().path, relative: "", into: &files)
        return files
    }

    private static func walk(_ path: String, relative: String, into files: inout [PackageFile]) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            let full = path + "/" + name, inner = relative.isEmpty ? name : relative + "/" + name
            var status = stat()
            guard lstat(full, &status) == 0 else { throw failure(full) }
            switch status.st_mode & S_IFMT {
            case S_IFDIR: try walk(full, relative: inner, into: &files)
            case S_IFREG: files.append(PackageFile(path: inner, contents: try contents(of: full, size: Int(status.st_size)), executable: status.st_mode & S_IXUSR != 0))
            default: continue  // links and anything else are not package files
            }
        }
    }

    /// The error of the system call that just failed on `path`.
    private static func failure(_ path: String) -> CLIError {
        CLIError("cannot read \(path): \(String(cString: strerror(errno)))")
    }

    private static func contents(of path: String, size: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw failure(path) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }
}
