import Foundation
import RegistryStore
import Shared

/// The skills bench/seed.py publishes, made here without a server: per index a name like
/// `pdf-form-filler-000042`, a 20–60-word description, 1–4 tags, a ~2 KB SKILL.md and two more
/// files. About 1 % of the skills (index ending in 07) mention `zephyr`; none mentions
/// `qqqnotfound`. The same index always gives the same skill, on every run and machine.
enum Corpus {
    static let hitWord = "zephyr"
    static let missWord = "qqqnotfound"

    static let words = """
        pdf form filler report chart invoice parse summarise translate review test deploy docker \
        kubernetes terraform sql query index search cache queue email calendar slack github gitlab \
        jira confluence notion markdown html css react swift python rust golang java spreadsheet \
        excel csv json yaml toml xml image audio video transcript meeting notes budget forecast \
        security audit lint format refactor migrate backup restore monitor alert metrics logs trace
        """.split(separator: " ").map(String.init)
    static let tags = "pdf documents data devops frontend backend testing security writing analysis automation cloud"
        .split(separator: " ").map(String.init)

    struct Skill: Sendable {
        let name: String
        let description: String
        let tags: [String]
        /// The SKILL.md body: what the registry indexes as the README.
        let body: String
        let skillMarkdown: String
        let files: [PackageFile]
    }

    static func skill(_ index: Int) -> Skill {
        var random = SeededGenerator(seed: UInt64(index))
        let stemWords = Array(words.shuffled(using: &random).prefix(3))
        let stem = stemWords.joined(separator: "-")
        let name = stem + "-" + String(format: "%06d", index)
        var descriptionWords = (0..<Int.random(in: 20...60, using: &random)).map { _ in words.randomElement(using: &random)! }
        if index % 100 == 7 {
            descriptionWords.insert(hitWord, at: Int.random(in: 0...descriptionWords.count, using: &random))
        }
        let sentence = descriptionWords.joined(separator: " ")
        let description = sentence.prefix(1).uppercased() + sentence.dropFirst() + "."
        let skillTags = Array(Set(tags.shuffled(using: &random).prefix(Int.random(in: 1...4, using: &random)))).sorted()
        let body = (1...5).map { step in
            "## Step \(step)\n\n" + (0..<45).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
        }.joined(separator: "\n\n")
        let title = stemWords.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        let skillMarkdown = """
            ---
            name: \(name)
            description: "\(description)"
            version: 1.0.0
            tags: [\(skillTags.joined(separator: ", "))]
            license: MIT
            ---
            # \(title)

            \(body)

            """
        let reference = "# Reference\n\n" + (0..<80).map { _ in words.randomElement(using: &random)! }.joined(separator: " ") + "\n"
        let files = [
            PackageFile(path: SkillManifest.fileName, text: skillMarkdown),
            PackageFile(path: "scripts/run.py", text: String(repeating: "import sys\n\nprint('running', sys.argv[1:])\n", count: 4)),
            PackageFile(path: "reference.md", text: reference),
        ]
        return Skill(name: name, description: description, tags: skillTags, body: body, skillMarkdown: skillMarkdown, files: files)
    }

    /// Publishes skills `0..<count` through the store APIs, as the publish path writes them (asset,
    /// version with files, tags, search document), in one transaction.
    static func seed(_ registry: RegistryDatabase, count: Int) async throws {
        let owner = try await registry.users.create(NewUser(username: "bench", email: "bench@example.com", passwordHash: nil))
        try await registry.transaction { stores in
            for index in 0..<count {
                let skill = skill(index)
                let package = try AssetPackage(files: skill.files, limits: .default)
                let asset = try await stores.assets.create(kind: .skill, name: skill.name, description: skill.description, ownerId: owner.id)
                let version = try await stores.assets.insertVersion(assetId: asset.id, NewVersion(
                    version: SemanticVersion(major: 1, minor: 0, patch: 0), package: package, manifest: skill.skillMarkdown, metadataJSON: "{}",
                    readmeMarkdown: skill.body, readmeHTML: "", warnings: [], source: .upload, publisherId: owner.id
                ))
                try await stores.assets.setLatest(assetId: asset.id, versionId: version.id, description: skill.description)
                try await stores.assets.replaceTags(assetId: asset.id, tags: skill.tags)
                try await stores.assets.updateSearchDocument(assetId: asset.id, name: skill.name, description: skill.description, tags: skill.tags, readme: skill.body)
            }
        }
        // A live server's autovacuum gathers statistics within a minute of such a load; without
        // them the planner does not know the search index is selective and reads every row.
        if registry.dialect == .postgres {
            try await registry.database.execute("ANALYZE")
        }
    }
}

/// SplitMix64: a small seeded generator, so that every run builds the same corpus.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
