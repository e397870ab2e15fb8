import Models

/// A mean with a seeded percentile-bootstrap confidence interval.
public struct MetricEstimate: Sendable, Equatable {
    public var value: Double
    public var low: Double
    public var high: Double
    public var count: Int
    /// A standard error computed the way a reference tool reports it (lm-eval's), when the task has one.
    public var standardError: Double?

    public init(value: Double, low: Double, high: Double, count: Int, standardError: Double? = nil) {
        self.value = value
        self.low = low
        self.high = high
        self.count = count
        self.standardError = standardError
    }
}

public enum Bootstrap {
    /// The mean of `values` and its 95% interval from `iterations` resamples drawn with
    /// `seed`: the same data and seed always give the same interval.
    public static func mean(_ values: [Double], iterations: Int = 1000, seed: Int, confidence: Double = 0.95) -> MetricEstimate {
        guard !values.isEmpty else { return MetricEstimate(value: .nan, low: .nan, high: .nan, count: 0) }
        let n = values.count
        let mean = values.reduce(0, +) / Double(n)
        guard iterations > 0, n > 1 else { return MetricEstimate(value: mean, low: mean, high: mean, count: n) }
        var generator = SeededGenerator(seed: seed)
        var means = [Double](repeating: 0, count: iterations)
        values.withUnsafeBufferPointer { buffer in
            for b in 0..<iterations {
                var sum = 0.0
                for _ in 0..<n { sum += buffer[generator.index(below: n)] }
                means[b] = sum / Double(n)
            }
        }
        means.sort()
        let tail = (1 - confidence) / 2
        return MetricEstimate(value: mean, low: percentile(means, tail), high: percentile(means, 1 - tail), count: n)
    }

    /// A corpus-level statistic (a perplexity over all items, an F1) and its 95% interval:
    /// `statistic` is given the indices of one resample of the `count` items each time.
    public static func statistic(count n: Int, iterations: Int = 1000, seed: Int, confidence: Double = 0.95,
                                 _ statistic: ([Int]) -> Double) -> MetricEstimate {
        guard n > 0 else { return MetricEstimate(value: .nan, low: .nan, high: .nan, count: 0) }
        let value = statistic(Array(0..<n))
        guard iterations > 0, n > 1 else { return MetricEstimate(value: value, low: value, high: value, count: n) }
        var generator = SeededGenerator(seed: seed)
        var replicates = (0..<iterations).map { _ in statistic((0..<n).map { _ in generator.index(below: n) }) }
        replicates.sort()
        let tail = (1 - confidence) / 2
        return MetricEstimate(value: value, low: percentile(replicates, tail), high: percentile(replicates, 1 - tail), count: n)
    }

    /// Linear interpolation between closest ranks (NumPy's default).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
