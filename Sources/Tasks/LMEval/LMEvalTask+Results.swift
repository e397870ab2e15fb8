import Config
import Foundation
import Models

/// Aggregating the documents' metrics as lm-eval does, and the results it writes.
extension LMEvalTask {
    /// Our percentile-bootstrap interval of the metric (of the corpus statistic itself for
    /// perplexities and F1), with lm-eval's standard error beside it.
    public func estimate(_ metric: String, scores: ScoreColumns, iterations: Int, seed: Int) -> MetricEstimate {
        if let delegated = metricAggregation(metric)?.0, delegated.delegated {
            return delegatedEstimate(delegated, key: metric, scores: scores)
        }
        if let hook = metricAggregation(metric)?.0.aggregationHook {
            // lm-eval has no standard error for a custom aggregation ("N/A"), and neither is an interval made here.
            let value = customAggregate(hook, key: metric, scores: scores) ?? .nan
            return MetricEstimate(value: value, low: value, high: value, count: scores.count)
        }
        let aggregation = metricAggregation(metric)?.1 ?? "mean"
        let name = metric.split(separator: ",").first.map(String.init) ?? metric
        let stderrIterations = ["bleu", "chrf", "ter"].contains(name) ? min(settings.bootstrapIters, 100) : settings.bootstrapIters
        return MetricRegistry.default.estimate(scores.metricValues(metric), aggregation: aggregation, iterations: iterations, seed: seed,
                                               standardErrorIterations: stderrIterations)
    }

    func metricAggregation(_ key: String) -> (LMEvalTaskDefinition.Metric, String)? {
        let name = key.split(separator: ",").first.map(String.init) ?? key
        return definition.metrics.first { $0.name == name }.map { ($0, $0.aggregation) }
    }

    /// lm-eval's own summary, keyed as its `results.json`: `acc,none`, `acc_stderr,none`, ...
    public func extraResults(_ scores: ScoreColumns, metrics: [(String, MetricEstimate)]) -> [(String, OrderedJSON)] {
        var entries: [(String, OrderedJSON)] = [("name", .string(definition.name)), ("alias", .string(definition.alias ?? definition.name)),
                                                ("sample_len", .int(scores.count))]
        for pipeline in definition.filters {
            for metric in definition.metrics {
                let estimate = metrics.first { $0.0 == Self.key(metric.name, filter: pipeline.name) }?.1
                entries.append(("\(metric.name),\(pipeline.name)", estimate.map { Self.number($0.value) } ?? .null))
                entries.append(("\(metric.name)_stderr,\(pipeline.name)", estimate?.standardError.map(Self.number) ?? .string("N/A")))
            }
        }
        let name = definition.name
        return [("lm_eval", .object([
            ("results", .object([(name, .object(entries))])),
            ("versions", .object([(name, definition.version.map { .value($0.jsonValue) } ?? .string("Yaml"))])),
            ("n-shot", .object([(name, .int(numFewshot))])),
            ("higher_is_better", .object([(name, .object(definition.metrics.map { ($0.name, .bool($0.higherIsBetter)) }))])),
            ("n-samples", .object([(name, .object([("original", .int(originalCount)), ("effective", .int(scores.count))]))])),
            ("config", .object([
                ("limit", settings.limit.map(OrderedJSON.double) ?? .null), ("bootstrap_iters", .int(settings.bootstrapIters)),
                ("fewshot_seed", .int(settings.fewshotRandomSeed)), ("apply_chat_template", .bool(chatApplied)),
                ("fewshot_as_multiturn", .bool(multiturn)), ("system_instruction", .optional(settings.systemInstruction)),
            ])),
        ]))]
    }

    static func number(_ x: Double) -> OrderedJSON { x.isFinite ? .double(x) : .string(PythonText.float(x)) }
}
