import Foundation
import Shared

/// Sync sources, their runs and the runs' diagnostics.
public struct SyncStore: Sendable {
    let db: any DatabaseExecutor

    public init(_ db: any DatabaseExecutor) { self.db = db }

    public enum Failure: Error, Equatable, Sendable {
        case nameTaken
    }

    // MARK: - Sources

    public func createSource(_ fields: SyncSourceFields, ownerId: Int64?, at now: Date = Date()) async throws -> SyncSource {
        do {
            let row = try await db.first(
                """
                INSERT INTO sync_sources (name, kind, url, api_url, branch, sub_path, credential_kind, credentials_ciphertext, interval_seconds, enabled, owner_id, next_run_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING \(SyncSource.columns)
                """,
                .text(fields.name), .text(fields.kind), .text(fields.url), .optional(fields.apiURL), .optional(fields.branch), .optional(fields.subPath), .text(fields.credentialKind),
                fields.credentialsCiphertext.map(SQLValue.blob) ?? .null, .int(Int64(fields.intervalSeconds)), .bool(fields.enabled), .optional(ownerId), .date(now), .date(now), .date(now)
            )
            guard let row else { throw DatabaseError.backend("INSERT INTO sync_sources returned no row") }
            return try SyncSource(row: row)
        } catch DatabaseError.uniqueViolation {
            throw Failure.nameTaken
        }
    }

    public func updateSource(id: Int64, _ fields: SyncSourceFields, at now: Date = Date()) async throws -> SyncSource? {
        do {
            return try await db.first(
                """
                UPDATE sync_sources SET name = ?, kind = ?, url = ?, api_url = ?, branch = ?, sub_path = ?, credential_kind = ?, credentials_ciphertext = ?, interval_seconds = ?, enabled = ?, updated_at = ?
                WHERE id = ? RETURNING \(SyncSource.columns)
                """,
                .text(fields.name), .text(fields.kind), .text(fields.url), .optional(fields.apiURL), .optional(fields.branch), .optional(fields.subPath), .text(fields.credentialKind),
                fields.credentialsCiphertext.map(SQLValue.blob) ?? .null, .int(Int64(fields.intervalSeconds)), .bool(fields.enabled), .date(now), .int(id)
            ).map(SyncSource.init(row:))
        } catch DatabaseError.uniqueViolation {
            throw Failure.nameTaken
        }
    }

    public func source(id: Int64) async throws -> SyncSource? {
        try await db.first("SELECT \(SyncSource.columns) FROM sync_sources WHERE id = ?", .int(id)).map(SyncSource.init(row:))
    }

    public func source(url: String) async throws -> SyncSource? {
        try await db.first("SELECT \(SyncSource.columns) FROM sync_sources WHERE url = ? ORDER BY id LIMIT 1", .text(url)).map(SyncSource.init(row:))
    }

    public func sources() async throws -> [SyncSource] {
        try await db.query("SELECT \(SyncSource.columns) FROM sync_sources ORDER BY id", []).map(SyncSource.init(row:))
    }

    /// Enabled sources whose next run is due and that no worker holds.
    public func dueSources(now: Date = Date()) async throws -> [SyncSource] {
        try await db.query(
            """
            SELECT \(SyncSource.columns) FROM sync_sources
            WHERE enabled = ? AND (next_run_at IS NULL OR next_run_at <= ?) AND (lease_owner IS NULL OR lease_expires_at < ?)
            ORDER BY next_run_at, id
            """,
            .bool(true), .date(now), .date(now)
        ).map(SyncSource.init(row:))
    }

    public func deleteSource(id: Int64) async throws -> Bool {
        try await !db.query("DELETE FROM sync_sources WHERE id = ? RETURNING id", .int(id)).isEmpty
    }

