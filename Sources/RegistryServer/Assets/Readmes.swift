import RegistryAuth
import RegistryStore
import Shared

/// READMEs as HTML. A publish through the API stores its README rendered; the sync worker stores
/// them unrendered (rendering is two thirds of the work of preparing a package, and a first sync
/// prepares hundreds) and renders them right after its run. One asked for in between is rendered
/// when it is asked for, and kept.
struct Readmes: Sendable {
    let registry: RegistryDatabase

    /// How many READMEs are rendered between two writes after a sync.
    static let batch = 64

    func html(of version: AssetVersion) async -> String {
        guard version.readmeHTML.isEmpty, !version.readmeMarkdown.isEmpty else { return version.readmeHTML }
        let markdown = version.readmeMarkdown
        let html = await BlockingWork.run { ReadmeRenderer.html(from: markdown) }
        // Keeping it saves rendering it again; when that write fails the answer is the same.
        if !html.isEmpty { try? await registry.assets.setReadmeHTML(versionId: version.id, html: html) }
        return html
    }

    /// Renders and stores the READMEs of `versionIds` that were stored unrendered, on both cores
    /// at background priority (requests that come meanwhile go first).
    @discardableResult
    func renderStored(versionIds: [Int64]) async throws -> Int {
        var rendered = 0
        for start in stride(from: 0, to: versionIds.count, by: Self.batch) {
            let chunk = Array(versionIds[start..<min(start + Self.batch, versionIds.count)])
            let pending = try await registry.assets.unrenderedReadmes(versionIds: chunk)
            let results = await withTaskGroup(of: (id: Int64, html: String).self) { group in
                for item in pending {
                    group.addTask { (item.id, await BackgroundWork.shared.run { ReadmeRenderer.html(from: item.markdown) }) }
                }
                var results: [(id: Int64, html: String)] = []
                for await result in group where !result.html.isEmpty { results.append(result) }
                return results
            }
            guard !results.isEmpty else { continue }
            try await registry.transaction { stores in
                for result in results { try await stores.assets.setReadmeHTML(versionId: result.id, html: result.html) }
            }
            rendered += results.count
        }
        return rendered
    }
}
