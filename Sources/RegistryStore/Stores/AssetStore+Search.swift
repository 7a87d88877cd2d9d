import Foundation
import Shared

/// How a list of assets is ordered.
public enum AssetSort: String, Sendable, CaseIterable {
    case relevance
    case installs
    case recent
    case name
}

/// A search or list request: free text (treated as words, never as query syntax) and filters.
public struct AssetQuery: Sendable {
    public var text: String?
    public var kind: AssetKind?
    public var tag: String?
    public var origin: AssetOrigin?
    public var ownerUsername: String?
    public var ownerId: Int64?
    public var sort: AssetSort
    public var includeRemoved: Bool
    /// Admin views: deleted assets too.
    public var includeDeleted = false

    public init(text: String? = nil, kind: AssetKind? = nil, tag: String? = nil, origin: AssetOrigin? = nil, ownerUsername: String? = nil, ownerId: Int64? = nil, sort: AssetSort? = nil, includeRemoved: Bool = false) {
        self.text = text
        self.kind = kind
        self.tag = tag
        self.origin = origin
        self.ownerUsername = ownerUsername
        self.ownerId = ownerId
        self.sort = sort ?? ((text?.isEmpty == false) ? .relevance : .installs)
        self.includeRemoved = includeRemoved
    }

    /// The words of `text`: runs of letters and digits, lower-cased; quotes, `%`, `_`, `*` and
    /// operators are separators, so nothing a user types is query syntax.
    public var words: [String] {
        guard let text else { return [] }
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return Array(words.prefix(16).map { String($0.prefix(64)) })
    }
}

extension AssetStore {
    /// Rewrites the search document of an asset from its current name, description, tags and README.
    /// `replacing: false` for an asset that has no search row yet (one just created).
    public func updateSearchDocument(assetId: Int64, name: String, description: String, tags: [String], readme: String, replacing: Bool = true) async throws {
        let (nameText, tagText, readmeText) = Self.searchTexts(name: name, tags: tags, readme: readme)
        switch db.dialect {
        case .sqlite:
            if replacing { try await db.execute("DELETE FROM asset_search WHERE rowid = ?", .int(assetId)) }
            try await db.execute(
                "INSERT INTO asset_search (rowid, name, description, tags, readme) VALUES (?, ?, ?, ?, ?)",
                .int(assetId), .text(nameText), .text(description), .text(tagText), .text(readmeText)
            )
        case .postgres:
            try await db.execute(
                """
                UPDATE assets SET search_vector =
                    setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'B') ||
                    setweight(to_tsvector('simple', ?), 'B') || setweight(to_tsvector('simple', ?), 'D')
                WHERE id = ?
                """,
                .text(nameText), .text(description), .text(tagText), .text(readmeText), .int(assetId)
            )
        }
    }

    /// Search documents of assets that have none yet (just inserted): on SQLite one statement per
    /// 100, on PostgreSQL one update each.
    public func insertSearchDocuments(_ documents: [(assetId: Int64, name: String, description: String, tags: [String], readme: String)]) async throws {
        switch db.dialect {
        case .sqlite:
            // One statement for all (up to 1,000): FTS5 writes the terms it holds as a new segment
            // of its index at each statement of the transaction that follows, so every statement
            // made one more segment to merge later.
            try await db.insert(into: "asset_search", columns: ["rowid", "name", "description", "tags", "readme"], rows: documents.map { document in
                let (nameText, tagText, readmeText) = Self.searchTexts(name: document.name, tags: document.tags, readme: document.readme)
                return [.int(document.assetId), .text(nameText), .text(document.description), .text(tagText), .text(readmeText)]
            }, perStatement: 1_000)
        case .postgres:
            for document in documents {
                try await updateSearchDocument(assetId: document.assetId, name: document.name, description: document.description, tags: document.tags, readme: document.readme, replacing: false)
            }
        }
    }

    /// The indexed texts. Names are indexed whole and split at hyphens, so "pdf-tools" is found by
    /// "pdf" and "tools"; a README is cut at 200,000 characters (text of at most that many bytes
    /// is not walked: `prefix` counts characters one by one, 2 % of storing a package).
    private static func searchTexts(name: String, tags: [String], readme: String) -> (name: String, tags: String, readme: String) {
        (name + " " + name.replacingOccurrences(of: "-", with: " "), tags.joined(separator: " "),
         readme.utf8.count <= 200_000 ? readme : String(readme.prefix(200_000)))
    }

