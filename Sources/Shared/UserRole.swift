/// The two roles a user can have. Any other string is rejected.
public enum UserRole: String, Codable, Sendable, CaseIterable {
    case user
    case admin
}
