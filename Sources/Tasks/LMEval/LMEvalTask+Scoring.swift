import Config
import Foundation
import Models

/// Reading a document's answers into lm-eval's per-document metrics.
extension LMEvalTask {
    /// loglikelihood and loglikelihood_rolling tasks score numbers, with no answer to read.
    public var readsAnswers: Bool { definition.outputType == .generateUntil || definition.outputType == .multipleChoice }

    public func score(_ item: DatasetItem, answers: [ModelAnswer]) -> ItemScore {
        let plan = plans[Int(item.id)!]
        do {
            return try score(plan, answers: Self.sameAnswersForSameRequests(plan.requests, answers))
        } catch {
            // A document lm-eval would stop on (a regex group out of range): scored 0 with the reason.
            let golds = goldTexts(plan)
            var score = ItemScore(gold: golds?.first ?? plan.target.text, golds: golds, prediction: nil, raw: "",
                                  metrics: Dictionary(uniqueKeysWithValues: metricNames.map { ($0, 0.0) }), method: "error: \(error.message)")
            score.goldIndices = plan.goldIndices
            return score
        }
    }

    /// Two choices with the same text make the same loglikelihood request; lm-eval scores them
    /// to the same number, so a tie stays a tie and the first choice wins it. An engine may
    /// compute the copies in different batches, a few ulps apart, which would break the tie by
    /// noise: each copy takes the answer of the first identical request. Generations are left
    /// alone: repeated sampled requests (`repeats`) are meant to differ.
    static func sameAnswersForSameRequests(_ requests: [ModelRequest], _ answers: [ModelAnswer]) -> [ModelAnswer] {
        guard requests.count == answers.count, Set(requests).count < requests.count else { return answers }
        var first: [ModelRequest: Int] = [:]
        var out = answers
        for (index, request) in requests.enumerated() {
            guard case .loglikelihood = request else { continue }
            if let earlier = first[request] { out[index] = answers[earlier] } else { first[request] = index }
        }
        return out
    }

    /// The responses of each request, one per repeat, as lm-eval's `resps` holds them.
    func responses(_ plan: DocumentPlan, _ answers: [ModelAnswer]) -> [[TemplateValue]] {
        switch definition.outputType {
        case .generateUntil:
            return [answers.map { answer in
                if case .generation(let g) = answer { return .string(g.text) }
                return .string("")
            }]
        default:
            return answers.map { answer in
                guard case .loglikelihood(let l) = answer else { return [] }
                return Array(repeating: .array([.double(l.logprob), .bool(l.isGreedy)]), count: definition.repeats)
            }
        }
    }

