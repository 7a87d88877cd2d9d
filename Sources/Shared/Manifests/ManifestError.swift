/// A manifest that cannot be used: which file, which field, what is wrong and how to fix it.
public struct ManifestError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let field: String?
    public let message: String

    public init(file: String, field: String? = nil, _ message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { return "\(file): field '\(field)': \(message)" }
        return "\(file): \(message)"
    }
}