    /// A page of assets matching `query`: exact name first, then by the chosen order, ties by id.
    public func search(_ query: AssetQuery, page: PageRequest) async throws -> (assets: [Asset], total: Int) {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        // The page and the count join only what their conditions read (every asset has an owner):
        // counting a browse of 10,000 assets through both joins cost about 10 ms.
        var countFrom = "FROM assets a"
        var rank = "0"
        var rankBinds: [SQLValue] = []
        let words = query.words
        if !words.isEmpty {
            switch db.dialect {
            case .sqlite:
                countFrom += " JOIN asset_search s ON s.rowid = a.id"
                conditions.append("asset_search MATCH ?")
                binds.append(.text(words.map { "\"\($0)\"*" }.joined(separator: " ")))
                // bm25: lower is better; weights for name, description, tags, readme.
                rank = "bm25(asset_search, 10.0, 4.0, 6.0, 1.0)"
            case .postgres:
                let tsquery = words.map { "\($0):*" }.joined(separator: " & ")
                conditions.append("a.search_vector @@ to_tsquery('simple', ?)")
                binds.append(.text(tsquery))
                rank = "-ts_rank(a.search_vector, to_tsquery('simple', ?))"
                rankBinds = [.text(tsquery)]
            }
        } else if let text = query.text, !text.trimmingCharacters(in: .whitespaces).isEmpty {
            // Only punctuation: match it literally in names and descriptions.
            let pattern = "%" + LikePattern.escape(text.lowercased()) + "%"
            conditions.append("(lower(a.name) LIKE ? ESCAPE '\\' OR lower(a.description) LIKE ? ESCAPE '\\')")
            binds += [.text(pattern), .text(pattern)]
        }
        if !query.includeDeleted {
            conditions.append(query.includeRemoved ? "a.status <> 'deleted'" : "a.status = 'active'")
        }
        if let kind = query.kind {
            conditions.append("a.kind = ?")
            binds.append(.text(kind.rawValue))
        }
        if let tag = query.tag?.lowercased(), !tag.isEmpty {
            conditions.append("EXISTS (SELECT 1 FROM asset_tags t WHERE t.asset_id = a.id AND t.tag = ?)")
            binds.append(.text(tag))
        }
        if let origin = query.origin {
            conditions.append("a.origin = ?")
            binds.append(.text(origin.rawValue))
        }
        if let owner = query.ownerUsername, !owner.isEmpty {
            countFrom += " JOIN users u ON u.id = a.owner_id"
            conditions.append("lower(u.username) = lower(?)")
            binds.append(.text(owner))
        }
        if let ownerId = query.ownerId {
            conditions.append("a.owner_id = ?")
            binds.append(.int(ownerId))
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        // On PostgreSQL a text search counts its matches in the same statement (the matches are
        // ranked, so all of them are read anyway); a browse counts apart, so its page can come
        // from an index. SQLite cannot: FTS5's bm25 refuses to run beside a window function.
        let countInline = !words.isEmpty && db.dialect == .postgres
        let countSQL = "SELECT COUNT(*) AS n \(countFrom) \(whereClause)"

        let exact = query.text.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let ranked = query.sort == .relevance && !words.isEmpty
        // The page is chosen first, reading only what the conditions and the order need; the
        // owner and the latest version are joined for its rows alone. A hit at 100,000 assets
        // matches ~1,000, and joining each of them to its version row (kilobytes: manifest and
        // README) read megabytes of pages per search.
        var keys: [String] = []
        var pageOrder: [String] = []
        var outerOrder: [String] = []
        if !exact.isEmpty {
            keys.append("CASE WHEN a.name = ? THEN 0 ELSE 1 END AS exact_first")
            pageOrder.append("exact_first")
            outerOrder.append("p.exact_first")
        }
        if ranked {
            keys.append("\(rank) AS search_rank")
            pageOrder.append("search_rank")
            outerOrder.append("p.search_rank")
        }
        let order: String
        switch query.sort {
        case .relevance: order = "a.install_count DESC"
        case .installs: order = "a.install_count DESC"
        case .recent: order = "a.updated_at DESC"
        case .name: order = "a.name ASC"
        }
        pageOrder += [order, "a.id"]
        outerOrder += [order, "a.id"]
        if countInline { keys.append("COUNT(*) OVER () AS total_count") }
        let sql = """
            SELECT a.id, a.kind, a.name, a.description, a.owner_id, u.username AS owner_username, u.display_name AS owner_display_name,
                   a.status, a.deprecation_message, a.latest_version_id, v.version AS latest_version, a.install_count, a.origin,
                   a.sync_source_id, a.created_at, a.updated_at, a.deleted_at\(countInline ? ", p.total_count" : "")
            FROM (SELECT a.id AS page_id\(keys.map { ", " + $0 }.joined()) \(countFrom) \(whereClause)
                  ORDER BY \(pageOrder.joined(separator: ", ")) LIMIT ? OFFSET ?) p
            JOIN assets a ON a.id = p.page_id JOIN users u ON u.id = a.owner_id LEFT JOIN asset_versions v ON v.id = a.latest_version_id
            ORDER BY \(outerOrder.joined(separator: ", "))
            """
        // The exact name goes first only when there is text: without one, the order can come
        // from the (kind, status, install_count) index instead of sorting every row.
        let exactBinds: [SQLValue] = exact.isEmpty ? [] : [.text(exact)]
        let rows = try await db.query(sql, exactBinds + (ranked ? rankBinds : []) + binds + [.int(Int64(page.size)), .int(Int64(page.offset))])
        let total: Int64
        if countInline, let first = rows.first {
            total = try first.int("total_count")
        } else if countInline, page.offset == 0 {
            total = 0
        } else if rows.count < page.size, !rows.isEmpty || page.offset == 0 {
            // A page that is not full is the last one: the total is the rows before it and its
            // own, without matching everything again (a search that finds nothing or little).
            total = Int64(page.offset + rows.count)
        } else {
            // A full page, or a page past the last match.
            total = try await db.first(countSQL, binds)?.int("n") ?? 0
        }
        return (try rows.map(Asset.init(row:)), Int(total))
    }
}
