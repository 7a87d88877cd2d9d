/// JSON text written by hand, byte for byte as Foundation's `JSONEncoder` writes it with
/// `.withoutEscapingSlashes` (and `.sortedKeys` for ``JSONValue/jsonText``): tests compare the two.
/// `JSONEncoder` boxes every value and sorts keys with Foundation's string comparison, which made
/// a manifest's metadata a quarter of preparing a package.
public enum JSONText {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// `value` as a JSON string: `"` and `\` escaped, the control characters as `\b`, `\t`, `\n`,
    /// `\f`, `\r` or `\u00XX`, everything else as it is.
    public static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// Scans of a text's UTF-8 bytes, done on its contiguous storage: walking `String.UTF8View`
/// byte by byte was 8 % of preparing a package.
public enum TextScan {
    /// True when the text holds a NUL byte.
    public static func containsNUL(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { $0.contains(0) }
    }

    /// The number of `\n` in the text, plus one.
    public static func lineCount(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { utf8 in
            var lines = 1
            for byte in utf8 where byte == UInt8(ascii: "\n") { lines += 1 }
            return lines
        }
    }
}
