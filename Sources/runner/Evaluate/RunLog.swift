import Foundation
import Logging
import Synchronization

/// A swift-log handler that appends to the run's `runner.log` and, with `--verbose`, echoes
/// to standard error. One line per message: time, level, message, metadata.
struct RunLogHandler: LogHandler {
    /// The open log file, shared by every copy of the handler.
    final class Sink: Sendable {
        let descriptor: Int32
        let echo: Bool
        private let lock = Mutex(())

        init(path: String, echo: Bool) {
            descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            self.echo = echo
        }

        func write(_ line: String) {
            let bytes = Array(line.utf8)
            lock.withLock { _ in
                if descriptor >= 0 { _ = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) } }
                if echo { _ = bytes.withUnsafeBytes { Foundation.write(2, $0.baseAddress, $0.count) } }
            }
        }

        deinit { if descriptor >= 0 { close(descriptor) } }
    }

    let label: String
    let sink: Sink
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = Date().formatted(.iso8601) + " " + event.level.rawValue + " " + label + ": " + event.message.description
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        if !all.isEmpty { line += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        sink.write(line + "\n")
    }

    /// A logger writing to `path`: `debug` and echoed to stderr with `--verbose`, else `info`.
    static func logger(path: String, verbose: Bool) -> Logger {
        let sink = Sink(path: path, echo: verbose)
        return Logger(label: "runner") { label in RunLogHandler(label: label, sink: sink, logLevel: verbose ? .debug : .info) }
    }
}
