import Foundation

/// Rules for user names, e-mail addresses and passwords, shared by server and CLI.
///
/// Each check returns `nil` when the value is acceptable, otherwise a message that says what to fix.
public enum AccountValidation {
    /// bcrypt only reads the first 72 bytes of a password; longer ones are refused instead of truncated.
    public static let maxPasswordBytes = 72
    public static let minPasswordCharacters = 8
    public static let usernameLength = 3...64
    public static let maxEmailLength = 254
    public static let maxKeyNameLength = 64

    public static func usernameProblem(_ username: String) -> String? {
        guard usernameLength.contains(username.count) else {
            return "username must be \(usernameLength.lowerBound) to \(usernameLength.upperBound) characters long"
        }
        let allowed = username.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_.-".unicodeScalars.contains(scalar))
        }
        guard allowed else {
            return "username may only contain ASCII letters, digits, '.', '_' and '-'"
        }
        guard let first = username.unicodeScalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first) else {
            return "username must start with a letter or a digit"
        }
        return nil
    }

    /// A deliberately plain check: one `@`, a non-empty local part, a dotted domain, no spaces or controls.
    public static func emailProblem(_ email: String) -> String? {
        guard !email.isEmpty, email.utf8.count <= maxEmailLength else {
            return "email must be a valid address of at most \(maxEmailLength) characters"
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            return "email must look like name@example.com"
        }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else {
            return "email must look like name@example.com"
        }
        let bad = email.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || "<>()[],;:\\\"".unicodeScalars.contains($0) }
        if bad { return "email must not contain spaces, quotes or brackets" }
        return nil
    }

    public static func passwordProblem(_ password: String) -> String? {
        if password.count < minPasswordCharacters {
            return "password must be at least \(minPasswordCharacters) characters long"
        }
        if password.utf8.count > maxPasswordBytes {
            return "password must be at most \(maxPasswordBytes) bytes in UTF-8 (bcrypt ignores anything longer); choose a shorter one"
        }
        if password.utf8.contains(0) {
            return "password must not contain a NUL character"
        }
        return nil
    }

    public static func keyNameProblem(_ name: String) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "name must not be empty" }
        if trimmed.count > maxKeyNameLength { return "name must be at most \(maxKeyNameLength) characters" }
        if trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "name must not contain control characters"
        }
        return nil
    }
}
