/// How the items' values of a metric make one number, and that number's standard error as
/// lm-eval reports it.
public protocol Aggregation: Sendable {
    var name: String { get }
    /// The number over `values`; `nil` when there is nothing to aggregate.
    func aggregate(_ values: [MetricValue]) -> Double?
    /// lm-eval's standard error of the number; `nil` where lm-eval reports none ("N/A").
    func standardError(_ values: [MetricValue], iterations: Int) -> Double?
    /// Whether results show a confidence interval beside the number (macro-F1 shows the number alone).
    var showsInterval: Bool { get }
    /// Whether it aggregates `(gold, prediction)` pairs, so a metric hook's two numbers are read as one.
    var readsPairs: Bool { get }
}

extension Aggregation {
    public func standardError(_ values: [MetricValue], iterations: Int) -> Double? { nil }
    public var showsInterval: Bool { true }
    public var readsPairs: Bool { false }
}

/// lm-eval's standard error for the aggregations it bootstraps (median, F1, MCC, perplexity,
/// nanmean): chunks of up to 1,000 resamples, chunk `i` seeded `Random(i)`, Python's
/// `choices` with replacement, then the sample standard deviation of the replicates.
enum LMEvalBootstrap {
    static func standardError(_ aggregation: some Aggregation, _ values: [MetricValue], iterations: Int) -> Double? {
        guard values.count > 1, iterations > 0 else { return nil }
        let chunk = min(1000, iterations)
        var replicates: [Double] = []
        replicates.reserveCapacity(iterations)
        for i in 0..<(iterations / chunk) {
            var random = PythonRandom(seed: i)
            for _ in 0..<chunk {
                replicates.append(aggregation.aggregate(random.choices(values, k: values.count)) ?? .nan)
            }
        }
        return sampleStandardDeviation(replicates)
    }

    /// Python's `sample_stddev`: sequential sums, Bessel's correction.
    static func sampleStandardDeviation(_ values: [Double]) -> Double {
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
    }
}
