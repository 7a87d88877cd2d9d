/// Size limits for a package; the server reads them from its configuration.
public struct PackageLimits: Sendable, Equatable {
    public var maxFiles: Int
    public var maxFileBytes: Int
    public var maxTotalBytes: Int

    public init(maxFiles: Int = 1000, maxFileBytes: Int = 5 * 1024 * 1024, maxTotalBytes: Int = 10 * 1024 * 1024) {
        self.maxFiles = maxFiles
        self.maxFileBytes = maxFileBytes
        self.maxTotalBytes = maxTotalBytes
    }

    public static let `default` = PackageLimits()
}
