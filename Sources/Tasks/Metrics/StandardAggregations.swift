import Foundation

// lm-eval 0.4.13's registered aggregations (`api/metrics.py`), computed in the order Python
// computes them so the numbers come out equal, and macro-F1 for labelled tasks.

/// The mean; its standard error the closed form `stddev / sqrt(n)`.
struct MeanAggregation: Aggregation {
    let name = "mean"
    func aggregate(_ values: [MetricValue]) -> Double? {
        values.isEmpty ? nil : values.reduce(0) { $0 + $1.number } / Double(values.count)
    }
    func standardError(_ values: [MetricValue], iterations: Int) -> Double? {
        guard values.count > 1, iterations > 0 else { return nil }
        return LMEvalBootstrap.sampleStandardDeviation(values.map(\.number)) / Double(values.count).squareRoot()
    }
}

/// `sorted(arr)[len(arr) // 2]`.
struct MedianAggregation: Aggregation {
    let name = "median"
    func aggregate(_ values: [MetricValue]) -> Double? {
        values.isEmpty ? nil : values.map(\.number).sorted()[values.count / 2]
    }
    func standardError(_ values: [MetricValue], iterations: Int) -> Double? { LMEvalBootstrap.standardError(self, values, iterations: iterations) }
}

/// `exp(-mean(loglikelihoods))`.
struct PerplexityAggregation: Aggregation {
    let name = "perplexity"
    func aggregate(_ values: [MetricValue]) -> Double? {
        values.isEmpty ? nil : Foundation.exp(-(values.reduce(0) { $0 + $1.number } / Double(values.count)))
    }
    func standardError(_ values: [MetricValue], iterations: Int) -> Double? { LMEvalBootstrap.standardError(self, values, iterations: iterations) }
}

/// Over `(loglikelihood, weight)` pairs: `exp(-Σll / Σweight)`, or bits per byte `-(Σll / Σbytes) / ln 2`.
struct WeightedLoglikelihoodAggregation: Aggregation {
    let name: String
    let bitsPerByte: Bool
    func aggregate(_ values: [MetricValue]) -> Double? {
        guard !values.isEmpty else { return nil }
        var a = 0.0, b = 0.0
        for case .weighted(let x, let y) in values { a += x; b += y }
        return bitsPerByte ? -(a / b) / Foundation.log(2) : Foundation.exp(-(a / b))
    }
}

/// numpy's nanmean: the mean of the values that are not NaN (NaN when none is).
struct NanMeanAggregation: Aggregation {
    let name = "nanmean"
    func aggregate(_ values: [MetricValue]) -> Double? {
        guard !values.isEmpty else { return nil }
        let kept = values.map(\.number).filter { !$0.isNaN }
        return kept.isEmpty ? .nan : kept.reduce(0, +) / Double(kept.count)
    }
    func standardError(_ values: [MetricValue], iterations: Int) -> Double? { LMEvalBootstrap.standardError(self, values, iterations: iterations) }
}

/// lm-eval's placeholder aggregation: always 999.
struct BypassAggregation: Aggregation {
    let name = "bypass"
    func aggregate(_ values: [MetricValue]) -> Double? { values.isEmpty ? nil : 999 }
}

/// scikit-learn's binary F1 for the label 1 over `(gold, prediction)` pairs (0 when undefined).
struct BinaryF1Aggregation: Aggregation {
    let name = "f1"
    var readsPairs: Bool { true }
    func aggregate(_ values: [MetricValue]) -> Double? {
        guard !values.isEmpty else { return nil }
        var tp = 0.0, fp = 0.0, fn = 0.0
        for case .pair(let gold, let pred) in values {
            if pred == 1 && gold == 1 { tp += 1 } else if pred == 1 { fp += 1 } else if gold == 1 { fn += 1 }
        }
        return tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn)
    }
    func standardError(_ values: [MetricValue], iterations: Int) -> Double? { LMEvalBootstrap.standardError(self, values, iterations: iterations) }
}

/// scikit-learn's multiclass Matthews correlation over `(gold, prediction)` pairs.
struct MatthewsCorrelationAggregation: Aggregation {
    let name = "matthews_corrcoef"
    var readsPairs: Bool { true }
    func aggregate(_ values: [MetricValue]) -> Double? {
        guard !values.isEmpty else { return nil }
        var pairs: [(Int, Int)] = []
        for case .pair(let gold, let pred) in values { pairs.append((gold, pred)) }
        let labels = Array(Set(pairs.flatMap { [$0.0, $0.1] })).sorted()
        let s = Double(pairs.count)
        var t = [Int: Double](), p = [Int: Double]()
        var correct = 0.0
        for (gold, pred) in pairs {
            t[gold, default: 0] += 1
            p[pred, default: 0] += 1
            if gold == pred { correct += 1 }
        }
        let tp = labels.reduce(0.0) { $0 + (t[$1] ?? 0) * (p[$1] ?? 0) }
        let pp = labels.reduce(0.0) { $0 + (p[$1] ?? 0) * (p[$1] ?? 0) }
        let tt = labels.reduce(0.0) { $0 + (t[$1] ?? 0) * (t[$1] ?? 0) }
        let denominator = ((s * s - pp) * (s * s - tt)).squareRoot()
        return denominator == 0 ? 0 : (correct * s - tp) / denominator
    }
    func standardError(_ values: [MetricValue], iterations: Int) -> Double? { LMEvalBootstrap.standardError(self, values, iterations: iterations) }
}

/// The mean of the items' Brier scores (each already `Σ(p - onehot)²`); lm-eval reports no
/// standard error for it.
struct BrierScoreAggregation: Aggregation {
    let name = "brier_score"
    func aggregate(_ values: [MetricValue]) -> Double? { MeanAggregation().aggregate(values) }
}

/// The unweighted mean of per-class F1 over the classes that are gold or predicted at least
/// once (scikit-learn's `average="macro"`), over `(gold, prediction)` pairs; a prediction of
/// -1 (unreadable) is a miss for its gold class and no class's false positive.
struct MacroF1Aggregation: Aggregation {
    let name = "macro_f1"
    var readsPairs: Bool { true }
    var showsInterval: Bool { false }
    /// The classification report's macro-F1, its classes in index order (a labelled task's key order).
    func aggregate(_ values: [MetricValue]) -> Double? {
        guard !values.isEmpty else { return nil }
        var pairs: [(gold: String, prediction: String?)] = []
        var classes = Set<Int>()
        for case .pair(let gold, let prediction) in values {
            pairs.append((String(gold), prediction < 0 ? nil : String(prediction)))
            classes.insert(gold)
            if prediction >= 0 { classes.insert(prediction) }
        }
        return ClassificationReport(labels: classes.sorted().map(String.init), pairs: pairs).macroF1
    }
}
