import Foundation
import Models

/// Where ``LMEvalTask`` calls the task's Python hooks: the data (`custom_dataset`,
/// `process_docs`) and the scores (`process_results`, metric functions, aggregations).
extension LMEvalTask {
    /// The task's data: `custom_dataset(**metadata, **dataset_kwargs)` when it has one, else the files.
    static func dataset(_ definition: LMEvalTaskDefinition, hooks: LMEvalTaskHooks, resolve: (String) -> String) throws(TaskError) -> LMEvalDataset {
        guard let hook = definition.customDataset else { return try LMEvalDataset.load(definition, resolve: resolve) }
        var kwargs = definition.metadata
        for (key, value) in definition.datasetKwargs {
            if let i = kwargs.firstIndex(where: { $0.0 == key }) { kwargs[i].1 = value } else { kwargs.append((key, value)) }
        }
        var dataset = LMEvalDataset(splits: [:], columns: [:])
        for (name, docs, columns) in try hooks.customDataset(hook, kwargs: kwargs) {
            dataset.splits[name] = docs
            dataset.columns[name] = columns
        }
        return dataset
    }

    /// Replaces a split by what `process_docs` makes of it; the documents' file places stay
    /// only while the hook keeps one document per row.
    static func processDocs(_ hook: LMEvalHook, split: String, in dataset: inout LMEvalDataset, hooks: LMEvalTaskHooks, key: String) throws(TaskError) {
        guard let docs = dataset.splits[split] else { return }
        let (processed, columns) = try hooks.processDocs(hook, docs, columns: dataset.columns[split] ?? [], features: dataset.features, key: key)
        if processed.count != docs.count { dataset.origins[split] = nil }
        dataset.splits[split] = processed
        dataset.columns[split] = columns
    }

    var hooks: LMEvalTaskHooks { LMEvalTaskHooks(worker: python, taskFile: definition.source) }

    /// `process_results(doc, results)`: `results` as lm-eval passes them, one filtered
    /// response per request (`(loglikelihood, is_greedy)` tuples for loglikelihood types).
    func processResults(_ hook: LMEvalHook, _ plan: DocumentPlan, filtered: [TemplateValue]) throws(TaskError) -> [String: MetricValue] {
        let reply = try hooks.map(hook, [[plan.doc, .array(filtered)]], ids: [plan.docID], key: "process_results",
                                  tuples: definition.outputType != .generateUntil)
        guard case .object(let pairs)? = reply.first else {
            throw TaskError("process_results (!function \(hook.function)) must return a dict of metric values", at: "\(definition.source) (doc \(plan.docID))")
        }
        var out: [String: MetricValue] = [:]
        for (name, value) in pairs {
            out[name] = try Self.metricValue(value, name: name, pairs: readsPairs(name), hook: hook, place: "\(definition.source) (doc \(plan.docID))")
        }
        return out
    }

    /// Whether the metric's aggregation reads `(gold, prediction)` pairs (f1, matthews_corrcoef).
    func readsPairs(_ name: String) -> Bool {
        let aggregation = definition.metrics.first { $0.name == name }?.aggregation ?? MetricRegistry.default.metric(named: name)?.aggregation
        return aggregation.flatMap(MetricRegistry.default.aggregation(named:))?.readsPairs ?? false
    }

    /// A per-document metric value: a number, or a list of numbers kept for the aggregation
    /// (a custom aggregation gets the list back; pair aggregations read `(gold, prediction)`).
    static func metricValue(_ value: TemplateValue, name: String, pairs: Bool, hook: LMEvalHook, place: String) throws(TaskError) -> MetricValue {
        switch value {
        case .bool(let b): return .scalar(b ? 1 : 0)
        case .int(let i): return .scalar(Double(i))
        case .double(let d): return .scalar(d)
        case .array(let items) where items.count == 2 && items.allSatisfy({ $0.number != nil }):
            if pairs, case .int(let g) = items[0], case .int(let p) = items[1] { return .pair(g, p) }
            return .weighted(items[0].number!, items[1].number!)
        default:
            throw TaskError("\(hook.function) gave \(LMEvalDocuments.kind(value)) for metric '\(name)'; this runner aggregates numbers and (number, number) pairs",
                            at: place, hint: "metrics whose items are texts (bleu's (reference, prediction)) are not supported yet")
        }
    }

    /// `metric: !function f` on a generate_until task: `f(references=[gold], predictions=[result], **options)`,
    /// the value itself or its entry named like the metric when it returns a dict.
    func metricFunction(_ metric: LMEvalTaskDefinition.Metric, hook: LMEvalHook, gold: TemplateValue, result: TemplateValue, docID: Int) throws(TaskError) -> MetricValue {
        let value = try hooks.call(hook, kwargs: [("references", .array([gold])), ("predictions", .array([result]))] + metric.options,
                                   key: "metric_list.metric", id: docID)
        let place = "\(definition.source) (doc \(docID))"
        if case .object(let pairs) = value {
            guard let entry = pairs.first(where: { $0.0 == metric.name })?.1 else {
                throw TaskError("\(hook.function) returned a dict without '\(metric.name)'", at: place)
            }
            return try Self.metricValue(entry, name: metric.name, pairs: readsPairs(metric.name), hook: hook, place: place)
        }
        return try Self.metricValue(value, name: metric.name, pairs: readsPairs(metric.name), hook: hook, place: place)
    }

    /// `aggregation: !function f`: `f(items)` over every document's value (a number, or its
    /// list); `nil` with the reason printed when the hook fails (results are still written).
    func customAggregate(_ hook: LMEvalHook, key: String, scores: ScoreColumns) -> Double? {
        let items: [TemplateValue] = scores.metricValues(key).map { value in
            switch value {
            case .scalar(let x): return .double(x)
            case .weighted(let a, let b): return .array([.double(a), .double(b)])
            case .pair(let g, let p): return .array([.double(Double(g)), .double(Double(p))])
            }
        }
        do {
            return try hooks.call(hook, args: [.array(items)], key: "metric_list.aggregation").number
        } catch {
            FileHandle.standardError.write(Data("error: \(error.place.map { "\($0): " } ?? "")\(error.message)\n".utf8))
            return nil
        }
    }
}
