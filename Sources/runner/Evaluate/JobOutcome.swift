import Diagnostics
import Foundation
import Models
import Tasks

/// What a sweep's summary shows of one job: its main metric with the interval, and the counts.
/// A local job gives it from its result; a cluster task's comes from the `results.json` it
/// wrote, which holds the same numbers (written by the same code, rounded to 6 decimals).
struct JobOutcome: Sendable, Equatable {
    var metric: String?
    var value = Double.nan
    var low = Double.nan
    var high = Double.nan
    var count = 0
    var items = 0
    var nulls = 0
    var skipped = 0
    var errored = 0
    var status: String
    /// Why the job failed or stopped, else its first warning (a high null rate).
    var reason: String?

    init(_ result: EvaluationResult) {
        status = result.status.rawValue
        reason = result.stopReason ?? result.warnings.first
        items = result.totalItems
        nulls = result.nullCount
        skipped = result.skippedCount
        errored = result.errorCount
        if let (name, estimate) = result.main {
            metric = name
            // As results.json rounds them, so a local sweep and a cluster sweep print alike.
            value = EvaluationResult.rounded(estimate.value)
            low = EvaluationResult.rounded(estimate.low)
            high = EvaluationResult.rounded(estimate.high)
            count = estimate.count
        }
    }

    /// A job that could not start: no numbers, its reason.
    init(failedToStart problem: UserError) {
        status = "failed"
        reason = FailedJobResults.reason(problem)
    }

    /// Reads `results.json`; nil when the file is missing or is not a results file.
    init?(resultsFile path: String) {
        guard let data = FileManager.default.contents(atPath: path), let json = try? JSONValue.parse(data),
              let status = json["status"]?.stringValue else { return nil }
        self.status = status
        reason = json["stop_reason"]?.stringValue ?? json["warnings"]?.arrayValue?.first?.stringValue
        let counts = json["counts"]
        items = counts?["items"]?.intValue ?? 0
        nulls = counts?["null"]?.intValue ?? 0
        skipped = counts?["skipped"]?.intValue ?? 0
        errored = counts?["errored"]?.intValue ?? 0
        guard let name = json["main_metric"]?.stringValue, let entry = json["metrics"]?[name] else { return }
        metric = name
        if let number = entry.doubleValue {
            // A metric without an interval (macro_f1) is a bare number, counted over the scored items.
            value = number
            count = counts?["scored"]?.intValue ?? 0
        } else {
            value = entry["value"]?.doubleValue ?? .nan
            low = entry["ci_low"]?.doubleValue ?? .nan
            high = entry["ci_high"]?.doubleValue ?? .nan
            count = entry["n"]?.intValue ?? 0
        }
    }

    static func == (a: JobOutcome, b: JobOutcome) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        return a.metric == b.metric && same(a.value, b.value) && same(a.low, b.low) && same(a.high, b.high)
            && a.count == b.count && a.items == b.items && a.nulls == b.nulls && a.skipped == b.skipped
            && a.errored == b.errored && a.status == b.status && a.reason == b.reason
    }
}
