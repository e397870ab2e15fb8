/// F1. Of a short answer: SQuAD's token F1, the best over the accepted answers (averaged over
/// items). Over choices: the item's `(gold, predicted)` pair, for lm-eval's corpus-level binary F1.
struct F1: Metric {
    let name = "f1"
    var aggregation: String { "f1" }

    func value(_ answer: ScoredAnswer) throws(TaskError) -> MetricValue? {
        switch answer {
        case .shortAnswer(let prediction, let references, let normalize):
            return .scalar(references.map { AnswerOverlap.f1(prediction, $0, normalize: normalize) }.max() ?? 0)
        case .choices(let c):
            return .pair(c.golds.first ?? -100, ChoiceLoglikelihoods.argmax(c.loglikelihoods))
        default:
            return nil
        }
    }
}
