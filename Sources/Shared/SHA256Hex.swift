import Crypto

/// SHA-256 helpers used for file digests, package digests and migration checksums.
public enum SHA256Hex {
    /// Lower-case hex SHA-256 of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    public static func hex(_ text: String) -> String {
        hex(Array(text.utf8))
    }
}
