import Config
import Foundation
import Models

/// The outcome of one evaluation: counts, metrics with intervals, tokens and cost, and how
/// the run ended. Its JSON form is `results.json`.
public struct EvaluationResult: Sendable {
    public enum Status: String, Sendable {
        /// Still running (what a crash leaves behind).
        case running
        case completed
        /// More items errored than `response.max_error_rate` allows.
        case failed
        /// Ctrl-C or a signal: the re-run resumes from the cache.
        case interrupted
        /// The server rejected the key, or the model is misconfigured.
        case stopped
    }

    public var status: Status
    public var stopReason: String?
    /// What to do about the stop (the cause's own hint).
    public var stopHint: String?
    /// What the numbers need read with (a high null rate, with the first unreadable answers).
    public var warnings: [String] = []
    /// What the run kept of its finished items.
    public let tally: ItemTally
    public let settings: Evaluation.Settings
    public let totalItems: Int
    public let metricNames: [String]
    public let modelDict: JSONValue
    public let started: Date
    public let finished: Date?
    public let seconds: Double
    public let metrics: [(String, MetricEstimate)]
    /// Metrics whose aggregation gives no interval (macro-F1): a bare number in results.json
    /// and on the console.
    let withoutInterval: Set<String>
    public let classification: ClassificationReport?
    /// The task's own entries (``EvaluationTask/extraResults``), computed from the same scores.
    public let extra: [(String, OrderedJSON)]

    init(status: Status, tally: ItemTally, settings: Evaluation.Settings, task: any EvaluationTask,
         modelDict: JSONValue, started: Date, finished: Date?, seconds: Double) {
        self.status = status
        var tally = tally
        tally.compact()
        self.tally = tally
        self.settings = settings
        self.totalItems = task.items.count
        self.metricNames = task.metricNames
        self.modelDict = modelDict
        self.started = started
        self.finished = finished
        self.seconds = seconds
        let scores = tally.scores
        metrics = task.metricNames.map { name in
            (name, task.estimate(name, scores: scores, iterations: settings.bootstrapIterations, seed: settings.seed))
        }
        withoutInterval = Set(task.metricNames.filter { MetricRegistry.default.aggregation(named: task.aggregation(of: $0))?.showsInterval == false })
        if let labels = task.classLabels, scores.count > 0 {
            classification = ClassificationReport(labels: labels, counts: scores.labelPairCounts)
        } else {
            classification = nil
        }
        extra = task.extraResults(scores, metrics: metrics)
    }

    public var finishedCount: Int { tally.finished }
    public var scoredCount: Int { tally.scored }
    public var skippedCount: Int { tally.skipped }
    public var errorCount: Int { tally.errored }
    public var nullCount: Int { tally.nulls }
    public var cachedCount: Int { tally.cached }
    public var retries: Int { tally.retries }
    /// Errored items over all items of the task.
    public var errorRate: Double { totalItems == 0 ? 0 : Double(errorCount) / Double(totalItems) }
    public var nullRate: Double { scoredCount == 0 ? 0 : Double(nullCount) / Double(scoredCount) }

    public var usage: TokenUsage { tally.usage }
    public var cachedUsage: TokenUsage { tally.cachedUsage }
    public var batchedUsage: TokenUsage { tally.batchedUsage }

    /// Dollars spent in this run, when the model config gives prices: answers that came through
    /// a batch API at the batch price (`pricing.batch_discount` of the list price).
    public var cost: Double? {
        guard let pricing = settings.pricing else { return nil }
        let batched = batchedUsage
        let direct = pricing.cost(promptTokens: usage.promptTokens - batched.promptTokens, completionTokens: usage.completionTokens - batched.completionTokens)
        return direct + pricing.cost(promptTokens: batched.promptTokens, completionTokens: batched.completionTokens) * pricing.batchFactor
    }
    /// Dollars the cache saved (what its answers cost when first fetched).
    public var savedByCache: Double? { settings.pricing?.cost(promptTokens: cachedUsage.promptTokens, completionTokens: cachedUsage.completionTokens) }

    /// The main metric: `scoring.metrics`' first, else the task's first.
    public var main: (String, MetricEstimate)? {
        if let name = settings.mainMetric, let found = metrics.first(where: { $0.0 == name }) { return found }
        return metrics.first
    }

    /// Whether a metric is reported with an interval, as the task's aggregation of it says.
    public func showsInterval(_ metric: String) -> Bool { !withoutInterval.contains(metric) }

