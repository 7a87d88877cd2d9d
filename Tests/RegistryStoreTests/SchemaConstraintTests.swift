import Foundation
import RegistryStore
import Testing
import TestSupport

/// The schema itself refuses bad rows, on both backends, whatever the code above it does.
@Suite("Schema constraints")
struct SchemaConstraintTests {
    static func insertUser(_ db: any DatabaseExecutor, username: String, email: String?, role: String = "user") async throws {
        let now = Date()
        try await db.execute(
            "INSERT INTO users (username, email, role, is_active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            .text(username), email.map(SQLValue.text) ?? .null, .text(role), .bool(true), .date(now), .date(now)
        )
    }

    @Test("NOT NULL, UNIQUE (any case), CHECK and FOREIGN KEY hold", arguments: TestDatabases.backends)
    func constraints(backend: TestBackend) async throws {
        try await TestDatabases.withMigratedDatabase(backend) { registry in
            let db = registry.database
            try await Self.insertUser(db, username: "alice", email: "alice@example.com")

            await #expect(throws: DatabaseError.self, "NULL email") {
                try await Self.insertUser(db, username: "bob", email: nil)
            }
            do {
                try await Self.insertUser(db, username: "ALICE", email: "other@example.com")
                Issue.record("a username differing only in case was accepted")
            } catch DatabaseError.uniqueViolation(let constraint) {
                #expect(constraint?.contains("username") == true)
            }
            do {
                try await Self.insertUser(db, username: "carol", email: "Alice@Example.COM")
                Issue.record("an email differing only in case was accepted")
            } catch DatabaseError.uniqueViolation(let constraint) {
                #expect(constraint?.contains("email") == true)
            }
            await #expect(throws: DatabaseError.self, "unknown role") {
                try await Self.insertUser(db, username: "dave", email: "dave@example.com", role: "root")
            }
            do {
                try await db.execute(
                    "INSERT INTO api_keys (user_id, name, lookup_prefix, key_hash, is_legacy, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    .int(999_999), .text("k"), .text("sr_abcdefghi"), .text("hash"), .bool(false), .date(Date())
                )
                Issue.record("an API key of a missing user was accepted")
            } catch DatabaseError.foreignKeyViolation {
            }
            await #expect(throws: DatabaseError.self, "unknown asset kind") {
                let now = Date()
                try await db.execute(
                    "INSERT INTO assets (kind, name, owner_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    .text("plugin"), .text("x"), .int(1), .date(now), .date(now)
                )
            }
            #expect(try await registry.users.count() == 1, "nothing but the first user was written")
        }
    }

    @Test("an asset name is unique per kind, versions per asset, and deleting an asset removes its versions", arguments: TestDatabases.backends)
    func assetsAndVersions(backend: TestBackend) async throws {
        try await TestDatabases.withMigratedDatabase(backend) { registry in
            let db = registry.database
            try await Self.insertUser(db, username: "owner", email: "owner@example.com")
            let owner = try #require(try await registry.users.find(username: "owner"))
            let now = Date()
            func insertAsset(_ kind: String, _ name: String) async throws -> Int64 {
                try #require(try await db.first(
                    "INSERT INTO assets (kind, name, owner_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                    .text(kind), .text(name), .int(owner.id), .date(now), .date(now)
                )).int("id")
            }
            let skill = try await insertAsset("skill", "pdf")
            _ = try await insertAsset("tool", "pdf")
            await #expect(throws: DatabaseError.self) { _ = try await insertAsset("skill", "pdf") }

            func insertVersion(_ version: String) async throws -> Int64 {
                try #require(try await db.first(
                    """
                    INSERT INTO asset_versions (asset_id, version, version_major, version_minor, version_patch, digest, manifest,
                        source_kind, publisher_id, file_count, total_size, created_at)
                    VALUES (?, ?, 1, 0, 0, ?, ?, 'upload', ?, 1, 10, ?) RETURNING id
                    """,
                    .int(skill), .text(version), .text("sha256:00"), .text("---"), .int(owner.id), .date(now)
                )).int("id")
            }
            let version = try await insertVersion("1.0.0")
            await #expect(throws: DatabaseError.self) { _ = try await insertVersion("1.0.0") }
            try await db.execute("UPDATE assets SET latest_version_id = ? WHERE id = ?", .int(version), .int(skill))

            let hex = String(repeating: "a", count: 64)
            try await db.execute("INSERT INTO blobs (sha256, size, content, created_at) VALUES (?, ?, ?, ?)", .text(hex), .int(3), .blob([0, 255, 7]), .date(now))
            try await db.execute("INSERT INTO version_files (version_id, path, size, mode, sha256) VALUES (?, ?, ?, ?, ?)", .int(version), .text("SKILL.md"), .int(3), .int(0o644), .text(hex))
            await #expect(throws: DatabaseError.self, "a file must point at a stored blob") {
                try await db.execute("INSERT INTO version_files (version_id, path, size, mode, sha256) VALUES (?, ?, ?, ?, ?)", .int(version), .text("b.txt"), .int(3), .int(0o644), .text(String(repeating: "b", count: 64)))
            }
            let blob = try #require(try await db.first("SELECT content FROM blobs WHERE sha256 = ?", .text(hex)))
            #expect(try blob.bytes("content") == [0, 255, 7], "binary content round-trips")

            try await db.execute("DELETE FROM assets WHERE id = ?", .int(skill))
            #expect(try await db.first("SELECT COUNT(*) AS n FROM asset_versions")?.int("n") == 0)
            #expect(try await db.first("SELECT COUNT(*) AS n FROM version_files")?.int("n") == 0)
            #expect(try await db.first("SELECT COUNT(*) AS n FROM blobs")?.int("n") == 1, "blobs are shared and outlive versions")
        }
    }

    @Test("timestamps round-trip as UTC with millisecond precision", arguments: TestDatabases.backends)
    func timestamps(backend: TestBackend) async throws {
        try await TestDatabases.withMigratedDatabase(backend) { registry in
            let moment = Date(timeIntervalSince1970: 1_795_312_416.789)
            let user = try await registry.users.create(NewUser(username: "tim", email: "tim@example.com", passwordHash: nil), at: moment)
            let loaded = try #require(try await registry.users.find(id: user.id))
            #expect(abs(loaded.createdAt.timeIntervalSince1970 - moment.timeIntervalSince1970) < 0.0011)
            // Ordering by the column is chronological on both backends.
            _ = try await registry.users.create(NewUser(username: "later", email: "later@example.com", passwordHash: nil), at: moment.addingTimeInterval(0.5))
            let rows = try await registry.database.query("SELECT username FROM users ORDER BY created_at DESC", [])
            #expect(try rows.first?.string("username") == "later")
        }
    }

    @Test("a transaction that throws writes nothing", arguments: TestDatabases.backends)
    func rollback(backend: TestBackend) async throws {
        struct Boom: Error {}
        try await TestDatabases.withMigratedDatabase(backend) { (registry: RegistryDatabase) async throws in
            await #expect(throws: Boom.self) {
                try await registry.transaction { stores in
                    _ = try await stores.users.create(NewUser(username: "ghost", email: "ghost@example.com", passwordHash: nil))
                    throw Boom()
                }
            }
            #expect(try await registry.users.find(username: "ghost") == nil)
            #expect(try await registry.users.count() == 0)
        }
    }
}
