import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

/// One request whose body is reported to a progress bar as it arrives.
final class StreamingDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var body = Data()
    private var response: URLResponse?
    private var continuation: CheckedContinuation<(Data, URLResponse), any Error>?
    private let progress: ProgressBar

    private init(progress: ProgressBar) { self.progress = progress }

    static func run(_ request: URLRequest, progress: ProgressBar) async throws -> (Data, URLResponse) {
        let delegate = StreamingDownload(progress: progress)
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: nil)
        defer {
            session.finishTasksAndInvalidate()
            progress.finish()
        }
        return try await withCheckedThrowingContinuation { continuation in
            delegate.lock.withLock { delegate.continuation = continuation }
            session.dataTask(with: request).resume()
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse, completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.withLock { self.response = response }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let (received, expected) = lock.withLock {
            body.append(data)
            return (Int64(body.count), response?.expectedContentLength ?? -1)
        }
        progress.update(received: received, expected: expected)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, body, response) = lock.withLock {
            defer { self.continuation = nil }
            return (self.continuation, self.body, self.response ?? task.response)
        }
        if let error {
            continuation?.resume(throwing: error)
        } else if let response {
            continuation?.resume(returning: (body, response))
        } else {
            continuation?.resume(throwing: URLError(.badServerResponse))
        }
    }
}
