/// Macro-F1 of a labelled task: each item's `(gold, predicted)` class, the unweighted mean
/// of per-class F1 over the corpus (an unreadable answer predicts no class).
struct MacroF1: Metric {
    let name = "macro_f1"
    var aggregation: String { "macro_f1" }

    func value(_ answer: ScoredAnswer) throws(TaskError) -> MetricValue? {
        switch answer {
        case .readChoice(let predicted, let gold): return .pair(gold, predicted ?? -1)
        case .choices(let c): return .pair(c.golds.first ?? -100, ChoiceLoglikelihoods.argmax(c.loglikelihoods))
        default: return nil
        }
    }
}
