// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "AgentHub",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "agenthub-server", targets: ["RegistryServer"]),
        .executable(name: "agenthub", targets: ["RegistryCLI"]),
        .executable(name: "agenthub-bench-bare", targets: ["BenchBare"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        /// Models, names, versions and API types shared by server and CLI. No server, no DB, no C.
        .target(
            name: "Shared",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        /// Database access: SQLite and PostgreSQL behind one interface, migrations, repositories.
        .target(
            name: "RegistryStore",
            dependencies: [
                "Shared",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// libgit2 from Debian's libgit2-dev, through pkg-config.
        .systemLibrary(
            name: "CLibGit2",
            path: "Sources/CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        /// Git sync: the only module that imports CLibGit2.
        .target(
            name: "SyncWorker",
            dependencies: [
                "Shared", "RegistryStore", "CLibGit2",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// Password hashing and API-key verification (bcrypt off the cooperative pool), a library so
        /// that the benchmarks can link it.
        .target(
            name: "RegistryAuth",
            dependencies: [
                "Shared", "RegistryStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        /// `agenthub-server`: the HTTP API, auth, migrations and admin subcommands.
        .executableTarget(
            name: "RegistryServer",
            dependencies: [
                "Shared", "RegistryStore", "RegistryAuth", "SyncWorker",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Ink", package: "Ink"),
            ]
        ),
        /// `agenthub`: the command-line client. Never links a database or libgit2.
        .executableTarget(
            name: "RegistryCLI",
            dependencies: [
                "Shared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        /// bench/: a bare Hummingbird route returning fixed bytes, the framework's ceiling.
        .executableTarget(
            name: "BenchBare",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        ),
        /// Helpers shared by the test targets: throwaway databases, temp dirs, processes.
        .target(
            name: "TestSupport",
            dependencies: [
                "RegistryStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            resources: [.copy("Resources/git_http_server.py"), .copy("Resources/api_pages_server.py"), .copy("Resources/hostile_registry_server.py"), .copy("Resources/hostile_corpus.py")]
        ),
        .testTarget(name: "SharedTests", dependencies: ["Shared"]),
        .testTarget(name: "RegistryStoreTests", dependencies: ["RegistryStore", "TestSupport"]),
        .testTarget(name: "SyncWorkerTests", dependencies: ["SyncWorker", "CLibGit2", "TestSupport"]),
        .testTarget(
            name: "RegistryServerTests",
            dependencies: [
                "RegistryServer", "RegistryStore", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        .testTarget(
            name: "RegistryCLITests",
            dependencies: ["RegistryCLI", "Shared", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Micro-benchmarks (bench/micro.sh) only when asked for: a plain build, and CI's, neither fetches
// nor builds the benchmark package.
if Context.environment["AGENTHUB_BENCHMARKS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]))
    package.targets.append(
        /// Benchmarks/HotPaths: SKILL.md parsing, package digest and archive, API-key checks, search.
        .executableTarget(
            name: "HotPaths",
            dependencies: [
                "Shared", "RegistryStore", "RegistryAuth",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/HotPaths",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
}
