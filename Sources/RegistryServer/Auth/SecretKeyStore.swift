import Foundation

/// The server secret: `SECRET_KEY`, or one generated once and kept in `$DATA_DIR/secret_key` (0600).
enum SecretKeyStore {
    static func load(configured: String?, dataDirectory: URL) throws -> String {
        if let configured { return configured }
        let file = dataDirectory.appendingPathComponent("secret_key")
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: file.path) {
            let text = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.utf8.count >= 32 else {
                throw ConfigurationError("\(file.path) holds a secret shorter than 32 characters; delete it to have a new one generated (this logs everyone out)")
            }
            return text
        }
        try fileManager.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
        // Written to a temporary file with 0600 first, then moved: never readable by others, never half-written.
        let temporary = dataDirectory.appendingPathComponent(".secret_key.\(ProcessInfo.processInfo.processIdentifier)")
        guard fileManager.createFile(atPath: temporary.path, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot write \(temporary.path): check that DATA_DIR is writable")
        }
        do {
            try fileManager.moveItem(at: temporary, to: file)
        } catch {
            try? fileManager.removeItem(at: temporary)
            // Another process may have won the race: use its secret.
            if fileManager.fileExists(atPath: file.path) {
                return try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            throw error
        }
        return secret
    }
}
