/// The paginated envelope of every AgentHub list: `{"items","total","page","size","pages"}`.
public struct Page<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    public var total: Int
    public var page: Int
    public var size: Int
    public var pages: Int

    public init(items: [Item], total: Int, page: Int, size: Int) {
        self.items = items
        self.total = total
        self.page = page
        self.size = size
        self.pages = size > 0 ? (total + size - 1) / size : 0
    }
}

/// `page` (>= 1, default 1) and `size` (1...100, default 20) of a list request.
public struct PageRequest: Sendable, Equatable {
    public static let maxSize = 100
    public var page: Int
    public var size: Int

    public init(page: Int = 1, size: Int = 20) {
        self.page = page
        self.size = size
    }

    public var offset: Int { (page - 1) * size }
}

/// The body of every error answer: `{"detail": "..."}`.
public struct ErrorBody: Codable, Sendable {
    public var detail: String

    public init(detail: String) { self.detail = detail }
}
