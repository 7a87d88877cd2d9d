import Foundation
import Logging
import ServiceLifecycle
import SyncWorker

/// Syncs due sources every `SYNC_INTERVAL` inside the server (`SYNC_ENABLED=true`). Leases in the
/// database let several servers share one PostgreSQL: each due source is synced by one of them.
struct SyncScheduler: Service {
    let sync: SyncService
    let period: Duration
    let logger: Logger

    func run() async throws {
        logger.info("sync scheduler started", metadata: ["every": "\(period)"])
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await sync.recoverInterrupted()
                for run in try await sync.runDue() {
                    logger.info("scheduled sync", metadata: ["source": "\(run.sourceId)", "run": "\(run.id)", "status": "\(run.status)"])
                }
            } catch {
                logger.error("scheduled sync failed", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: period)
            } catch {
                break
            }
        }
    }
}
