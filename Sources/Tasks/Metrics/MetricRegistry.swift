/// The metrics and aggregations tasks can name, by name: one registry for mcq, qa and
/// lm-eval task files, as ``Models/ModelMap`` is for backends.
///
/// Add a metric as one file (a type conforming to ``Metric``) and one line below.
public struct MetricRegistry: Sendable {
    private var metrics: [String: any Metric] = [:]
    private var aggregations: [String: any Aggregation] = [:]

    public static let `default`: MetricRegistry = {
        var registry = MetricRegistry()
        registry.register(Accuracy(name: "acc", normalisation: .none))
        registry.register(Accuracy(name: "acc_norm", normalisation: .characters))
        registry.register(Accuracy(name: "acc_bytes", normalisation: .bytes))
        registry.register(Accuracy(name: "acc_mutual_info", normalisation: .mutualInformation))
        registry.register(ExactMatch())
        registry.register(F1())
        registry.register(Contains())
        registry.register(MatthewsCorrelation())
        registry.register(MacroF1())
        registry.register(BrierScore())
        registry.register(Perplexity(name: "perplexity", unit: .item))
        registry.register(Perplexity(name: "word_perplexity", unit: .words))
        registry.register(Perplexity(name: "byte_perplexity", unit: .bytes))
        registry.register(Perplexity(name: "bits_per_byte", unit: .bitsPerByte))

        registry.register(MeanAggregation())
        registry.register(MedianAggregation())
        registry.register(PerplexityAggregation())
        registry.register(WeightedLoglikelihoodAggregation(name: "weighted_perplexity", bitsPerByte: false))
        registry.register(WeightedLoglikelihoodAggregation(name: "bits_per_byte", bitsPerByte: true))
        registry.register(NanMeanAggregation())
        registry.register(BypassAggregation())
        registry.register(BinaryF1Aggregation())
        registry.register(MatthewsCorrelationAggregation())
        registry.register(BrierScoreAggregation())
        registry.register(MacroF1Aggregation())
        return registry
    }()

    public mutating func register(_ metric: any Metric) { metrics[metric.name] = metric }
    public mutating func register(_ aggregation: any Aggregation) { aggregations[aggregation.name] = aggregation }

    public func metric(named name: String) -> (any Metric)? { metrics[name] }
    public func aggregation(named name: String) -> (any Aggregation)? { aggregations[name] }
    public var metricNames: [String] { metrics.keys.sorted() }
    public var aggregationNames: [String] { aggregations.keys.sorted() }

    /// The values of `names` for one answer, the metrics that have none for it left out.
    public func values(_ names: [String], for answer: ScoredAnswer) throws(TaskError) -> [String: MetricValue] {
        var out: [String: MetricValue] = [:]
        for name in names {
            if let value = try metrics[name]?.value(answer) { out[name] = value }
        }
        return out
    }

    /// The run's number for a metric, its 95% percentile-bootstrap interval (of the mean, or
    /// of the corpus statistic itself) and, when `standardErrorIterations` is given, lm-eval's
    /// standard error beside it.
    public func estimate(_ values: [MetricValue], aggregation name: String, iterations: Int, seed: Int,
                         standardErrorIterations: Int? = nil) -> MetricEstimate {
        guard let aggregation = aggregations[name] ?? aggregations["mean"] else {
            return MetricEstimate(value: .nan, low: .nan, high: .nan, count: values.count)
        }
        var estimate: MetricEstimate
        if !aggregation.showsInterval {
            let value = values.isEmpty ? Double.nan : aggregation.aggregate(values) ?? .nan
            estimate = MetricEstimate(value: value, low: .nan, high: .nan, count: values.count)
        } else if aggregation is MeanAggregation {
            estimate = Bootstrap.mean(values.map(\.number), iterations: iterations, seed: seed)
        } else {
            estimate = Bootstrap.statistic(count: values.count, iterations: iterations, seed: seed) { indices in
                aggregation.aggregate(indices.map { values[$0] }) ?? .nan
            }
            if !values.isEmpty { estimate.value = aggregation.aggregate(values) ?? .nan }
        }
        if let standardErrorIterations {
            estimate.standardError = aggregation.standardError(values, iterations: standardErrorIterations)
        }
        return estimate
    }
}
