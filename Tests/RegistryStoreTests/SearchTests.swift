import Foundation
import RegistryStore
import Shared
import Testing
import TestSupport

@Suite("Search")
struct SearchTests {
    static let words = ["data", "cleaner", "report", "builder", "git", "helper", "sql", "query", "image", "resize", "slack", "notify",
                        "docker", "deploy", "test", "runner", "lint", "format", "cloud", "cost", "log", "parser", "mail", "sender"]

    /// 10,000 assets with realistic names, plus planted ones that mention "pdf" in different fields.
    static func seed(_ registry: RegistryDatabase) async throws {
        let owner = try await registry.users.create(NewUser(username: "seed", email: "seed@example.com", passwordHash: nil))
        let now = Date()
        try await registry.transaction { stores in
            func add(_ name: String, _ description: String, tags: [String] = [], readme: String = "", installs: Int = 0) async throws {
                let id = try await stores.executor.first(
                    "INSERT INTO assets (kind, name, description, owner_id, status, install_count, origin, created_at, updated_at) VALUES ('skill', ?, ?, ?, 'active', ?, 'upload', ?, ?) RETURNING id",
                    .text(name), .text(description), .int(owner.id), .int(Int64(installs)), .date(now), .date(now)
                )!.int("id")
                try await stores.assets.replaceTags(assetId: id, tags: tags)
                try await stores.assets.updateSearchDocument(assetId: id, name: name, description: description, tags: tags, readme: readme)
            }
            for index in 0..<10_000 {
                let a = words[index % words.count], b = words[(index / words.count) % words.count]
                let description = "Helps \(a) teams \(b) faster with \(words[(index * 7) % words.count]) and \(words[(index * 11) % words.count]) support, number \(index)."
                try await add("\(a)-\(b)-\(index)", description, tags: [a], readme: "# \(a) \(b)\nUsage notes for \(a).", installs: index % 97)
            }
            try await add("legacy-pdf-reader", "Reads old documents", tags: ["documents"], installs: 1)
            try await add("report-maker", "Makes PDF reports from tables", installs: 500)
            try await add("doc-helper", "Helps with documents", readme: "Also handles pdf files.", installs: 900)
            try await add("pdf-tools", "Split and merge files", tags: ["pdf"], installs: 5)
            try await add("pdf", "The plain one", installs: 0)
        }
    }

    @Test("10,000 assets: ranking, hostile queries, paging, filters and sorts", arguments: TestDatabases.backends)
    func tenThousand(backend: TestBackend) async throws {
        try await TestDatabases.withMigratedDatabase(backend) { (registry: RegistryDatabase) async throws in
            try await Self.seed(registry)
            try await ranking(registry)
            try await hostileQueries(registry)
            try await paging(registry)
        }
    }

    /// Exact name first, then name matches, then description, then README.
    func ranking(_ registry: RegistryDatabase) async throws {
        do {
            let (hits, total) = try await registry.assets.search(AssetQuery(text: "pdf"), page: PageRequest(page: 1, size: 10))
            #expect(total == 5)
            let names = hits.map(\.name)
            #expect(names.first == "pdf", "exact name first: \(names)")
            #expect(Set(names.prefix(3)) == ["pdf", "pdf-tools", "legacy-pdf-reader"], "name matches before others: \(names)")
            #expect(names.firstIndex(of: "report-maker")! < names.firstIndex(of: "doc-helper")!, "description before README: \(names)")

            let phrase = try await registry.assets.search(AssetQuery(text: "PDF tools"), page: PageRequest())
            #expect(phrase.assets.first?.name == "pdf-tools")
            let prefix = try await registry.assets.search(AssetQuery(text: "clean"), page: PageRequest(page: 1, size: 5))
            #expect(prefix.total > 100, "prefix matches")
            #expect(try await registry.assets.search(AssetQuery(text: "zzzz-nothing"), page: PageRequest()).total == 0)
        }
    }

