/// Matthews correlation over choices: the item's `(gold, predicted)` pair, aggregated over the corpus.
struct MatthewsCorrelation: Metric {
    let name = "mcc"
    var aggregation: String { "matthews_corrcoef" }

    func value(_ answer: ScoredAnswer) throws(TaskError) -> MetricValue? {
        guard case .choices(let c) = answer else { return nil }
        return .pair(c.golds.first ?? -100, ChoiceLoglikelihoods.argmax(c.loglikelihoods))
    }
}