    /// Takes the source's lease for `owner` until `until`, unless another worker holds an unexpired one.
    public func acquireLease(sourceId: Int64, owner: String, until: Date, now: Date = Date()) async throws -> Bool {
        try await !db.query(
            "UPDATE sync_sources SET lease_owner = ?, lease_expires_at = ? WHERE id = ? AND (lease_owner IS NULL OR lease_expires_at < ? OR lease_owner = ?) RETURNING id",
            .text(owner), .date(until), .int(sourceId), .date(now), .text(owner)
        ).isEmpty
    }

    public func releaseLease(sourceId: Int64, owner: String, nextRunAt: Date?) async throws {
        try await db.execute(
            "UPDATE sync_sources SET lease_owner = NULL, lease_expires_at = NULL, next_run_at = COALESCE(?, next_run_at) WHERE id = ? AND lease_owner = ?",
            .optional(nextRunAt), .int(sourceId), .text(owner)
        )
    }

    /// Leases held by workers that are gone (`isGone(owner)`) or that expired are released, and
    /// runs still "running" on a source nobody holds are recorded as interrupted, so that the
    /// source is synced again when it is due. Returns the runs marked.
    public func recoverInterrupted(isGone: (String) -> Bool, now: Date = Date()) async throws -> Int {
        for row in try await db.query("SELECT id, lease_owner, lease_expires_at FROM sync_sources WHERE lease_owner IS NOT NULL", []) {
            let owner = try row.string("lease_owner")
            let expired = row.optionalDate("lease_expires_at").map { $0 < now } ?? true
            if expired || isGone(owner) {
                try await db.execute("UPDATE sync_sources SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?", .int(try row.int("id")), .text(owner))
            }
        }
        return try await db.query(
            """
            UPDATE sync_runs SET status = 'failed', finished_at = ?,
                error = 'interrupted: the worker stopped during the run (a restart or a crash); the source is synced again when due'
            WHERE status = 'running' AND started_at < ? AND source_id IN (SELECT id FROM sync_sources WHERE lease_owner IS NULL)
            RETURNING id
            """,
            .date(now), .date(now.addingTimeInterval(-2))
        ).count
    }

    // MARK: - Runs

    public func startRun(sourceId: Int64, trigger: String, at now: Date = Date()) async throws -> SyncRun {
        let row = try await db.first(
            "INSERT INTO sync_runs (source_id, trigger_kind, status, started_at) VALUES (?, ?, 'running', ?) RETURNING \(SyncRun.columns)",
            .int(sourceId), .text(trigger), .date(now)
        )
        guard let row else { throw DatabaseError.backend("INSERT INTO sync_runs returned no row") }
        return try SyncRun(row: row)
    }

    public func finishRun(_ run: SyncRun, at now: Date = Date()) async throws {
        try await db.execute(
            """
            UPDATE sync_runs SET status = ?, finished_at = ?, commit_hash = ?, created_count = ?, updated_count = ?, unchanged_count = ?,
                removed_count = ?, failed_count = ?, error = ? WHERE id = ?
            """,
            .text(run.status), .date(now), .optional(run.commit), .int(Int64(run.created)), .int(Int64(run.updated)), .int(Int64(run.unchanged)),
            .int(Int64(run.removed)), .int(Int64(run.failed)), .optional(run.error), .int(run.id)
        )
    }

    public func run(id: Int64) async throws -> SyncRun? {
        try await db.first("SELECT \(SyncRun.columns) FROM sync_runs WHERE id = ?", .int(id)).map(SyncRun.init(row:))
    }

    public func runs(sourceId: Int64, limit: Int = 50) async throws -> [SyncRun] {
        try await db.query("SELECT \(SyncRun.columns) FROM sync_runs WHERE source_id = ? ORDER BY id DESC LIMIT ?", .int(sourceId), .int(Int64(limit))).map(SyncRun.init(row:))
    }