    /// Query syntax is text: operators, quotes, % and _ never break a search.
    func hostileQueries(_ registry: RegistryDatabase) async throws {
        do {
            for query in ["%", "_", "'", "\"", "pdf\" OR \"x", "NEAR(pdf tools)", "pdf*", "a AND", "-pdf", "pdf:*", "!", "(", "\\", "%_%", "name:pdf", "' OR 1=1 --"] {
                let result = try await registry.assets.search(AssetQuery(text: query), page: PageRequest())
                #expect(result.total >= 0, "\(query)")
                #expect(result.assets.count <= 20)
            }
            #expect(try await registry.assets.search(AssetQuery(text: "%"), page: PageRequest()).total == 0, "% is a character, not a wildcard")
            #expect(try await registry.assets.search(AssetQuery(text: "pdf\" OR \"data"), page: PageRequest()).total <= 5, "OR is a word")
        }
    }

    /// Paging is stable, filters apply before paging, sorts work.
    func paging(_ registry: RegistryDatabase) async throws {
        do {
            let query = AssetQuery(text: "data")
            let first = try await registry.assets.search(query, page: PageRequest(page: 1, size: 25)).assets.map(\.id)
            let second = try await registry.assets.search(query, page: PageRequest(page: 2, size: 25)).assets.map(\.id)
            let both = try await registry.assets.search(query, page: PageRequest(page: 1, size: 50)).assets.map(\.id)
            #expect(Set(first).isDisjoint(with: second))
            #expect(first + second == both)

            // The total is the same whether the page is full, the last and partly full, or past
            // the end (a page that is not full gives the total without counting again).
            let pdf = AssetQuery(text: "pdf")
            for (page, size, count) in [(1, 2, 2), (1, 5, 5), (1, 20, 5), (2, 3, 2), (3, 2, 1), (2, 5, 0), (4, 3, 0)] {
                let result = try await registry.assets.search(pdf, page: PageRequest(page: page, size: size))
                #expect(result.total == 5 && result.assets.count == count, "page \(page) of \(size): \(result.total) in all, \(result.assets.count) on the page")
            }
            let rest = try await registry.assets.search(AssetQuery(text: "pdf", kind: .tool), page: PageRequest(page: 1, size: 20))
            #expect(rest.total == 0 && rest.assets.isEmpty)

            let slack = 10_000 / Self.words.count + (10_000 % Self.words.count > Self.words.firstIndex(of: "slack")! ? 1 : 0)
            let tagged = try await registry.assets.search(AssetQuery(tag: "slack"), page: PageRequest(page: 2, size: 100))
            #expect(tagged.total == slack)
            #expect(tagged.assets.count == 100)
            #expect(tagged.assets.allSatisfy { $0.name.hasPrefix("slack-") })
            // A browse's last page, partly full, and the page past it give the same total (on
            // PostgreSQL a text search counts in its own statement; a browse takes this path).
            let last = try await registry.assets.search(AssetQuery(tag: "slack"), page: PageRequest(page: slack / 100 + 1, size: 100))
            #expect(last.total == slack && last.assets.count == slack % 100 && last.assets.count > 0)
            let past = try await registry.assets.search(AssetQuery(tag: "slack"), page: PageRequest(page: slack / 100 + 2, size: 100))
            #expect(past.total == slack && past.assets.isEmpty)

            let byInstalls = try await registry.assets.search(AssetQuery(sort: .installs), page: PageRequest(page: 1, size: 3))
            #expect(byInstalls.assets.map(\.name) == ["doc-helper", "report-maker", byInstalls.assets[2].name])
            #expect(byInstalls.assets[2].installCount == 96)
            let byName = try await registry.assets.search(AssetQuery(sort: .name), page: PageRequest(page: 1, size: 2))
            #expect(byName.assets.map(\.name) == byName.assets.map(\.name).sorted())
            #expect(try await registry.assets.search(AssetQuery(ownerUsername: "nobody"), page: PageRequest()).total == 0)
            #expect(try await registry.assets.search(AssetQuery(ownerUsername: "SEED"), page: PageRequest()).total == 10_005)
        }
    }
}
