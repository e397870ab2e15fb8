import Foundation
import Synchronization
import Tasks

/// Shows how a run is going on standard error: on a terminal, one line redrawn in place
/// (at most ten times a second); otherwise a plain line every few seconds, for logs and CI.
final class ProgressDisplay: Sendable {
    private let isTerminal: Bool
    private let interval: Duration
    private let enabled: Bool
    private let last: Mutex<(ContinuousClock.Instant?, shown: Bool)>

    init(enabled: Bool, isTerminal: Bool = isatty(2) == 1) {
        self.enabled = enabled
        self.isTerminal = isTerminal
        interval = isTerminal ? .milliseconds(100) : .seconds(5)
        // In a log, the first line comes after one interval: short runs print none.
        last = Mutex((isTerminal ? nil : ContinuousClock.now, false))
    }

    func update(_ progress: EvaluationProgress) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let due = last.withLock { state -> Bool in
            let finished = progress.done == progress.total
            if let previous = state.0, now - previous < interval, !(finished && isTerminal) { return false }
            state = (now, true)
            return true
        }
        guard due else { return }
        let line = Self.line(progress)
        if isTerminal {
            Output.errorRaw("\r\u{1B}[2K" + line)
        } else {
            Output.error(line)
        }
    }

    /// Clears the live line before the summary is printed.
    func finish() {
        guard enabled, isTerminal, last.withLock({ $0.shown }) else { return }
        Output.errorRaw("\r\u{1B}[2K")
    }

    static func line(_ p: EvaluationProgress) -> String {
        var text = "[runner] \(p.done)/\(p.total) items"
        text += "  \(ResultSummary.format(p.rate, 1)) items/s"
        if let eta = p.eta, p.done < p.total { text += "  ETA \(duration(eta))" }
        text += "  cached \(p.cached)  retries \(p.retries)  skipped \(p.skipped)  errors \(p.errors)"
        return text
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", s / 60 % 60))m"
    }
}
