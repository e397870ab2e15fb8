/// One item's value of a metric: a number averaged over items, or the pieces a corpus-level
/// aggregation needs (lm-eval's per-document tuples).
public enum MetricValue: Sendable, Equatable {
    case scalar(Double)
    /// `(loglikelihood, words or bytes)` for weighted perplexities and bits per byte.
    case weighted(Double, Double)
    /// `(gold, prediction)` class indices for F1, MCC and macro-F1 (-1: no prediction).
    case pair(Int, Int)

    /// The number an item shows (a pair: 1 when right).
    public var number: Double {
        switch self {
        case .scalar(let x): return x
        case .weighted(let x, _): return x
        case .pair(let g, let p): return g == p ? 1 : 0
        }
    }

    /// The parts kept for corpus aggregation; a scalar keeps none.
    var corpusParts: (Kind, [Double])? {
        switch self {
        case .scalar: return nil
        case .weighted(let a, let b): return (.weighted, [a, b])
        case .pair(let g, let p): return (.pair, [Double(g), Double(p)])
        }
    }

    /// How corpus parts read back.
    enum Kind: Sendable { case weighted, pair }

    init(kind: Kind?, parts: [Double], number: Double) {
        switch kind {
        case .weighted? where parts.count == 2: self = .weighted(parts[0], parts[1])
        case .pair? where parts.count == 2: self = .pair(Int(parts[0]), Int(parts[1]))
        default: self = .scalar(number)
        }
    }
}
