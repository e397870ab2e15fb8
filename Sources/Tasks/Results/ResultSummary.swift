import Config
/// The one-screen summary printed after a run.
public enum ResultSummary {
    public static func text(_ result: EvaluationResult) -> String {
        var lines: [String] = []
        let s = result.settings
        lines.append("\(s.taskName) on \(s.modelName): \(result.status.rawValue), \(result.finishedCount)/\(result.totalItems) items in \(format(result.seconds, 1)) s")
        // One column for every name, however long (lm-eval's `exact_match,strict-match`).
        let width = nameWidth(result.metrics.map(\.0))
        for (name, m) in result.metrics {
            if !result.showsInterval(name) {
                if m.count > 0 { lines.append(metricLine(name, format(m.value, 3), width: width)) }
                continue
            }
            lines.append(metricLine(name, m.count == 0 ? "n/a" : "\(format(m.value, 3))  [\(format(m.low, 3)), \(format(m.high, 3))]  n=\(m.count)", width: width))
        }
        lines.append("  null \(result.nullCount) (\(format(result.nullRate * 100, 1))%)   skipped \(result.skippedCount)   errored \(result.errorCount)   cached \(result.cachedCount)   retries \(result.retries)")
        if let reason = result.tally.firstSkipReason, result.stopReason == nil { lines.append("  skipped: \(reason)") }
        for warning in result.warnings { lines.append("  warning: \(warning)") }
        var tokens = "  tokens \(result.usage.promptTokens) in / \(result.usage.completionTokens) out"
        if result.cachedUsage.totalTokens > 0 { tokens += " (+\(result.cachedUsage.totalTokens) from cache)" }
        if let cost = result.cost { tokens += "   cost $\(format(cost, 4))" }
        lines.append(tokens)
        // Safety checks (`+safety=...`): the flagged rate of each stage checked, with its interval.
        for name in ["prompt", "output"] {
            guard let stage = result.tally.safety.stages[name] else { continue }
            var text = "  safety \(name)s flagged \(stage.flagged) of \(stage.checked)"
            if stage.checked > 0 {
                let rate = stage.flaggedRate
                text += " (\(format(rate.value * 100, 1))%, [\(format(rate.low * 100, 1)), \(format(rate.high * 100, 1))]%)"
            }
            if stage.checks > stage.checked { text += ", \(stage.checks - stage.checked) checks failed" }
            lines.append(text)
        }
        if let reason = result.stopReason { lines.append("  stopped: \(reason)") }
        lines.append("  results: \(s.resultsPath)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The width of the metric-name column: 12, or the longest name and a space.
    static func nameWidth(_ names: [String]) -> Int {
        max(12, (names.map(\.count).max() ?? 0) + 1)
    }

    /// `name  value`, every value in the same column.
    static func metricLine(_ name: String, _ value: String, width: Int) -> String { "  " + pad(name, width) + value }

    public static func format(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        // Beyond Int's exact range (a perplexity of 1e17): Python's float form.
        guard abs(x) * scale < 9e15 else { return PythonFormat.repr(x) }
        let rounded = (abs(x) * scale).rounded()
        let whole = Int(rounded / scale)
        var fraction = String(Int(rounded.truncatingRemainder(dividingBy: scale)))
        while fraction.count < digits { fraction = "0" + fraction }
        return (x < 0 && rounded > 0 ? "-" : "") + "\(whole)" + (digits > 0 ? "." + fraction : "")
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