    /// Every source with the outcome of its newest run ("never" when it has none), by name: what
    /// the admin dashboard and `/metrics` report as sync health.
    public func health() async throws -> [SourceHealth] {
        let sql = """
            SELECT s.id, s.name, s.enabled, r.status, r.error, r.finished_at FROM sync_sources s
            LEFT JOIN sync_runs r ON r.id = (SELECT MAX(id) FROM sync_runs WHERE source_id = s.id) ORDER BY s.name
            """
        return try await db.query(sql, []).map { row in
            SourceHealth(id: try row.int("id"), name: try row.string("name"), enabled: try row.bool("enabled"),
                         lastStatus: row.optionalString("status") ?? "never", lastError: row.optionalString("error"), lastFinishedAt: row.optionalDate("finished_at"))
        }
    }

    /// The newest run of the source that finished with status `succeeded`, if any.
    public func lastSucceededRun(sourceId: Int64) async throws -> SyncRun? {
        try await db.first("SELECT \(SyncRun.columns) FROM sync_runs WHERE source_id = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1", .int(sourceId)).map(SyncRun.init(row:))
    }

    /// The commit of the last run that succeeded, if any.
    public func lastSyncedCommit(sourceId: Int64) async throws -> String? {
        try await db.first(
            "SELECT commit_hash FROM sync_runs WHERE source_id = ? AND status IN ('succeeded', 'partial') AND commit_hash IS NOT NULL ORDER BY id DESC LIMIT 1",
            .int(sourceId)
        )?.optionalString("commit_hash")
    }

    // MARK: - Diagnostics

    public func addDiagnostic(runId: Int64, assetId: Int64? = nil, kind: AssetKind? = nil, name: String? = nil, path: String, severity: String, message: String, at now: Date = Date()) async throws {
        try await addDiagnostics(runId: runId, [NewSyncDiagnostic(assetId: assetId, kind: kind, name: name, path: path, severity: severity, message: message, at: now)])
    }

    /// Records several diagnostics of a run, up to 100 per statement (a first sync of 500 skills
    /// wrote one row, and committed once, per skill).
    public func addDiagnostics(runId: Int64, _ diagnostics: [NewSyncDiagnostic]) async throws {
        try await db.insert(into: "sync_diagnostics", columns: ["run_id", "asset_id", "asset_kind", "asset_name", "path", "severity", "message", "created_at"], rows: diagnostics.map { item in
            [.int(runId), .optional(item.assetId), .optional(item.kind?.rawValue), .optional(item.name), .text(item.path), .text(item.severity),
             .text(String(item.message.prefix(4000))), .date(item.createdAt)]
        })
    }

    public func diagnostics(runId: Int64) async throws -> [SyncDiagnostic] {
        try await db.query(
            "SELECT id, run_id, asset_id, asset_kind, asset_name, path, severity, message, created_at FROM sync_diagnostics WHERE run_id = ? ORDER BY id",
            .int(runId)
        ).map(SyncDiagnostic.init(row:))
    }

    /// The newest diagnostics about one asset (matched by id, or by kind and name for ones that
    /// never became an asset), newest first.
    public func diagnostics(assetId: Int64, kind: AssetKind, name: String, limit: Int = 100) async throws -> [SyncDiagnostic] {
        try await db.query(
            """
            SELECT id, run_id, asset_id, asset_kind, asset_name, path, severity, message, created_at FROM sync_diagnostics
            WHERE asset_id = ? OR (asset_id IS NULL AND asset_kind = ? AND asset_name = ?) ORDER BY id DESC LIMIT ?
            """,
            .int(assetId), .text(kind.rawValue), .text(name), .int(Int64(limit))
        ).map(SyncDiagnostic.init(row:))
    }

    /// Active assets this source brought in, for marking the ones gone upstream.
    public func syncedAssets(sourceId: Int64) async throws -> [(id: Int64, kind: AssetKind, name: String)] {
        try await db.query("SELECT id, kind, name FROM assets WHERE sync_source_id = ? AND status = 'active'", .int(sourceId)).compactMap { row in
            guard let kind = AssetKind(rawValue: try row.string("kind")) else { return nil }
            return (try row.int("id"), kind, try row.string("name"))
        }
    }
}
