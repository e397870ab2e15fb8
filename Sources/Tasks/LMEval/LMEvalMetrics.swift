import Foundation
import Models

/// lm-eval's per-document metrics (`process_results`) and their aggregations and standard
/// errors, computed in the order Python computes them so the numbers come out equal.
enum LMEvalMetrics {
    /// One document's value for one metric: a number averaged over documents, or the pieces a
    /// corpus-level aggregation needs.
    enum Value: Sendable, Equatable {
        case scalar(Double)
        /// `(loglikelihood, words or bytes)` for weighted perplexities and bits per byte.
        case weighted(Double, Double)
        /// `(gold, prediction)` for f1 and mcc.
        case pair(Int, Int)
    }

    // MARK: - Per document

    /// multiple_choice: acc, acc_norm, acc_bytes, acc_mutual_info, exact_match, f1, mcc.
    static func multipleChoice(_ metrics: [String], lls allLLs: [Double], greedy: [Bool], choices: [String], gold: TemplateValue,
                               place: String) throws(TaskError) -> [String: Value] {
        var lls = allLLs
        var unconditional: [Double] = []
        if metrics.contains("acc_mutual_info"), allLLs.count == 2 * choices.count {
            lls = Array(allLLs.prefix(choices.count))
            unconditional = Array(allLLs.suffix(choices.count))
        }
        let lengths = choices.map { Double($0.unicodeScalars.count) }
        let bytes = choices.map { Double($0.utf8.count) }
        let pred = argmax(lls)
        let predNorm = argmax(zip(lls, lengths).map { $0 / $1 })
        let predBytes = argmax(zip(lls, bytes).map { $0 / $1 })
        // The gold answer as an index, or several; out of range is -100 (always wrong), as lm-eval.
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
        func hit(_ p: Int) -> Double { multiple ? (golds.contains(p) ? 1 : 0) : (p == golds[0] ? 1 : 0) }
        func greedyAt(_ g: Int) -> Bool {
            guard g != -100 else { return false }
            let i = g < 0 ? greedy.count + g : g
            return greedy.indices.contains(i) && greedy[i]
        }
        var out: [String: Value] = [:]
        for metric in metrics {
            switch metric {
            case "acc": out[metric] = .scalar(hit(pred))
            case "acc_norm": out[metric] = .scalar(hit(predNorm))
            case "acc_bytes": out[metric] = .scalar(hit(predBytes))
            case "exact_match": out[metric] = .scalar(multiple ? (golds.contains(where: greedyAt) ? 1 : 0) : (greedyAt(golds[0]) ? 1 : 0))
            case "f1", "mcc": out[metric] = .pair(golds[0], pred)
            case "acc_mutual_info":
                guard unconditional.count == lls.count else {
                    throw TaskError("acc_mutual_info needs the unconditional loglikelihoods", at: place)
                }
                out[metric] = .scalar(hit(argmax(zip(lls, unconditional).map { $0 - $1 })))
            default: break
            }
        }
        return out
    }

    /// The first index of the largest value, as NumPy's argmax (a NaN wins, as there).
    static func argmax(_ values: [Double]) -> Int {
        var best = 0
        for i in values.indices {
            if values[i].isNaN { return i }
            if values[i] > values[best] { best = i }
        }
        return best
    }

