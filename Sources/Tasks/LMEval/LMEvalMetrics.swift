import Models

/// How an lm-eval task reads one document's answers for its metrics (`process_results` of
/// lm-eval's ConfigurableTask); the metrics themselves and their aggregations are the shared
/// ones of ``MetricRegistry``.
enum LMEvalMetrics {
    /// A multiple_choice document's loglikelihoods with its gold answer as indices: an index,
    /// a choice's text, or a list of indices; out of range is -100 (always wrong), as in lm-eval.
    /// With `acc_mutual_info` asked for and twice as many answers as choices, the second half
    /// are the unconditional loglikelihoods.
    static func choices(_ metrics: [String], lls allLLs: [Double], greedy: [Bool], choices: [String], gold: TemplateValue,
                        place: String) throws(TaskError) -> ChoiceLoglikelihoods {
        // is_greedy stays whole, as lm-eval indexes it.
        var lls = allLLs
        var unconditional: [Double]?
        if metrics.contains("acc_mutual_info"), allLLs.count == 2 * choices.count {
            lls = Array(allLLs.prefix(choices.count))
            unconditional = Array(allLLs.suffix(choices.count))
        }
        var golds: [Int] = []
        var multiple = false
        switch gold {
        case .int(let g): golds = [g < choices.count ? g : -100]
        case .bool(let b): golds = [b ? 1 : 0]
        case .string(let s): golds = [choices.firstIndex(of: s) ?? -100]
        case .array(let items):
            multiple = true
            for item in items {
                guard case .int(let g) = item else {
                    throw TaskError("a list target must hold choice indices, not \(LMEvalDocuments.kind(item))", at: place)
                }
                golds.append(g < choices.count ? g : -100)
            }
        default:
            throw TaskError("the target is \(LMEvalDocuments.kind(gold)); a multiple_choice target is an index, a choice's text, or a list of indices", at: place)
        }
        return ChoiceLoglikelihoods(loglikelihoods: lls, isGreedy: greedy, texts: choices, golds: golds, multipleGold: multiple,
                                    unconditional: unconditional)
    }

    /// The registered metrics' values for one answer, the error placed at the document.
    static func values(_ names: [String], _ answer: ScoredAnswer, place: String) throws(TaskError) -> [String: MetricValue] {
        do {
            return try MetricRegistry.default.values(names, for: answer)
        } catch {
            var placed = error
            placed.place = place
            throw placed
        }
    }
}
