import Foundation
import Logging
import RegistryStore

/// How the server writes its log: readable lines or one JSON object per line.
public enum LogFormat: String, Sendable {
    case text, json
}

/// The server's log handler: one line per event on standard error, in either format.
///
/// - `text`: the layout of swift-log's `StreamLogHandler`, which it replaced —
///   `2026-12-07T12:58:53+0000 info agenthub: key=value other=value [Module] message`.
///   Setting metadata only stores it; the text is made when a line is written. Hummingbird gives
///   every request a logger with its own request id, and `StreamLogHandler` formatted the
///   metadata of every request, logged or not: 2–3 % of a cached route's CPU in a profile
///   (docs/benchmarks.md).
/// - `json`: `ts` (ISO-8601 UTC with milliseconds), `level`, `message`, `label`, `source` and
///   the event's metadata as string fields. Log shippers read it without parsing text.
///
/// Callers never put secrets into log metadata.
struct LineLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let write: @Sendable (String) -> Void

    init(label: String, format: LogFormat, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable (String) -> Void = LineLogHandler.standardError) {
        self.label = label
        self.format = format
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
        switch format {
        case .text: write(textLine(level, message, all, source))
        case .json: jsonLine(level, message, all, source).map(write)
        }
    }

    private func textLine(_ level: Logger.Level, _ message: Logger.Message, _ metadata: Logger.Metadata, _ source: String) -> String {
        var text = Self.timestamp()
        text += " \(level)"
        if !label.isEmpty { text += " \(label)" }
        text += ":"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        text += " [\(source)] \(message)\n"
        return text
    }

    private func jsonLine(_ level: Logger.Level, _ message: Logger.Message, _ metadata: Logger.Metadata, _ source: String) -> String? {
        var fields = metadata.mapValues { "\($0)" }
        fields["ts"] = SQLTimestamp.format(Date())
        fields["level"] = level.rawValue
        fields["message"] = message.description
        fields["label"] = label
        fields["source"] = source
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(fields) else { return nil }
        return String(decoding: data, as: UTF8.self) + "\n"
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

    @Sendable static func standardError(_ line: String) {
        // One write per line, so lines from concurrent tasks never interleave.
        FileHandle.standardError.write(Data(line.utf8))
    }
}