    public var json: OrderedJSON {
        var metricPairs: [(String, OrderedJSON)] = metrics.compactMap { name, m in
            if !showsInterval(name) { return m.count == 0 ? nil : (name, number(m.value)) }
            var fields: [(String, OrderedJSON)] = [("value", number(m.value)), ("ci_low", number(m.low)), ("ci_high", number(m.high)), ("n", .int(m.count))]
            if let standardError = m.standardError { fields.append(("stderr", number(standardError))) }
            return (name, .object(fields))
        }
        metricPairs.append(("null_rate", number(nullRate)))
        var pairs: [(String, OrderedJSON)] = [
            ("task", .string(settings.taskName)),
            ("model", .string(settings.modelName)),
            ("status", .string(status.rawValue)),
        ]
        if let stopReason { pairs.append(("stop_reason", .string(stopReason))) }
        if let stopHint, stopReason != nil { pairs.append(("stop_hint", .string(stopHint))) }
        if !warnings.isEmpty { pairs.append(("warnings", .array(warnings.map(OrderedJSON.string)))) }
        pairs.append(("metrics", .object(metricPairs)))
        // Which metric the summaries show, so a reader of this file picks the same one.
        if let (name, _) = main { pairs.append(("main_metric", .string(name))) }
        pairs.append(("confidence_interval", .string("95% percentile bootstrap, \(settings.bootstrapIterations) resamples, seed \(settings.seed); over scored items")))
        pairs.append(("counts", .object([
            ("items", .int(totalItems)), ("finished", .int(finishedCount)), ("scored", .int(scoredCount)),
            ("null", .int(nullCount)), ("skipped", .int(skippedCount)), ("errored", .int(errorCount)),
            ("cached", .int(cachedCount)), ("retries", .int(retries)),
        ])))
        if let classification {
            pairs.append(("per_class", .object(classification.classes.map { c in
                (c.label, .object([("precision", number(c.precision)), ("recall", number(c.recall)), ("f1", number(c.f1)), ("support", .int(c.support))]))
            })))
            pairs.append(("confusion_matrix", .object([
                ("labels", .array(classification.labels.map(OrderedJSON.string))),
                ("predicted_columns", .array((classification.labels + ["null"]).map(OrderedJSON.string))),
                ("rows", .array(classification.confusion.map { .array($0.map(OrderedJSON.int)) })),
            ])))
        }
        var tokens: [(String, OrderedJSON)] = [
            ("prompt", .int(usage.promptTokens)), ("completion", .int(usage.completionTokens)),
            ("cached_prompt", .int(cachedUsage.promptTokens)), ("cached_completion", .int(cachedUsage.completionTokens)),
        ]
        let batched = batchedUsage
        if batched.promptTokens + batched.completionTokens > 0 {
            tokens.append(("batched_prompt", .int(batched.promptTokens)))
            tokens.append(("batched_completion", .int(batched.completionTokens)))
        }
        if let cost, let savedByCache {
            tokens.append(("cost_usd", number(cost)))
            tokens.append(("saved_by_cache_usd", number(savedByCache)))
        }
        pairs.append(contentsOf: extra)
        if let safety = safetySummary { pairs.append(("safety", safety)) }
        pairs.append(("tokens", .object(tokens)))
        pairs.append(("timings", .object([
            ("started", .string(Self.timestamp(started))),
            ("finished", finished.map { .string(Self.timestamp($0)) } ?? .null),
            ("seconds", number(seconds)),
            ("items_per_second", number(seconds > 0 ? Double(finishedCount) / seconds : 0)),
        ])))
        pairs.append(("model_dict", .value(modelDict)))
        pairs.append(("config_hash", .string(settings.configHash)))
        pairs.append(("overrides", .array(settings.overrides.map(OrderedJSON.string))))
        pairs.append(("versions", .object(settings.versions.map { ($0.0, .string($0.1)) })))
        return .object(pairs)
    }

    /// For each stage checked: items checked, flagged, the flagged rate with a 95% Wilson
    /// interval, checks that failed, and the flagged items by category.
    var safetySummary: OrderedJSON? {
        let safety = tally.safety
        guard !safety.isEmpty else { return nil }
        var stages: [(String, OrderedJSON)] = []
        for name in ["prompt", "output"] {
            guard let stage = safety.stages[name] else { continue }
            let rate = stage.flaggedRate
            stages.append((name, .object([
                ("checked", .int(stage.checked)), ("flagged", .int(stage.flagged)),
                ("flagged_rate", number(rate.value)),
                ("ci_low", number(rate.low)), ("ci_high", number(rate.high)), ("check_errors", .int(stage.checks - stage.checked)),
                ("categories", .object(stage.categories.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ])))
        }
        stages.append(("interval", .string("95% Wilson score interval")))
        // The checks' own tokens (not in `tokens`, which are the evaluated model's).
        let (spent, cached) = (safety.usage, safety.cachedUsage)
        var tokens: [(String, OrderedJSON)] = [("prompt", .int(spent.promptTokens)), ("completion", .int(spent.completionTokens)),
                                               ("cached_prompt", .int(cached.promptTokens)), ("cached_completion", .int(cached.completionTokens))]
        if let pricing = settings.safetyPricing {
            tokens.append(("cost_usd", number(pricing.cost(promptTokens: spent.promptTokens, completionTokens: spent.completionTokens))))
        }
        stages.append(("tokens", .object(tokens)))
        return .object(stages)
    }

    /// The 95% Wilson score interval of `k` successes in `n`.
    static func wilson(_ k: Int, _ n: Int) -> (Double, Double) {
        guard n > 0 else { return (.nan, .nan) }
        let z = 1.959963984540054, p = Double(k) / Double(n), nn = Double(n)
        let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        let half = z * ((p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot()) / (1 + z * z / nn)
        return (max(0, centre - half), min(1, centre + half))
    }

    /// Rounded to 6 decimals, as results.json writes numbers: more is noise, and it keeps the file readable.
    public static func rounded(_ x: Double) -> Double { x.isFinite ? (x * 1e6).rounded() / 1e6 : x }

    private func number(_ x: Double) -> OrderedJSON {
        x.isFinite ? .double(Self.rounded(x)) : .null
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
