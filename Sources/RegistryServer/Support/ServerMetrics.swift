import Foundation
import HTTPTypes
import Hummingbird
import RegistryStore
import Synchronization

/// The server's own counters and histograms, written in the Prometheus text format at
/// `GET /metrics`. Kept in the process (no global metrics system), so each application — and each
/// test — has its own. Routes are labelled by their template, never by the raw path.
final class ServerMetrics: Sendable {
    static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    static let syncBuckets: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]

    struct Histogram: Sendable {
        var counts: [Int]
        var sum = 0.0
        var count = 0

        init(buckets: Int) { counts = Array(repeating: 0, count: buckets) }

        mutating func observe(_ value: Double, _ bounds: [Double]) {
            for (index, bound) in bounds.enumerated() where value <= bound { counts[index] += 1 }
            sum += value
            count += 1
        }
    }

    /// A request series; its labels are written only at scrape time (escaping them on every
    /// request cost a fifth of the server's time in a profile of a cached route).
    private struct RequestSeries: Hashable, Sendable {
        let method: String
        let route: String
        let status: Int
    }

    private struct State: Sendable {
        var requests: [RequestSeries: Int] = [:]
        var latency: [String: Histogram] = [:]
        var syncRuns: [String: Int] = [:]
        var syncDurations = Histogram(buckets: ServerMetrics.syncBuckets.count)
    }

    private let state = Mutex(State())
    let started = Date()

    func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[RequestSeries(method: method, route: route, status: status), default: 0] += 1
            state.latency[route, default: Histogram(buckets: Self.latencyBuckets.count)].observe(seconds, Self.latencyBuckets)
        }
    }

    func recordSyncRun(status: String, seconds: Double) {
        state.withLock { state in
            state.syncRuns[Self.labels(["status": status]), default: 0] += 1
            state.syncDurations.observe(seconds, Self.syncBuckets)
        }
    }

    /// The exposition text: the in-process series, then what the database says now.
    func render(database: DatabaseSnapshot) -> String {
        let state = state.withLock { $0 }
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
        }
        func histogram(_ name: String, _ labels: String, _ histogram: Histogram, _ bounds: [Double]) {
            let prefix = labels.isEmpty ? "" : String(labels.dropFirst().dropLast()) + ","
            for (index, bound) in bounds.enumerated() {
                lines.append("\(name)_bucket{\(prefix)le=\"\(Self.number(bound))\"} \(histogram.counts[index])")
            }
            lines.append("\(name)_bucket{\(prefix)le=\"+Inf\"} \(histogram.count)")
            lines.append("\(name)_sum\(labels) \(Self.number(histogram.sum))")
            lines.append("\(name)_count\(labels) \(histogram.count)")
        }

        family("agenthub_http_requests_total", "counter", "HTTP requests answered, by method, route template and status.")
        let requests = state.requests.map { (Self.labels(["method": $0.key.method, "route": $0.key.route, "status": String($0.key.status)]), $0.value) }
        for (labels, count) in requests.sorted(by: { $0.0 < $1.0 }) { lines.append("agenthub_http_requests_total\(labels) \(count)") }
        family("agenthub_http_request_duration_seconds", "histogram", "Time to answer a request, by route template.")
        let latency = state.latency.map { (Self.labels(["route": $0.key]), $0.value) }
        for (labels, value) in latency.sorted(by: { $0.0 < $1.0 }) { histogram("agenthub_http_request_duration_seconds", labels, value, Self.latencyBuckets) }
        family("agenthub_sync_runs_total", "counter", "Sync runs this process finished, by status.")
        for (labels, count) in state.syncRuns.sorted(by: { $0.key < $1.key }) { lines.append("agenthub_sync_runs_total\(labels) \(count)") }
        family("agenthub_sync_run_duration_seconds", "histogram", "Duration of the sync runs this process finished.")
        histogram("agenthub_sync_run_duration_seconds", "", state.syncDurations, Self.syncBuckets)
        family("agenthub_assets", "gauge", "Assets in the registry that are not deleted, by kind.")
        for (kind, count) in database.assetsByKind.sorted(by: { $0.key < $1.key }) { lines.append("agenthub_assets\(Self.labels(["kind": kind])) \(count)") }
        family("agenthub_asset_versions", "gauge", "Versions stored.")
        lines.append("agenthub_asset_versions \(database.versions)")
        family("agenthub_sync_sources", "gauge", "Sync sources, by the status of their last run (never: not run yet).")
        for (status, count) in database.sourcesByLastStatus.sorted(by: { $0.key < $1.key }) { lines.append("agenthub_sync_sources\(Self.labels(["last_status": status])) \(count)") }
        family("agenthub_database_up", "gauge", "1 when the database answered this scrape.")
        lines.append("agenthub_database_up \(database.up ? 1 : 0)")
        family("agenthub_database_scrape_seconds", "gauge", "Time the database took to answer this scrape's queries.")
        lines.append("agenthub_database_scrape_seconds \(Self.number(database.seconds))")
        family("agenthub_database_pool_connections", "gauge", "Connections the database pool may open (SQLite: the one writer and its readers).")
        lines.append("agenthub_database_pool_connections\(Self.labels(["backend": database.backend])) \(database.poolSize)")
        family("agenthub_process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch.")
        lines.append("agenthub_process_start_time_seconds \(Self.number(started.timeIntervalSince1970.rounded()))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{a="x",b="y"}` with sorted names and escaped values.
    static func labels(_ values: [String: String]) -> String {
        let pairs = values.sorted { $0.key < $1.key }.map { name, value in
            "\(name)=\"\(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n"))\""
        }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// What the database says at scrape time.
    struct DatabaseSnapshot: Sendable {
        var up = false
        var seconds = 0.0
        var backend = ""
        var poolSize = 0
        var assetsByKind: [String: Int64] = [:]
        var versions: Int64 = 0
        var sourcesByLastStatus: [String: Int64] = [:]

        static func read(_ registry: RegistryDatabase, poolSize: Int) async -> DatabaseSnapshot {
            var snapshot = DatabaseSnapshot(backend: registry.dialect == .sqlite ? "sqlite" : "postgresql", poolSize: poolSize)
            let start = ContinuousClock.now
            do {
                for row in try await registry.database.query("SELECT kind, COUNT(*) AS n FROM assets WHERE status <> 'deleted' GROUP BY kind") {
                    snapshot.assetsByKind[try row.string("kind")] = try row.int("n")
                }
                for kind in ["skill", "agent", "tool"] where snapshot.assetsByKind[kind] == nil { snapshot.assetsByKind[kind] = 0 }
                snapshot.versions = try await registry.database.first("SELECT COUNT(*) AS n FROM asset_versions")?.int("n") ?? 0
                for source in try await registry.sync.health() { snapshot.sourcesByLastStatus[source.lastStatus, default: 0] += 1 }
                snapshot.up = true
            } catch {
                snapshot.up = false
            }
            let elapsed = ContinuousClock.now - start
            snapshot.seconds = elapsed.inSeconds
            return snapshot
        }
    }
}

/// Counts every answer by method, route template and status, with its latency.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        // Unmatched paths share one label, so scanners cannot blow up the series count.
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        metrics.recordRequest(method: request.method.rawValue, route: route, status: Int(response.status.code), seconds: elapsed.inSeconds)
        return response
    }
}

/// `GET /metrics`: the Prometheus text format; behind `METRICS_TOKEN` when one is set.
struct MetricsController {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("metrics") { request, _ -> Response in
            if let token = services.configuration.metricsToken {
                let given = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
                guard ServerSecrets.constantTimeEqual(given, token) else {
                    return APIJSON.errorResponse(status: .unauthorized, detail: "metrics need Authorization: Bearer <METRICS_TOKEN>", headers: [.wwwAuthenticate: "Bearer"])
                }
            }
            let snapshot = await ServerMetrics.DatabaseSnapshot.read(services.registry, poolSize: services.registry.database.poolSize)
            let text = services.metrics.render(database: snapshot)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
