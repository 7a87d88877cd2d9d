import Foundation

/// A small ustar reader and writer for packages: regular files only.
///
/// Writing is deterministic (sorted paths, mtime 0, uid/gid 0, no user names), so the same package
/// always gives the same bytes. Reading refuses links, devices and anything that is not a regular
/// file or folder, checks every header's checksum, and enforces the package limits while reading.
enum TarArchive {
    static let blockSize = 512

    // MARK: - Writing

    static func write(_ files: [PackageFile]) -> [UInt8] {
        var output: [UInt8] = []
        for file in files {
            let (name, prefix) = split(file.path)
            if name == nil {
                // Too long for ustar's name + prefix: a PAX header carries the path.
                let record = paxRecord("path", file.path)
                output += header(name: "PaxHeaders/\(file.path.utf8.count)", prefix: "", mode: 0o644, size: record.count, type: UInt8(ascii: "x"))
                output += padded(record)
            }
            output += header(name: name ?? String(decoding: file.path.utf8.suffix(99), as: UTF8.self), prefix: prefix, mode: file.mode, size: file.contents.count, type: UInt8(ascii: "0"))
            output += padded(file.contents)
        }
        output += [UInt8](repeating: 0, count: blockSize * 2)
        return output
    }

    /// Splits a path into ustar's name (<= 100 bytes) and prefix (<= 155 bytes), or nil name when it does not fit.
    private static func split(_ path: String) -> (name: String?, prefix: String) {
        let bytes = Array(path.utf8)
        if bytes.count <= 100 { return (path, "") }
        for index in bytes.indices.reversed() where bytes[index] == UInt8(ascii: "/") {
            let prefix = bytes[..<index], name = bytes[(index + 1)...]
            if prefix.count <= 155, name.count <= 100, !name.isEmpty {
                return (String(decoding: name, as: UTF8.self), String(decoding: prefix, as: UTF8.self))
            }
        }
        return (nil, "")
    }