    func score(_ plan: DocumentPlan, answers: [ModelAnswer]) throws(TaskError) -> ItemScore {
        let place = "\(definition.source) (doc \(plan.docID))"
        let resps = responses(plan, answers)
        var metrics: [String: Double] = [:]
        var corpus: [String: MetricValue] = [:]
        var filtered: [(String, [TemplateValue])] = []
        var sampleMetrics: [(String, OrderedJSON)] = []
        var prediction: String?
        var predictionIndex: Int?
        for pipeline in pipelines {
            let values = try resps.map { r throws(TaskError) in
                try pipeline.apply(.array(r), doc: plan.doc) { step, value throws(TaskError) in
                    if case .delegated(let filter) = step { return try hooks.applyFilter(filter, value, doc: plan.doc, docID: plan.docID) }
                    guard case .custom(let hook) = step else { return value }
                    // lm-eval's custom filter: filter_fn(resps, docs) over the documents, here one at a time.
                    let out = try hooks.call(hook, args: [.array([value]), .array([plan.doc])], key: "filter_list.filter_fn", id: plan.docID)
                    guard case .array(let items) = out, let first = items.first else {
                        throw TaskError("filter_fn (!function \(hook.function)) must return a list with one entry per document", at: place)
                    }
                    return first
                }
            }
            filtered.append((pipeline.name, values))
            let scores = try documentMetrics(plan, filtered: values, filter: pipeline.name, place: place)
            sampleMetrics.append((pipeline.name, .string(LMEvalSampleMetrics.text(scores, outputType: definition.outputType,
                                                                                   configured: definition.metrics.map(\.name)))))
            for (name, value) in scores {
                let key = Self.key(name, filter: pipeline.name)
                metrics[key] = value.number
                if value.corpusParts != nil { corpus[key] = value }
            }
            if prediction == nil { (prediction, predictionIndex) = predicted(plan, filtered: values) }
        }
        var detail: [(String, OrderedJSON)] = [
            ("doc_id", .int(plan.docID)),
            ("doc", plan.doc.orderedJSON),
            ("target", .string(plan.target.text)),
            ("arguments", .object(plan.arguments.enumerated().map { i, args in
                ("gen_args_\(i)", .object(args.enumerated().map { j, arg in ("arg_\(j)", arg.orderedJSON) }))
            })),
        ]
        if definition.outputType != .generateUntil {
            let lls = resps.map { $0.first.map { Self.tuple($0).0 } ?? .nan }
            detail.append(("loglikelihoods", .array(lls.map(OrderedJSON.double))))
            detail.append(("is_greedy", .array(resps.map { .bool($0.first.map { Self.tuple($0).1 } ?? false) })))
        }
        // lm-eval's rolling loglikelihood answers are the sum alone, without a greedy flag.
        let rolling = definition.outputType == .loglikelihoodRolling
        func shown(_ value: TemplateValue) -> OrderedJSON { Self.stringified(rolling ? Self.withoutGreedyFlag(value) : value) }
        detail.append(("resps", .array(resps.map { .array($0.map(shown)) })))
        detail.append(("filtered_resps", .object(filtered.map { name, values in (name, .array(values.map(shown))) })))
        detail.append(("doc_hash", .string(PythonText.sha256(PythonText.jsonDumps(plan.doc, indent: 2)))))
        detail.append(("prompt_hash", .string(PythonText.sha256(plan.arguments.first?.first.map(Self.promptHashText) ?? ""))))
        detail.append(("target_hash", .string(PythonText.sha256(plan.target.text))))
        // Per filter, the metrics as lm-eval's samples file writes them (lm-eval's output files).
        detail.append(("lm_eval_metrics", .object(sampleMetrics)))
        let golds = goldTexts(plan)
        var score = ItemScore(gold: golds?.first ?? plan.target.text, golds: golds, prediction: prediction, raw: rawText(resps), metrics: metrics,
                              detail: detail)
        score.goldIndices = plan.goldIndices
        score.predictionIndex = plan.goldIndices == nil ? nil : predictionIndex
        score.corpusValues = corpus
        return score
    }

    /// One filter's metrics for one document (`process_results`).
    func documentMetrics(_ plan: DocumentPlan, filtered: [TemplateValue], filter: String = "none", place: String) throws(TaskError) -> [String: MetricValue] {
        let names = definition.metrics.map(\.name)
        if let hook = definition.processResults { return try processResults(hook, plan, filtered: filtered) }
        switch definition.outputType {
        case .multipleChoice:
            let tuples = filtered.map(Self.tuple)
            let choices = try LMEvalMetrics.choices(names, lls: tuples.map(\.0), greedy: tuples.map(\.1), choices: plan.choices,
                                                    gold: plan.multipleInputGold ?? plan.target, place: place)
            return try LMEvalMetrics.values(names, .choices(choices), place: place)
        case .loglikelihood:
            let (ll, greedy) = Self.tuple(filtered.first ?? .none)
            return try LMEvalMetrics.values(names, .loglikelihood(ll, isGreedy: greedy), place: place)
        case .loglikelihoodRolling:
            let (ll, _) = Self.tuple(filtered.first ?? .none)
            return try LMEvalMetrics.values(names, .rolling(ll, text: plan.target.text), place: place)
        case .generateUntil:
            let result = filtered.first ?? .string("")
            let gold = try generateGold(plan, place: place)
            var out: [String: MetricValue] = [:]
            for metric in definition.metrics {
                guard let hook = metric.metricHook else { continue }
                out[metric.name] = try metricFunction(metric, hook: hook, gold: gold, result: result, docID: plan.docID)
            }
            // lm-eval's own metrics are computed over all documents at the end (delegatedEstimate).
            for metric in definition.metrics where metric.delegated {
                out[metric.name] = .scalar(.nan)
                delegatedItems.record(Self.key(metric.name, filter: filter), docID: plan.docID, gold: gold, result: result)
            }
            let golds: [TemplateValue]
            if multipleTarget, case .array(let items) = gold { golds = items } else { golds = [gold] }
            for metric in definition.metrics where metric.metricHook == nil && !metric.delegated {
                let answer = ScoredAnswer.text(prediction: result.text, references: golds.map(\.text), options: metric.options)
                if let value = try LMEvalMetrics.values([metric.name], answer, place: place)[metric.name] { out[metric.name] = value }
            }
            return out
        }
    }

