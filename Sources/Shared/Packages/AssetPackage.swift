import Foundation

/// One file of a package.
public struct PackageFile: Sendable, Equatable {
    public let path: String
    /// 0o644 or 0o755: only the executable bit is kept.
    public let mode: Int
    public let contents: [UInt8]
    /// Lower-case hex SHA-256 of the contents, computed once: the package's digest and the blob's
    /// key in the database both need it (the sync worker prepares a package on one thread and
    /// stores it on the writer's, which then need not hash its files again).
    public let sha256: String

    public init(path: String, contents: [UInt8], executable: Bool = false) {
        self.path = path
        self.mode = executable ? 0o755 : 0o644
        self.contents = contents
        self.sha256 = SHA256Hex.hex(contents)
    }

    /// A file whose digest is known: read from the registry's blobs, whose key it is.
    public init(path: String, contents: [UInt8], executable: Bool, sha256: String) {
        self.path = path
        self.mode = executable ? 0o755 : 0o644
        self.contents = contents
        self.sha256 = sha256
    }

    public init(path: String, text: String) {
        self.init(path: path, contents: Array(text.utf8))
    }

    public var isExecutable: Bool { mode == 0o755 }
    /// The contents as UTF-8 text, or nil for binary files.
    public var text: String? { String(validating: contents, as: UTF8.self) }
}

/// A checked set of files: valid, unique paths within the limits, sorted by path, with the digest
/// that identifies the package whatever archive it came in.
public struct AssetPackage: Sendable, Equatable {
    public let files: [PackageFile]
    /// `sha256:` + hex of the canonical listing: one line `path NUL mode NUL size NUL sha256` per file.
    public let digest: String
    public var totalSize: Int { files.reduce(0) { $0 + $1.contents.count } }

    public init(files: [PackageFile], limits: PackageLimits) throws(PackageError) {
        guard !files.isEmpty else { throw PackageError("the package has no files") }
        guard files.count <= limits.maxFiles else {
            throw PackageError("the package has \(files.count) files; at most \(limits.maxFiles) are allowed")
        }
        var seen: [String: String] = [:]
        var keys: [String] = []
        var total = 0
        for file in files {
            if let problem = PackagePath.problem(file.path) { throw PackageError(problem) }
            let key = PackagePath.collisionKey(file.path)
            keys.append(key)
            if let earlier = seen[key] {
                throw PackageError(earlier.utf8.elementsEqual(file.path.utf8) ? "path '\(file.path)' appears twice" : "paths '\(earlier)' and '\(file.path)' differ only in case or Unicode form")
            }
            seen[key] = file.path
            guard file.contents.count <= limits.maxFileBytes else {
                throw PackageError("file '\(file.path)' is \(file.contents.count) bytes; at most \(limits.maxFileBytes) bytes per file are allowed")
            }
            total += file.contents.count
            guard total <= limits.maxTotalBytes else {
                throw PackageError("the package is larger than \(limits.maxTotalBytes) bytes")
            }
        }
        // A file may not also be a folder of another file: "a" and "a/b".
        let paths = Set(keys)
        for var parent in keys {
            while let slash = parent.lastIndex(of: "/") {
                parent = String(parent[..<slash])
                if paths.contains(parent) { throw PackageError("'\(parent)' is both a file and a folder") }
            }
        }
        self.files = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        self.digest = Self.digest(of: self.files)
    }

    public func file(_ path: String) -> PackageFile? {
        files.first { $0.path == path }
    }

    static func digest(of sortedFiles: [PackageFile]) -> String {
        var listing: [UInt8] = []
        for file in sortedFiles {
            listing += Array(file.path.utf8) + [0] + Array(String(file.mode, radix: 8).utf8) + [0]
            listing += Array(String(file.contents.count).utf8) + [0] + Array(file.sha256.utf8) + [0x0A]
        }
        return "sha256:" + SHA256Hex.hex(listing)
    }
}

/// Why a package was refused, in words for the publisher.
public struct PackageError: Error, Equatable, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
