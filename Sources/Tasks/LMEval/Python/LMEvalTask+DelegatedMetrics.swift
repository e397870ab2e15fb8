import Foundation
import Models
import Synchronization

/// The documents' `(gold, result)` of each delegated metric (``LMEvalTaskDefinition/Metric/delegated``),
/// kept while the documents are scored: lm-eval's metric functions and aggregations (bleu's
/// corpus score) need the texts, which the score columns do not hold.
final class LMEvalDelegatedItems: Sendable {
    private let items = Mutex<[String: [Int: (TemplateValue, TemplateValue)]]>([:])

    func record(_ key: String, docID: Int, gold: TemplateValue, result: TemplateValue) {
        items.withLock { $0[key, default: [:]][docID] = (gold, result) }
    }

    /// The pairs of `key` in document order.
    func pairs(_ key: String) -> [(TemplateValue, TemplateValue)] {
        items.withLock { ($0[key] ?? [:]).sorted { $0.key < $1.key }.map(\.value) }
    }
}

extension LMEvalTaskHooks {
    /// Checks, before any data is read, that the worker's Python has lm-eval and each delegated
    /// metric (an `hf_evaluate` one from `evaluate`'s local cache).
    func checkDelegatedMetrics(_ definition: LMEvalTaskDefinition) throws(TaskError) {
        let delegated = definition.metrics.filter(\.delegated)
        guard let first = delegated.first else { return }
        let hook = LMEvalTask.delegationHook(first, definition)
        do {
            _ = try worker.request("lm_metric_check", hook: hook, [("metrics", .array(delegated.map { .array([.string($0.name), .bool($0.hfEvaluate)]) }))],
                                   context: .init(key: "metric_list.metric", taskFile: taskFile, documents: nil))
        } catch {
            throw LMEvalTask.delegationError(delegated.map(\.name), error, worker: worker)
        }
    }
}

extension LMEvalTask {
    /// The worker request's stand-in hook: delegated metrics are lm-eval's, not a task file's function.
    static func delegationHook(_ metric: LMEvalTaskDefinition.Metric, _ definition: LMEvalTaskDefinition) -> LMEvalHook {
        LMEvalHook(function: "lm_eval.api.registry.get_metric", yamlFile: definition.source, place: "\(definition.source) (metric_list.metric '\(metric.name)')")
    }

    static func delegationError(_ names: [String], _ error: TaskError, worker: LMEvalPythonWorker) -> TaskError {
        let list = names.map { "'\($0)'" }.joined(separator: ", ")
        if !worker.has("lm_eval") {
            return TaskError("metric \(list) is computed by lm-eval's own implementation, and lm_eval is not importable in the task's Python",
                             at: error.place, hint: "install lm-eval (pip install lm-eval) in that Python, or set task.python=... to a Python that has it (\(error.message))")
        }
        return TaskError("metric \(list) (lm-eval's own implementation): \(error.message)", at: error.place, hint: error.hint)
    }

    /// lm-eval's score of a delegated metric over every document: its metric function per
    /// document, its aggregation, and its standard error, in one worker message.
    func delegatedEstimate(_ metric: LMEvalTaskDefinition.Metric, key: String, scores: ScoreColumns) -> MetricEstimate {
        let pairs = delegatedItems.pairs(key)
        let failed = MetricEstimate(value: .nan, low: .nan, high: .nan, count: scores.count)
        guard pairs.count == scores.count else {
            FileHandle.standardError.write(Data("error: \(definition.source): metric '\(key)' is lm-eval's own and needs each document's answer from this run (\(pairs.count) of \(scores.count) scored here)\n".utf8))
            return failed
        }
        var fields: [(String, TemplateValue)] = [
            ("metric", .string(metric.name)), ("hf_evaluate", .bool(metric.hfEvaluate)), ("kwargs", .object(metric.options)),
            ("items", .array(pairs.map { .array([$0.0, $0.1]) })), ("multiple_target", .bool(multipleTarget)),
            ("bypass", .bool(definition.metrics.contains { $0.name == "bypass" })), ("bootstrap_iters", .int(settings.bootstrapIters)),
        ]
        if let given = metric.aggregationGiven { fields.append(("aggregation", .string(given))) }
        do {
            let reply = try python.request("lm_metric", hook: Self.delegationHook(metric, definition), fields,
                                           context: .init(key: "metric_list.metric", taskFile: definition.source, documents: nil))
            let value = reply["value"].number ?? .nan
            var estimate = MetricEstimate(value: value, low: value, high: value, count: scores.count)
            estimate.standardError = reply["stderr"].number
            return estimate
        } catch {
            let shown = Self.delegationError([metric.name], error, worker: python)
            FileHandle.standardError.write(Data("error: \(shown.place.map { "\($0): " } ?? "")\(shown.message)\n".utf8))
            return failed
        }
    }
}