    /// exact_match as lm-eval computes it (HF evaluate's): each regex removed, then case, then
    /// ASCII punctuation, then digits; no stripping.
    static func exactMatch(prediction: String, reference: String, options: [(String, TemplateValue)], place: String) throws(TaskError) -> Bool {
        var p = prediction, r = reference
        func option(_ key: String) -> TemplateValue? { options.first { $0.0 == key }?.1 }
        if let regexes = option("regexes_to_ignore") {
            let patterns: [TemplateValue]
            if case .array(let items) = regexes { patterns = items } else { patterns = [regexes] }
            for pattern in patterns {
                let regex: PythonRegex
                do { regex = try PythonRegex(pattern.text) } catch { throw TaskError(error.message, at: place) }
                p = regex.sub("", in: p)
                r = regex.sub("", in: r)
            }
        }
        if option("ignore_case")?.isTruthy == true { p = p.lowercased(); r = r.lowercased() }
        if option("ignore_punctuation")?.isTruthy == true {
            let punctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars)
            p = String(String.UnicodeScalarView(p.unicodeScalars.filter { !punctuation.contains($0) }))
            r = String(String.UnicodeScalarView(r.unicodeScalars.filter { !punctuation.contains($0) }))
        }
        if option("ignore_numbers")?.isTruthy == true {
            p = String(String.UnicodeScalarView(p.unicodeScalars.filter { !("0"..."9").contains($0) }))
            r = String(String.UnicodeScalarView(r.unicodeScalars.filter { !("0"..."9").contains($0) }))
        }
        return p == r
    }

    // MARK: - Aggregation

    /// `aggregation(values)`; `nil` when there is nothing to aggregate.
    static func aggregate(_ aggregation: String, _ values: [Value]) -> Double? {
        guard !values.isEmpty else { return nil }
        switch aggregation {
        case "mean", "perplexity":
            let mean = values.map(\.number).reduce(0, +) / Double(values.count)
            return aggregation == "perplexity" ? Foundation.exp(-mean) : mean
        case "median":
            return values.map(\.number).sorted()[values.count / 2]
        case "nanmean":
            // numpy's nanmean: the mean of the values that are not NaN (NaN when none is).
            let kept = values.map(\.number).filter { !$0.isNaN }
            return kept.isEmpty ? .nan : kept.reduce(0, +) / Double(kept.count)
        case "bypass":
            return 999  // lm-eval's placeholder aggregation.
        case "weighted_perplexity", "bits_per_byte":
            let (a, b) = values.reduce((0.0, 0.0)) { acc, v in
                if case .weighted(let x, let y) = v { return (acc.0 + x, acc.1 + y) }
                return acc
            }
            return aggregation == "bits_per_byte" ? -(a / b) / Foundation.log(2) : Foundation.exp(-(a / b))
        case "f1":
            // scikit-learn's binary F1 for the label 1 (0 when undefined).
            var tp = 0.0, fp = 0.0, fn = 0.0
            for case .pair(let gold, let pred) in values {
                if pred == 1 && gold == 1 { tp += 1 } else if pred == 1 { fp += 1 } else if gold == 1 { fn += 1 }
            }
            return tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn)
        case "matthews_corrcoef":
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
        default:
            return nil
        }
    }

    /// lm-eval's standard error: the closed form for means, its chunked bootstrap (chunks of
    /// up to 1,000 resamples, chunk `i` seeded `Random(i)`, `choices` with replacement) for
    /// the bootstrappable aggregations, none for the rest (reported as "N/A").
    static func stderr(_ aggregation: String, _ values: [Value], iterations: Int) -> Double? {
        guard values.count > 1, iterations > 0 else { return nil }
        switch aggregation {
        case "mean":
            return sampleStandardDeviation(values.map(\.number)) / Double(values.count).squareRoot()
        case "median", "matthews_corrcoef", "f1", "perplexity", "nanmean":
            let chunk = min(1000, iterations)
            var replicates: [Double] = []
            replicates.reserveCapacity(iterations)
            for i in 0..<(iterations / chunk) {
                var random = PythonRandom(seed: i)
                for _ in 0..<chunk {
                    replicates.append(aggregate(aggregation, random.choices(values, k: values.count)) ?? .nan)
                }
            }
            return sampleStandardDeviation(replicates)
        default:
            return nil
        }
    }

    /// Python's `sample_stddev`: sequential sums, Bessel's correction.
    static func sampleStandardDeviation(_ values: [Double]) -> Double {
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
    }
}

extension LMEvalMetrics.Value {
    var number: Double {
        switch self {
        case .scalar(let x): return x
        case .weighted(let x, _): return x
        case .pair(let g, let p): return g == p ? 1 : 0
        }
    }
}
