import Foundation

/// A group's metric from its leaves' values, as lm-eval 0.4.13 computes it
/// (`aggregate_subtask_metrics`, `pooled_sample_stderr`, `unweighted_mean_stderr`): the mean
/// weighted by each leaf's document count (or plain, with `weight_by_size: false`), and the
/// standard error pooled from the leaves' (or of the plain mean). Sums run in lm-eval's order.
enum LMEvalGroupAggregate {
    /// - Parameter parts: each leaf's value, standard error (`nil`: lm-eval's "N/A") and size, a
    ///   leaf twice when the group counts it twice.
    /// - Returns: the value and standard error; the interval is value ± 1.96 standard errors
    ///   (the value alone when there is none), `count` the documents behind it.
    static func combine(_ parts: [(value: Double, stderr: Double?, size: Int)], weightBySize: Bool) -> MetricEstimate {
        guard !parts.isEmpty else { return MetricEstimate(value: .nan, low: .nan, high: .nan, count: 0) }
        let sizes = parts.map { weightBySize ? $0.size : 1 }
        var weighted = 0.0
        for (part, size) in zip(parts, sizes) { weighted += part.value * Double(size) }
        let value = weighted / Double(sizes.reduce(0, +))
        let total = parts.reduce(0) { $0 + $1.size }
        var stderr: Double?
        let stderrs = parts.compactMap(\.stderr)
        if stderrs.count == parts.count {
            if weightBySize {
                var pooled = 0.0
                for part in parts {
                    let n = Double(part.size), se = part.stderr!
                    pooled += (n - 1) * se * se * n
                }
                let variance = pooled / Double(total - parts.count)
                stderr = (variance / Double(total)).squareRoot()
            } else {
                var squares = 0.0
                for se in stderrs { squares += se * se }
                stderr = squares.squareRoot() / Double(stderrs.count)
            }
        }
        if let s = stderr, !s.isFinite { stderr = nil }
        let margin = (stderr ?? 0) * 1.959963984540054
        return MetricEstimate(value: value, low: value - margin, high: value + margin, count: total, standardError: stderr)
    }
}
