import Foundation
import Logging
import Synchronization

/// A swift-log handler that appends to the run's `runner.log` and, with `--verbose`, echoes
/// to standard error. One line per message: time, level, message, metadata.
struct RunLogHandler: LogHandler {
    /// The log file, shared by every copy of the handler. Lines are kept in memory until the
    /// run folder exists (``attach(path:)``): a run that fails while being set up writes nothing.
    final class Sink: Sendable {
        private struct State {
            var descriptor: Int32 = -1
            var pending: [String] = []
        }
        let echo: Bool
        private let state = Mutex(State())

        init(echo: Bool) { self.echo = echo }

        /// Opens the log file and writes what was logged so far.
        func attach(path: String) {
            state.withLock { state in
                state.descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                for line in state.pending { Self.write(line, to: state.descriptor) }
                state.pending = []
            }
        }

        func write(_ line: String) {
            state.withLock { state in
                if state.descriptor >= 0 { Self.write(line, to: state.descriptor) } else { state.pending.append(line) }
                if echo { Self.write(line, to: 2) }
            }
        }

        private static func write(_ line: String, to descriptor: Int32) {
            guard descriptor >= 0 else { return }
            let bytes = Array(line.utf8)
            _ = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        }

        deinit { state.withLock { if $0.descriptor >= 0 { close($0.descriptor) } } }
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

    /// A logger for one job, and its sink to attach to the job's `runner.log` once the folder
    /// exists: `debug` and echoed to stderr with `--verbose`, else `info`.
    static func logger(verbose: Bool) -> (Logger, Sink) {
        let sink = Sink(echo: verbose)
        return (Logger(label: "runner") { label in RunLogHandler(label: label, sink: sink, logLevel: verbose ? .debug : .info) }, sink)
    }
}
