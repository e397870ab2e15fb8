/// Perplexities and bits per byte, as lm-eval computes them: `perplexity` of one continuation
/// per item (`exp(-mean ll)`), and over whole texts the word or byte perplexity and bits per
/// byte (`Σll` over `Σ` words or bytes, words counted as `re.split(r"\s+", text)` counts them).
struct Perplexity: Metric {
    enum Unit: Sendable { case item, words, bytes, bitsPerByte }

    let name: String
    let unit: Unit
    var higherIsBetter: Bool { false }
    var aggregation: String {
        switch unit {
        case .item: return "perplexity"
        case .words, .bytes: return "weighted_perplexity"
        case .bitsPerByte: return "bits_per_byte"
        }
    }

    func value(_ answer: ScoredAnswer) throws(TaskError) -> MetricValue? {
        switch (answer, unit) {
        case (.loglikelihood(let ll, _), .item): return .scalar(ll)
        case (.rolling(let ll, let text), .words): return .weighted(ll, Double(Self.whitespaceSplitCount(text)))
        case (.rolling(let ll, let text), .bytes), (.rolling(let ll, let text), .bitsPerByte): return .weighted(ll, Double(text.utf8.count))
        default: return nil
        }
    }

    /// `len(re.split(r"\s+", text))`: empty pieces at either end count as words, as in lm-eval.
    static func whitespaceSplitCount(_ text: String) -> Int {
        var count = 1
        var inSpace = false
        for c in text.unicodeScalars {
            if PythonText.isSpace(c) {
                if !inSpace { count += 1; inSpace = true }
            } else {
                inSpace = false
            }
        }
        return count
    }
}