    private static func paxRecord(_ key: String, _ value: String) -> [UInt8] {
        // "<length> <key>=<value>\n", where length counts itself.
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).utf8.count + body.utf8.count != length { length += 1 }
        return Array("\(length)\(body)".utf8)
    }

    private static func header(name: String, prefix: String, mode: Int, size: Int, type: UInt8) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: blockSize)
        func put(_ text: String, at offset: Int, length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, at offset: Int, length: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits, at: offset, length: length - 1)
        }
        put(name, at: 0, length: 100)
        octal(mode, at: 100, length: 8)
        octal(0, at: 108, length: 8)
        octal(0, at: 116, length: 8)
        octal(size, at: 124, length: 12)
        octal(0, at: 136, length: 12)
        block[156] = type
        put("ustar", at: 257, length: 6)
        put("00", at: 263, length: 2)
        put(prefix, at: 345, length: 155)
        for index in 148..<156 { block[index] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int($1) }
        octal(sum, at: 148, length: 7)
        block[155] = UInt8(ascii: " ")
        return block
    }

    private static func padded(_ bytes: [UInt8]) -> [UInt8] {
        let remainder = bytes.count % blockSize
        return remainder == 0 ? bytes : bytes + [UInt8](repeating: 0, count: blockSize - remainder)
    }

    // MARK: - Reading

    static func read(_ bytes: [UInt8], limits: PackageLimits) throws(PackageError) -> [PackageFile] {
        var files: [PackageFile] = []
        var offset = 0
        var total = 0
        var longName: String?
        var headers = 0
        while true {
            guard offset + blockSize <= bytes.count else {
                if offset == bytes.count && headers > 0 { break }  // no end blocks: tolerated
                throw PackageError("the archive is truncated: a header is cut off at byte \(offset)")
            }
            let block = bytes[offset..<(offset + blockSize)]
            if block.allSatisfy({ $0 == 0 }) { break }
            headers += 1
            guard headers <= limits.maxFiles * 3 + 16 else { throw PackageError("the archive has more than \(limits.maxFiles) files") }
            try checkChecksum(block, at: offset)
            let type = block[block.startIndex + 156]
            let size = try number(block, 124, 12, at: offset)
            let dataStart = offset + blockSize
            guard size <= bytes.count - dataStart else {
                throw PackageError("the archive is truncated: an entry declares \(size) bytes but fewer follow")
            }
            let data = Array(bytes[dataStart..<(dataStart + size)])
            offset = dataStart + (size + blockSize - 1) / blockSize * blockSize
            let rawName = try name(block, at: offset)

            switch type {
            case UInt8(ascii: "x"):
                longName = try paxPath(data) ?? longName
                continue
            case UInt8(ascii: "g"):
                continue
            case UInt8(ascii: "L"):
                guard let text = String(validating: data.prefix { $0 != 0 }, as: UTF8.self) else { throw PackageError("a file name in the archive is not valid UTF-8") }
                longName = text
                continue
            case UInt8(ascii: "5"):
                longName = nil
                continue
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                break
            case UInt8(ascii: "1"):
                throw PackageError("'\(rawName)' is a hard link; packages may only contain regular files")
            case UInt8(ascii: "2"):
                throw PackageError("'\(rawName)' is a symbolic link; packages may only contain regular files (copy the target instead)")
            case UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "6"):
                throw PackageError("'\(rawName)' is a device or pipe; packages may only contain regular files")
            default:
                throw PackageError("'\(rawName)' has an unsupported tar entry type '\(Character(Unicode.Scalar(type)))'")
            }
            var path = longName ?? rawName
            longName = nil
            while path.hasPrefix("./") { path.removeFirst(2) }
            if let problem = PackagePath.problem(path) { throw PackageError(problem) }
            guard files.count < limits.maxFiles else { throw PackageError("the archive has more than \(limits.maxFiles) files") }
            guard size <= limits.maxFileBytes else { throw PackageError("file '\(path)' is \(size) bytes; at most \(limits.maxFileBytes) bytes per file are allowed") }
            total += size
            guard total <= limits.maxTotalBytes else { throw PackageError("the package is larger than \(limits.maxTotalBytes) bytes") }
            let mode = try number(block, 100, 8, at: offset)
            files.append(PackageFile(path: path, contents: data, executable: mode & 0o111 != 0))
        }
        guard !files.isEmpty else { throw PackageError("the archive contains no files") }
        return files
    }

    private static func checkChecksum(_ block: ArraySlice<UInt8>, at offset: Int) throws(PackageError) {
        let stored = try number(block, 148, 8, at: offset)
        var sum = 0
        for (index, byte) in block.enumerated() {
            sum += (148..<156).contains(index) ? Int(UInt8(ascii: " ")) : Int(byte)
        }
        guard sum == stored else { throw PackageError("not a valid tar archive (bad header checksum at byte \(offset))") }
    }

    private static func number(_ block: ArraySlice<UInt8>, _ start: Int, _ length: Int, at offset: Int) throws(PackageError) -> Int {
        let field = block[(block.startIndex + start)..<(block.startIndex + start + length)]
        if let first = field.first, first & 0x80 != 0 {
            throw PackageError("an entry declares a size too large for a package")
        }
        let digits = field.prefix { $0 != 0 && $0 != UInt8(ascii: " ") }.drop { $0 == UInt8(ascii: " ") }
        if digits.isEmpty { return 0 }
        guard digits.count <= 11, let value = Int(String(decoding: digits, as: UTF8.self), radix: 8) else {
            throw PackageError("not a valid tar archive (bad number in the header at byte \(offset))")
        }
        return value
    }

    private static func name(_ block: ArraySlice<UInt8>, at offset: Int) throws(PackageError) -> String {
        func field(_ start: Int, _ length: Int) -> ArraySlice<UInt8> {
            block[(block.startIndex + start)..<(block.startIndex + start + length)].prefix { $0 != 0 }
        }
        let name = field(0, 100)
        let isUstar = Array(field(257, 5)) == Array("ustar".utf8)
        let prefix = isUstar ? field(345, 155) : []
        let joined = prefix.isEmpty ? Array(name) : Array(prefix) + [UInt8(ascii: "/")] + Array(name)
        guard let text = String(validating: joined, as: UTF8.self) else {
            throw PackageError("a file name in the archive is not valid UTF-8")
        }
        return text
    }

    private static func paxPath(_ data: [UInt8]) throws(PackageError) -> String? {
        var index = 0
        var path: String?
        while index < data.count {
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[index..<space], as: UTF8.self)), length > 0, index + length <= data.count
            else { throw PackageError("not a valid tar archive (bad PAX header)") }
            let record = data[(space + 1)..<(index + length - 1)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[..<equals], as: UTF8.self)
                if key == "path" {
                    guard let value = String(validating: record[(equals + 1)...], as: UTF8.self) else {
                        throw PackageError("a file name in the archive is not valid UTF-8")
                    }
                    path = value
                }
            }
            index += length
        }
        return path
    }
}