    /// A generate_until document's gold as lm-eval passes it to metrics: with doc_to_choice,
    /// the choice the target indexes.
    func generateGold(_ plan: DocumentPlan, place: String) throws(TaskError) -> TemplateValue {
        var gold = plan.target
        if definition.docToChoice != nil {
            let choices = try documents.choices(definition.docToChoice, plan.doc)
            guard case .int(let index) = gold, choices.indices.contains(index) || (index < 0 && -index <= choices.count) else {
                throw TaskError("with doc_to_choice, doc_to_target must give a choice index", at: place)
            }
            gold = choices[index < 0 ? choices.count + index : index]
        }
        return gold
    }

    /// The answer as text, and its index among the choices when it is one: the choice with the
    /// highest loglikelihood (multiple_choice), or the filtered generation.
    func predicted(_ plan: DocumentPlan, filtered: [TemplateValue]) -> (String?, Int?) {
        switch definition.outputType {
        case .multipleChoice:
            let lls = filtered.prefix(plan.choices.count).map { Self.tuple($0).0 }
            guard !lls.isEmpty else { return (nil, nil) }
            let index = ChoiceLoglikelihoods.argmax(Array(lls))
            return (plan.choices[index], index)
        case .generateUntil:
            let text = filtered.first?.text
            return (text, text.flatMap { plan.choices.firstIndex(of: $0) })
        default:
            return (nil, nil)
        }
    }

    /// The gold answer as the choices' texts (lm-eval's `target` stays the index, as it logs it).
    func goldTexts(_ plan: DocumentPlan) -> [String]? {
        plan.goldIndices.map { $0.map { plan.choices[$0] } }
    }

    func rawText(_ resps: [[TemplateValue]]) -> String {
        definition.outputType == .generateUntil ? resps.first?.first?.text ?? "" : ""
    }

    static func tuple(_ value: TemplateValue) -> (Double, Bool) {
        if case .array(let items) = value, items.count == 2 { return (items[0].number ?? .nan, items[1].isTruthy) }
        return (value.number ?? .nan, false)
    }

    /// `str()` of every leaf, as lm-eval writes `resps` (`["-1.0", "True"]`).
    /// `(loglikelihood, is_greedy)` pairs, anywhere in `value`, as the loglikelihood alone.
    static func withoutGreedyFlag(_ value: TemplateValue) -> TemplateValue {
        guard case .array(let items) = value else { return value }
        if items.count == 2, case .double = items[0], case .bool = items[1] { return items[0] }
        return .array(items.map(withoutGreedyFlag))
    }

    static func stringified(_ value: TemplateValue) -> OrderedJSON {
        if case .array(let items) = value { return .array(items.map(stringified)) }
        return .string(value.text)
    }

    static func promptHashText(_ argument: TemplateValue) -> String {
        if case .array(let items) = argument, let first = items.first { return first.text }
        return argument.text
    }
}
