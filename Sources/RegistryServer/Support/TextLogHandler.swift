import Foundation
import Logging

/// Readable log lines on standard error, in the layout of swift-log's `StreamLogHandler`:
/// `2026-12-07T12:58:53+0000 info agenthub: key=value other=value [Module] message`.
///
/// Unlike `StreamLogHandler`, setting metadata only stores it; the text is made when a line is
/// written. Hummingbird gives every request a logger with its own request id, so
/// `StreamLogHandler` formatted the metadata of every request, logged or not: 2–3 % of a cached
/// route's CPU in a profile (docs/benchmarks.md).
struct TextLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let write: @Sendable (String) -> Void

    init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        var all = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty { all.merge(provided) { $1 } }
        if let explicit, !explicit.isEmpty { all.merge(explicit) { $1 } }
        var text = Self.timestamp()
        text += " \(level)"
        if !label.isEmpty { text += " \(label)" }
        text += ":"
        for (key, value) in all.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        text += " [\(source)] \(message)\n"
        write(text)
    }

    /// Local time to the second with its offset, as `StreamLogHandler` writes it.
    static func timestamp(_ seconds: time_t = time(nil)) -> String {
        var seconds = seconds
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
