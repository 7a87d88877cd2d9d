import Foundation
import RegistryStore
import Testing
import TestSupport
import Synchronization
@testable import RegistryServer

@Suite("Start-up: configuration, secrets, admin bootstrap, migration policy")
struct StartupTests {
    @Test("a generated admin password is announced once and works; ADMIN_PASSWORD resets it", arguments: TestDatabases.backends)
    func adminBootstrap(backend: TestBackend) async throws {
        try await TestDatabases.withDatabaseURL(backend) { url in
            let data = try TemporaryDirectory()
            defer { data.remove() }
            let generated = Mutex<String?>(nil)
            try await TestApp.run(url: url, dataDirectory: data.url, environment: ["ADMIN_PASSWORD": ""]) { (app: TestApp) async throws in
                #expect(app.announcements.count == 1)
                let text = try #require(app.announcements.first)
                let password = try #require(text.split(separator: "\n").first { $0.contains("Generated password") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces))
                #expect(password.count >= 16)
                generated.withLock { $0 = password }
                #expect(try await app.request(.post, "/api/v1/auth/login", json: ["email": "admin@agenthub.local", "password": password]).status == .ok)
            }
            try await TestApp.run(url: url, dataDirectory: data.url, environment: ["ADMIN_PASSWORD": ""]) { (app: TestApp) async throws in
                #expect(app.announcements.isEmpty, "printed only once")
                let password = try #require(generated.withLock { $0 })
                #expect(try await app.request(.post, "/api/v1/auth/login", json: ["email": "admin@agenthub.local", "password": password]).status == .ok)
            }
            try await TestApp.run(url: url, dataDirectory: data.url, environment: ["ADMIN_PASSWORD": "a-brand-new-password"]) { (app: TestApp) async throws in
                #expect(try await app.request(.post, "/api/v1/auth/login", json: ["email": "admin@agenthub.local", "password": "a-brand-new-password"]).status == .ok)
                #expect(try await app.services.registry.users.count() == 1)
            }
        }
    }

    @Test("an unset SECRET_KEY is generated once into the data folder (0600) and reused")
    func generatedSecret() async throws {
        try await TestDatabases.withDatabaseURL(.sqlite) { url in
            let data = try TemporaryDirectory()
            defer { data.remove() }
            let token = Mutex<String?>(nil)
            try await TestApp.run(url: url, dataDirectory: data.url, environment: ["SECRET_KEY": ""]) { (app: TestApp) async throws in
                let user = try await app.register("persist")
                token.withLock { $0 = user.token }
            }
            let file = data.url.appendingPathComponent("secret_key")
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines).count >= 32)
            try await TestApp.run(url: url, dataDirectory: data.url, environment: ["SECRET_KEY": ""]) { (app: TestApp) async throws in
                let saved = try #require(token.withLock { $0 })
                #expect(try await app.request(.get, "/api/v1/users/me", auth: .bearer(saved)).status == .ok, "tokens survive a restart")
            }
            try await TestApp.run(url: url, dataDirectory: data.url, environment: ["SECRET_KEY": String(repeating: "n", count: 40)]) { (app: TestApp) async throws in
                let saved = try #require(token.withLock { $0 })
                #expect(try await app.request(.get, "/api/v1/users/me", auth: .bearer(saved)).status == .unauthorized, "a new secret invalidates tokens")
            }
        }
    }

    @Test("PostgreSQL with pending migrations refuses to serve and names the command, unless AUTO_MIGRATE")
    func postgresPendingMigrations() async throws {
        guard TestDatabases.backends.contains(.postgres) else { return }
        try await TestDatabases.withDatabaseURL(.postgres) { url in
            let data = try TemporaryDirectory()
            defer { data.remove() }
            let configuration = try ServerConfiguration(environment: TestApp.environment(url, dataDirectory: data.url, overrides: ["AUTO_MIGRATE": "false"]))
            do {
                _ = try await AppServices.prepare(configuration, logger: TestDatabases.logger, announce: { _ in })
                Issue.record("served with pending migrations")
            } catch let error as MigrationError {
                #expect("\(error)".contains("agenthub-server migrate up"))
                #expect("\(error)".contains("AUTO_MIGRATE"))
            }
            // Nothing was created behind the operator's back.
            try await TestDatabases.withOpened(url) { (_: RegistryDatabase, runner: MigrationRunner) async throws in
                #expect(try await runner.status().currentVersion == 0)
            }
            try await TestApp.run(url: url, dataDirectory: data.url, environment: ["AUTO_MIGRATE": "true"]) { (app: TestApp) async throws in
                #expect(try await app.request(.get, "/ready").status == .ok)
            }
        }
    }

    @Test("SQLite migrates itself on start")
    func sqliteMigratesItself() async throws {
        try await TestDatabases.withDatabaseURL(.sqlite) { url in
            let data = try TemporaryDirectory()
            defer { data.remove() }
            try await TestApp.run(url: url, dataDirectory: data.url, environment: ["AUTO_MIGRATE": "false"]) { (app: TestApp) async throws in
                #expect(try await app.services.migrations.status().isUpToDate)
            }
        }
    }

    @Test("bad settings are refused with the variable's name", arguments: [
        ["PORT": "99999"], ["PORT": "http"], ["DATABASE_URL": "mysql://x"], ["SECRET_KEY": "short"],
        ["ADMIN_API_KEY": "short"], ["ADMIN_PASSWORD": "short"], ["ADMIN_EMAIL": "nope"], ["LOG_LEVEL": "loud"],
        ["BCRYPT_COST": "3"], ["AUTO_MIGRATE": "maybe"], ["MAX_BODY_BYTES": "10"],
    ])
    func badSettings(environment: [String: String]) throws {
        let name = try #require(environment.keys.first)
        do {
            _ = try ServerConfiguration(environment: environment)
            Issue.record("\(environment) was accepted")
        } catch {
            #expect("\(error)".contains(name))
            if let secret = environment[name], name.contains("KEY") || name.contains("PASSWORD") {
                #expect(!"\(error)".contains("=\(secret)"), "the value of a secret is not echoed")
            }
        }
    }

    @Test("defaults: port 8000, ./data, SQLite in the data folder")
    func defaults() throws {
        let configuration = try ServerConfiguration(environment: [:])
        #expect(configuration.port == 8000)
        #expect(configuration.dataDirectory.path.hasSuffix("/data"))
        #expect(configuration.databaseURL == .sqlite(path: configuration.dataDirectory.appendingPathComponent("agenthub.db").path))
        #expect(configuration.jwtTTL == .seconds(86_400))
        #expect(configuration.adminAPIKey == nil)
    }

    @Test("the README's table of variables is the configuration's own")
    func readmeTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(ServerConfiguration.markdownTable()), "run `agenthub-server env-doc` and paste its table into README.md")
        for variable in ServerConfiguration.variables {
            #expect(readme.contains("`\(variable.name)`"))
        }
    }
}
