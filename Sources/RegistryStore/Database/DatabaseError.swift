/// Errors of the database layer, with the backend's own error kept for logs (never for clients).
public enum DatabaseError: Error, CustomStringConvertible, Sendable {
    /// A UNIQUE constraint or index failed; `constraint` names it when the backend says.
    case uniqueViolation(constraint: String?)
    /// A FOREIGN KEY constraint failed.
    case foreignKeyViolation
    /// A NOT NULL or CHECK constraint failed.
    case constraintViolation(String)
    /// Text the database cannot store or compare (PostgreSQL refuses NUL and unconvertible
    /// characters): the client's input, so the server answers 400.
    case unstorableText(String)
    /// The database could not be reached or opened.
    case unavailable(String)
    /// The URL in `DATABASE_URL` is not one we understand.
    case invalidURL(String)
    /// A column did not hold the type the code expected.
    case decoding(column: String, expected: String, found: SQLValue)
    /// Anything else the backend reported.
    case backend(String)

    public var description: String {
        switch self {
        case .uniqueViolation(let constraint): "unique constraint violated\(constraint.map { ": \($0)" } ?? "")"
        case .foreignKeyViolation: "foreign key constraint violated"
        case .constraintViolation(let message): "constraint violated: \(message)"
        case .unstorableText(let message): "text cannot be stored: \(message)"
        case .unavailable(let message): "database unavailable: \(message)"
        case .invalidURL(let message): message
        case .decoding(let column, let expected, let found): "column \(column): expected \(expected), found \(found)"
        case .backend(let message): message
        }
    }
}
