/// Accuracy: the chosen answer is the gold one. Over choices, the choice with the highest
/// loglikelihood, raw (`acc`), per character (`acc_norm`), per UTF-8 byte (`acc_bytes`) or
/// less the unconditional loglikelihood (`acc_mutual_info`), as lm-eval picks it; over a
/// choice read from text, that choice; over one continuation, whether greedy decoding gives it.
struct Accuracy: Metric {
    enum Normalisation: Sendable { case none, characters, bytes, mutualInformation }

    let name: String
    let normalisation: Normalisation

    func value(_ answer: ScoredAnswer) throws(TaskError) -> MetricValue? {
        switch answer {
        case .choices(let c):
            let lls = c.loglikelihoods
            let scores: [Double]
            switch normalisation {
            case .none: scores = lls
            case .characters: scores = zip(lls, c.texts).map { $0 / Double($1.unicodeScalars.count) }
            case .bytes: scores = zip(lls, c.texts).map { $0 / Double($1.utf8.count) }
            case .mutualInformation:
                guard let unconditional = c.unconditional, unconditional.count == lls.count else {
                    throw TaskError("acc_mutual_info needs the unconditional loglikelihoods")
                }
                scores = zip(lls, unconditional).map { $0 - $1 }
            }
            return .scalar(c.hit(ChoiceLoglikelihoods.argmax(scores)) ? 1 : 0)
        case .readChoice(let predicted, let gold) where normalisation == .none:
            return .scalar(predicted == gold ? 1 : 0)
        case .loglikelihood(_, let isGreedy) where normalisation == .none:
            return .scalar(isGreedy ? 1 : 0)
        default:
            return nil
        }
    }
}
