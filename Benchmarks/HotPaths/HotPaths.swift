import Benchmark
import Foundation
import RegistryAuth
import RegistryStore
import Shared

/// The registry's hot paths, each measured alone (bench/micro.sh runs them): reading a SKILL.md,
/// a package's digest, its `.tar.gz` both ways, checking an API key, and searching 10,000 skills
/// on SQLite and on PostgreSQL (`BENCH_POSTGRES_URL`).
///
/// Every benchmark runs in a process of its own; what it needs is made in its setup, outside the
/// measured part.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )
    packageBenchmarks()
    apiKeyBenchmarks()
    searchBenchmarks()
}

/// One skill of the corpus (three files, ~4 KB): what every publish and install handles.
func packageBenchmarks() {
    let skill = Corpus.skill(42)
    let archiveMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident]

    Benchmark("SKILL.md parse") { benchmark, bytes in
        for _ in benchmark.scaledIterations {
            blackHole(try SkillManifest.parse(bytes))
        }
    } setup: {
        Array(skill.skillMarkdown.utf8)
    }

    // Checks the paths and limits too: the digest is only ever computed that way.
    Benchmark("Package digest (checked files)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try AssetPackage(files: skill.files, limits: .default).digest)
        }
    }

    Benchmark("Archive pack (tar.gz)", configuration: .init(metrics: archiveMetrics)) { benchmark, package in
        for _ in benchmark.scaledIterations {
            blackHole(try PackageArchive.pack(package))
        }
    } setup: {
        try AssetPackage(files: skill.files, limits: .default)
    }

    Benchmark("Archive unpack (tar.gz)", configuration: .init(metrics: archiveMetrics)) { benchmark, archive in
        for _ in benchmark.scaledIterations {
            blackHole(try PackageArchive.unpack(archive, limits: .default))
        }
    } setup: {
        try PackageArchive.pack(try AssetPackage(files: skill.files, limits: .default))
    }
}

/// A key checked against a SQLite registry: on first use (one bcrypt verification at the server's
/// default cost) and once verified (from the cache, with the one row read that catches revocations).
func apiKeyBenchmarks() {
    struct Fixture: Sendable {
        let database: BenchDatabase
        let service: APIKeyService
        let key: String
    }

    func register(_ name: String, cacheCapacity: Int, configuration: Benchmark.Configuration) {
        let fixture = SetupState<Fixture>()
        Benchmark(name, configuration: configuration) { benchmark in
            let fixture = fixture.value
            let store = fixture.database.registry.apiKeys
            for _ in benchmark.scaledIterations {
                guard let record = try await fixture.service.verify(fixture.key, in: store) else { throw BenchmarkFailure("the key was refused") }
                blackHole(record)
            }
        } setup: {
            let database = try await BenchDatabase.sqlite()
            do {
                // BCRYPT_COST's default in ServerConfiguration.
                let service = APIKeyService(hasher: PasswordHasher(cost: 12), cacheCapacity: cacheCapacity, cacheTTL: .seconds(3600))
                let user = try await database.registry.users.create(NewUser(username: "bench", email: "bench@example.com", passwordHash: nil))
                let prepared = await service.prepare()
                _ = try await database.registry.transaction { stores in
                    try await service.store(prepared, userId: user.id, name: "bench", in: stores)
                }
                // The first check fills the cache (when there is one).
                guard try await service.verify(prepared.key, in: database.registry.apiKeys) != nil else { throw BenchmarkFailure("the key was refused") }
                fixture.set(Fixture(database: database, service: service, key: prepared.key))
            } catch {
                await database.remove()
                throw error
            }
        } teardown: {
            await fixture.take()?.database.remove()
        }
    }

    // A cache of no entries makes every check the first one.
    register("API key verify: first use (bcrypt)", cacheCapacity: 0, configuration: .init(warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 25))
    register("API key verify: cached", cacheCapacity: 10, configuration: .init())
}

/// A search for a word about 1 % of 10,000 skills mention (`zephyr`) and for one none does, on
/// each database. Seeding takes seconds, so it happens in setup; each search is the API's first
/// page of 20.
func searchBenchmarks() {
    var backends: [(BenchDatabase.Backend, @Sendable () async throws -> BenchDatabase)] = [(.sqlite, { try await BenchDatabase.sqlite() })]
    if let text = ProcessInfo.processInfo.environment["BENCH_POSTGRES_URL"], !text.isEmpty {
        if let server = try? PostgresURL(text) {
            backends.append((.postgres, { try await BenchDatabase.postgres(server) }))
        } else {
            FileHandle.standardError.write(Data("PostgreSQL search benchmarks skipped: BENCH_POSTGRES_URL is not a postgres:// URL\n".utf8))
        }
    } else {
        FileHandle.standardError.write(Data("PostgreSQL search benchmarks skipped: BENCH_POSTGRES_URL is not set\n".utf8))
    }

    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(3),
        maxIterations: 2_000
    )
    for (backend, open) in backends {
        for (label, word) in [("hit (\(Corpus.hitWord))", Corpus.hitWord), ("miss", Corpus.missWord)] {
            let database = SetupState<BenchDatabase>()
            Benchmark("Search \(backend.rawValue): \(label)", configuration: configuration) { benchmark in
                let assets = database.value.registry.assets
                for _ in benchmark.scaledIterations {
                    blackHole(try await assets.search(AssetQuery(text: word), page: PageRequest()))
                }
            } setup: {
                let opened = try await open()
                do {
                    try await Corpus.seed(opened.registry, count: 10_000)
                    let total = try await opened.registry.assets.search(AssetQuery(text: word), page: PageRequest()).total
                    guard (total > 0) == (word == Corpus.hitWord) else { throw BenchmarkFailure("'\(word)' finds \(total) of the seeded skills") }
                } catch {
                    await opened.remove()
                    throw error
                }
                database.set(opened)
            } teardown: {
                await database.take()?.remove()
            }
        }
    }
}

/// A benchmark whose fixture is not what it should be: it fails instead of measuring something else.
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
