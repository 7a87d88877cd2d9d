import Foundation
import HTTPTypes
import NIOCore
import Shared
@testable import RegistryServer

extension TestApp {
    /// Publishes files as a .tar.gz through `POST /api/v1/assets/{kind}[/{name}]`.
    @discardableResult
    func publishArchive(_ kind: AssetKind, _ files: [PackageFile], key: String, name: String? = nil) async throws -> Reply {
        let package = try AssetPackage(files: files, limits: PackageLimits(maxFiles: 10_000, maxFileBytes: 1 << 30, maxTotalBytes: 1 << 30))
        return try await publishRaw(kind, try PackageArchive.pack(package), key: key, name: name)
    }

    @discardableResult
    func publishRaw(_ kind: AssetKind, _ bytes: [UInt8], key: String, name: String? = nil, contentType: String = "application/gzip") async throws -> Reply {
        let uri = "/api/v1/assets/\(kind.rawValue)" + (name.map { "/\($0)" } ?? "")
        return try await client.execute(uri: uri, method: .post, headers: [.apiKey: key, .contentType: contentType], body: ByteBuffer(bytes: bytes)) { response in
            Reply(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
        }
    }

    static func skill(_ name: String, version: String? = nil, description: String = "A skill for tests", tags: [String] = [], body: String = "# Usage\n", extra: [PackageFile] = []) -> [PackageFile] {
        var front = "---\nname: \(name)\ndescription: \(description)\n"
        if let version { front += "version: \(version)\n" }
        if !tags.isEmpty { front += "tags: [\(tags.joined(separator: ", "))]\n" }
        return [PackageFile(path: "SKILL.md", text: front + "---\n" + body)] + extra
    }

    /// Rows in the tables a failed publish must not touch.
    func storedCounts() async throws -> [Int64] {
        var counts: [Int64] = []
        for table in ["assets", "asset_versions", "version_files", "blobs", "asset_tags"] {
            counts.append(try await services.registry.database.first("SELECT COUNT(*) AS n FROM \(table)", [])?.int("n") ?? -1)
        }
        return counts
    }
}
