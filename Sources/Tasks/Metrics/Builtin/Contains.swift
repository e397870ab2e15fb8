/// Whether an accepted answer appears in a short answer as whole words.
struct Contains: Metric {
    let name = "contains"

    func value(_ answer: ScoredAnswer) throws(TaskError) -> MetricValue? {
        guard case .shortAnswer(let prediction, let references, let normalize) = answer else { return nil }
        return .scalar(references.contains { AnswerOverlap.contains(prediction, $0, normalize: normalize) } ? 1 : 0)
    }
}
