import Foundation
import Hummingbird
import NIOCore
import RegistryAuth
import RegistryStore

/// The web UI: `frontend-static/index.html` at `/` and the files of `frontend-static/ui/` at
/// `/ui/NAME` (HTML, CSS, JavaScript modules, images; flat names only). Files are read from disk
/// on each request — they are small, and edits show without a restart. Only regular files are
/// served: a link in the folder is never followed.
struct WebUIController {
    let folder: URL?

    static let types = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon", "json": "application/json"]

    /// `FRONTEND_DIR`, else `frontend-static` in the working folder, beside the binary's
    /// `share/agenthub/`, or in the source tree.
    static func locate(explicit: String?) -> URL? {
        let manager = FileManager.default
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        let executable = MigrationDirectory.executableFolder
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            URL(fileURLWithPath: manager.currentDirectoryPath).appendingPathComponent("frontend-static"),
            executable.appendingPathComponent("../share/agenthub/frontend-static").standardizedFileURL,
            sourceRoot.appendingPathComponent("frontend-static"),
        ]
        return candidates.first { manager.fileExists(atPath: $0.appendingPathComponent("index.html").path) }
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("") { _, _ in try await serve("index.html", in: nil) }
        router.get("ui/:file") { _, context in try await serve(context.parameters.get("file") ?? "", in: "ui") }
    }

    private func serve(_ name: String, in subfolder: String?) async throws -> Response {
        guard let folder else { throw APIError.notFound("the web UI is not installed (no frontend-static folder; set FRONTEND_DIR)") }
        guard name.range(of: #"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.[a-z]+$"#, options: .regularExpression) != nil, let ext = name.split(separator: ".").last, let type = Self.types[String(ext)] else {
            throw APIError.notFound("not found: \(name)")
        }
        var url = folder
        if let subfolder { url.appendPathComponent(subfolder) }
        url.appendPathComponent(name)
        let path = url.path
        // Disk reads stay off the cooperative pool.
        let data: Data? = await BlockingWork.run {
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return FileManager.default.contents(atPath: path)
        }
        guard let data else { throw APIError.notFound("not found: \(name)") }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
