import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
@testable import RegistryServer
import Shared
import Synchronization
import Testing
import TestSupport

/// What operators read: `/metrics` in the Prometheus format and JSON logs.
@Suite("Operations: metrics and logs")
struct OperationsTests {
    /// Parses `name{labels} value` lines into (series, value); comments skipped.
    static func samples(_ text: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            result[String(line[..<space])] = value
        }
        return result
    }

    @Test("/metrics has requests by route template, latency, sync runs, assets by kind and the database", arguments: TestDatabases.backends)
    func metrics(backend: TestBackend) async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.repository("skills", files: ["one/SKILL.md": "---\nname: one-skill\ndescription: One\n---\n"])
        try await TestApp.run(backend, environment: ["SYNC_ALLOW_FILE_URLS": "true"]) { (app: TestApp) async throws in
            let owner = try await app.register("metrics-owner")
            #expect(try await app.publishArchive(.skill, TestApp.skill("pdf", version: "1.0.0", tags: []), key: owner.apiKey).status == .created)
            for _ in 0..<3 { #expect(try await app.request(.get, "/api/v1/assets/skill/pdf").status == .ok) }
            #expect(try await app.request(.get, "/api/v1/assets/skill/no-such-thing").status == .notFound)
            #expect(try await app.request(.get, "/scanner/probe/\(UUID().uuidString)").status == .notFound)
            let created = try await app.request(.post, "/api/v1/admin/sync-sources", auth: .apiKey(TestApp.adminAPIKey), json: ["name": "metrics", "url": fixture.fileURL("skills")])
            let run = try await SyncTests.syncNow(app, source: try #require(created.json["id"] as? Int))
            #expect(run["status"] as? String == "succeeded")

            let scrape = try await app.request(.get, "/metrics")
            #expect(scrape.status == .ok)
            #expect(scrape.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let samples = Self.samples(scrape.text)
            #expect(samples["agenthub_http_requests_total{method=\"GET\",route=\"/api/v1/assets/{kind}/{name}\",status=\"200\"}"] == 3, "\(scrape.text)")
            #expect(samples["agenthub_http_requests_total{method=\"GET\",route=\"/api/v1/assets/{kind}/{name}\",status=\"404\"}"] == 1)
            #expect(samples["agenthub_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"] == 1, "raw paths never become labels")
            #expect(samples["agenthub_http_request_duration_seconds_count{route=\"/api/v1/assets/{kind}/{name}\"}"] == 4)
            #expect(samples["agenthub_http_request_duration_seconds_bucket{route=\"/api/v1/assets/{kind}/{name}\",le=\"+Inf\"}"] == 4)
            #expect(samples["agenthub_sync_runs_total{status=\"succeeded\"}"] == 1)
            #expect(samples["agenthub_sync_run_duration_seconds_count"] == 1)
            #expect(samples["agenthub_assets{kind=\"skill\"}"] == 2 && samples["agenthub_assets{kind=\"tool\"}"] == 0)
            #expect(samples["agenthub_sync_sources{last_status=\"succeeded\"}"] == 1)
            #expect(samples["agenthub_database_up"] == 1)
            #expect((samples["agenthub_database_pool_connections{backend=\"\(backend == .sqlite ? "sqlite" : "postgresql")\"}"] ?? 0) >= 1)
            #expect(!scrape.text.contains(owner.apiKey) && !scrape.text.contains("no-such-thing"))

            // The admin dashboard reads the same sync health and counts.
            let stats = try await app.request(.get, "/api/v1/admin/stats", auth: .apiKey(TestApp.adminAPIKey))
            #expect(stats.status == .ok)
            #expect((stats.json["assets"] as? [String: Any])?["skill"] as? Int == 2)
            #expect((stats.json["installs_by_day"] as? [Any])?.count == 30)
            let sync = try #require(stats.json["sync"] as? [String: Any])
            #expect(sync["sources"] as? Int == 1 && sync["enabled"] as? Int == 1)
            #expect((sync["by_last_status"] as? [String: Int]) == ["succeeded": 1])
            #expect((sync["failing"] as? [Any])?.isEmpty == true)
            #expect(try await app.request(.get, "/api/v1/admin/stats", auth: .apiKey(owner.apiKey)).status == .forbidden)
        }
    }

    @Test("METRICS_TOKEN guards /metrics; METRICS_ENABLED=false removes it")
    func metricsAccess() async throws {
        try await TestApp.run(.sqlite, environment: ["METRICS_TOKEN": "metrics-token-0123456789"]) { (app: TestApp) async throws in
            #expect(try await app.request(.get, "/metrics").status == .unauthorized)
            #expect(try await app.request(.get, "/metrics", headers: [.authorization: "Bearer wrong-token-0123456789"]).status == .unauthorized)
            #expect(try await app.request(.get, "/metrics", headers: [.authorization: "Bearer metrics-token-0123456789"]).status == .ok)
        }
        try await TestApp.run(.sqlite, environment: ["METRICS_ENABLED": "false"]) { (app: TestApp) async throws in
            #expect(try await app.request(.get, "/metrics").status == .notFound)
        }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration(environment: ["METRICS_TOKEN": "short"]) }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration(environment: ["LOG_FORMAT": "xml"]) }
    }

    @Test("log lines: text in StreamLogHandler's layout (time, level, label, sorted metadata, source, message), or one JSON object")
    func textLogLines() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "agenthub") { LineLogHandler(label: $0, format: .text, metadataProvider: .init { ["provided": "p", "shared": "from-provider"] }, write: { line in lines.withLock { $0.append(line) } }) }
        logger.logLevel = .debug
        logger[metadataKey: "hb.request.id"] = "abc123"
        logger[metadataKey: "shared"] = "from-logger"
        logger.info("request", metadata: ["status": "200", "path": "/health"], source: "RegistryServer")
        logger.trace("not written")
        var bare = Logger(label: "") { LineLogHandler(label: $0, format: .text, write: { line in lines.withLock { $0.append(line) } }) }
        bare.logLevel = .info
        bare.warning("plain", source: "Module")
        let written = lines.withLock { $0 }
        try #require(written.count == 2)
        let stamp = #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} /#
        #expect(written[0].prefixMatch(of: stamp) != nil, "\(written[0])")
        #expect(written[0].hasSuffix(" info agenthub: hb.request.id=abc123 path=/health provided=p shared=from-provider status=200 [RegistryServer] request\n"), "\(written[0])")
        #expect(written[1].hasSuffix(" warning: [Module] plain\n"), "\(written[1])")
        #expect(LineLogHandler.timestamp(0).hasPrefix("1970-01-01T") || LineLogHandler.timestamp(0).hasPrefix("1969-12-31T"))

        // The same handler in JSON: the event's own value wins over the logger's.
        let json = Mutex<[String]>([])
        var jsonLogger = Logger(label: "agenthub") { LineLogHandler(label: $0, format: .json, write: { line in json.withLock { $0.append(line) } }) }
        jsonLogger[metadataKey: "shared"] = "from-logger"
        jsonLogger.notice("started", metadata: ["shared": "explicit"], source: "RegistryServer")
        let line = try #require(json.withLock { $0 }.first)
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["shared"] == "explicit" && object["message"] == "started" && object["label"] == "agenthub" && object["level"] == "notice" && object["source"] == "RegistryServer")
    }

    @Test("LOG_FORMAT=text (the default): a real server writes one line per request, with the id it returns in X-Request-ID")
    func textLogs() async throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let server = try await ServerProcess.start(environment: ["DATA_DIR": data.url.path, "BCRYPT_COST": "4", "ADMIN_PASSWORD": "admin-password-secret-1"])
        let (_, response) = try await URLSession.shared.data(from: server.baseURL.appendingPathComponent("health"))
        let requestId = try #require((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "X-Request-ID"))
        _ = try await server.stop()
        let lines = server.stderr.finish().split(separator: "\n")
        let line = try #require(lines.first { $0.contains("hb.request.id=\(requestId)") }, "\(lines)")
        #expect(line.contains(" info agenthub: ") && line.contains("path=/health") && line.contains("status=200") && line.hasSuffix("] request"), "\(line)")
        #expect(!lines.contains { $0.contains("admin-password-secret-1") })
    }

    @Test("LOG_FORMAT=json: every line of a real server's log is a JSON object with ts, level and message; no secret appears")
    func jsonLogs() async throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let server = try await ServerProcess.start(environment: ["DATA_DIR": data.url.path, "LOG_FORMAT": "json", "BCRYPT_COST": "4", "ADMIN_PASSWORD": "admin-password-secret-1"])
        let registered = try await httpJSON(server.baseURL, "POST", "api/v1/auth/register", body: try jsonBody(["username": "json-logger", "email": "json@example.com", "password": "password-secret-2"]))
        let key = try #require(registered.json["api_key"] as? String)
        _ = try await URLSession.shared.data(from: server.baseURL.appendingPathComponent("health"))
        _ = try await server.stop()
        let lines = server.stderr.finish().split(separator: "\n")
        #expect(lines.count >= 3)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "not JSON: \(line)")
            #expect(object["level"] != nil && object["message"] != nil)
            #expect(object["ts"].flatMap { try? Date($0, strategy: .iso8601) } != nil, "ts parses: \(object["ts"] ?? "")")
        }
        #expect(lines.contains { $0.contains("\"path\":\"/api/v1/auth/register\"") && $0.contains("\"status\":\"201\"") })
        for secret in [key, "password-secret-2", "admin-password-secret-1"] {
            #expect(!lines.contains { $0.contains(secret) })
        }
    }
}
