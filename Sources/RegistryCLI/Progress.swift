import Foundation

/// A download progress bar on standard error, drawn only on a terminal and only for downloads
/// larger than `threshold` bytes (small ones finish before a bar would help).
final class ProgressBar: @unchecked Sendable {
    static let threshold: Int64 = 256 * 1024
    let label: String
    private let lock = NSLock()
    private var drawn = false
    private var lastPercent = -1

    init(label: String) { self.label = label }

    func update(received: Int64, expected: Int64) {
        lock.withLock {
            guard max(received, expected) > Self.threshold else { return }
            let percent = expected > 0 ? Int(min(100, received * 100 / expected)) : -1
            guard percent != lastPercent || percent < 0 else { return }
            lastPercent = percent
            drawn = true
            let width = 30
            let filled = percent < 0 ? 0 : percent * width / 100
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let size = expected > 0 ? "\(Self.megabytes(received)) / \(Self.megabytes(expected))" : Self.megabytes(received)
            let line = percent < 0 ? "\r\(label)  \(size)" : "\r\(label)  [\(bar)] \(String(percent).leftPadded(3))%  \(size)"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func finish() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
            drawn = false
        }
    }

    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
