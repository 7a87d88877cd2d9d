import Crypto

/// SHA-256 helpers used for file digests, package digests and migration checksums.
public enum SHA256Hex {
    /// Lower-case hex SHA-256 of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        if let contiguous = bytes as? [UInt8] {
            hasher.update(data: contiguous)
        } else {
            hasher.update(data: Array(bytes))
        }
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in hasher.finalize() {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public static func hex(_ text: String) -> String {
        hex(Array(text.utf8))
    }
}
