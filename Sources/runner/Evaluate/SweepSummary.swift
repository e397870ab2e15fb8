import Foundation
import Report
import Tasks

/// The table across a sweep's jobs: the overrides that differ, the main metric with its
/// interval, and the counts. Written as `summary.csv` in the sweep folder and printed.
struct SweepSummary {
    let reports: [JobReport]

    /// Override keys whose values differ between jobs, in first-seen order (the report's columns too).
    var varyingKeys: [String] { SweptOverrides.keys(reports.map(\.overrides)) }

    var header: [String] {
        ["job"] + varyingKeys + ["metric", "value", "ci_low", "ci_high", "n", "items", "null", "skipped", "errored", "status", "reason", "directory"]
    }

    var rows: [[String]] {
        let keys = varyingKeys
        return reports.map { report in
            let values = Dictionary(report.overrides.map(SweptOverrides.split), uniquingKeysWith: { $1 })
            var row = [String(report.number)] + keys.map { values[$0] ?? "" }
            if let outcome = report.outcome, let name = outcome.metric {
                row += [name, number(outcome.value), number(outcome.low), number(outcome.high), String(outcome.count), String(outcome.items),
                        String(outcome.nulls), String(outcome.skipped), String(outcome.errored), outcome.status]
            } else if let outcome = report.outcome {
                row += ["", "", "", "", "", String(outcome.items), String(outcome.nulls), String(outcome.skipped), String(outcome.errored), outcome.status]
            } else {
                row += ["", "", "", "", "", "", "", "", "", "failed"]
            }
            return row + [report.outcome?.reason ?? "", report.directory]
        }
    }

    private func number(_ x: Double) -> String { x.isFinite ? ResultSummary.format(x, 4) : "" }

    func write(to path: String) {
        let lines = ([header] + rows).map { $0.map(Self.csvField).joined(separator: ",") }
        try? Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\"" : s
    }

    /// Aligned columns for the terminal (without the reason and directory columns), then the
    /// reason of every job that did not complete, one line each.
    func table() -> String {
        let all = [Array(header.dropLast(2))] + rows.map { Array($0.dropLast(2)) }
        let widths = (0..<all[0].count).map { column in all.map { $0[column].count }.max() ?? 0 }
        var text = all.map { row in
            var line = zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
        for report in reports {
            guard let reason = report.outcome?.reason, report.outcome?.status != "completed" else { continue }
            text += "job \(report.number) \(report.outcome?.status ?? "failed"): \(reason)\n"
        }
        return text
    }
}
