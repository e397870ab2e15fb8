import Foundation

/// The Brier score over choices: `Σ (softmax(lls) - onehot(gold))²` per item, averaged; lower is better.
struct BrierScore: Metric {
    let name = "brier_score"
    var higherIsBetter: Bool { false }
    var aggregation: String { "brier_score" }

    func value(_ answer: ScoredAnswer) throws(TaskError) -> MetricValue? {
        guard case .choices(let c) = answer, !c.loglikelihoods.isEmpty else { return nil }
        // lm-eval's utils.softmax: exp(x - max(x)) / sum.
        let top = c.loglikelihoods.max()!
        let e = c.loglikelihoods.map { Foundation.exp($0 - top) }
        let total = e.reduce(0, +)
        let gold = c.golds.first ?? -100
        var sum = 0.0
        for (i, x) in e.enumerated() {
            let d = x / total - (i == gold ? 1 : 0)
            sum += d * d
        }
        return .scalar(sum)
    }
}
