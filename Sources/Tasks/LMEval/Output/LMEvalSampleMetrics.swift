import Models

/// One document's metric values for one filter as lm-eval's samples file spells them: in the
/// order its `process_results` builds them (not the YAML's), `int` where lm-eval has an int
/// (`acc` of a loglikelihood task, `exact_match` of a multiple-choice one), and the corpus
/// metrics' per-document inputs as lists (`[loglikelihood, words]`, `[gold, prediction]`).
enum LMEvalSampleMetrics {
    /// `process_results`' key order per output type; generations follow `metric_list`.
    static func order(_ outputType: LMEvalTaskDefinition.OutputType, configured: [String]) -> [String] {
        let fixed: [String]
        switch outputType {
        case .loglikelihood: fixed = ["perplexity", "acc"]
        case .loglikelihoodRolling: fixed = ["word_perplexity", "byte_perplexity", "bits_per_byte"]
        case .multipleChoice: fixed = ["acc", "f1", "mcc", "acc_norm", "acc_bytes", "exact_match", "acc_mutual_info"]
        default: return configured
        }
        return fixed.filter(configured.contains) + configured.filter { !fixed.contains($0) }
    }

    /// The values as the text of a JSON object, `json.dumps`-spelled (kept as text in our
    /// samples so that `1.0` stays a float through our own JSON writer).
    static func text(_ values: [String: MetricValue], outputType: LMEvalTaskDefinition.OutputType, configured: [String]) -> String {
        let pairs: [(String, TemplateValue)] = order(outputType, configured: configured).compactMap { name in
            guard let value = values[name] else { return nil }
            switch value {
            case .scalar(let x):
                let integral = (outputType == .loglikelihood && name == "acc") || (outputType == .multipleChoice && name == "exact_match")
                return (name, integral && x.isFinite ? .int(Int(x)) : .double(x))
            case .weighted(let ll, let n): return (name, .array([.double(ll), .int(Int(n))]))
            case .pair(let g, let p): return (name, .array([.int(g), .int(p)]))
            }
        }
        return PythonText.jsonDumps(.object(pairs))
    }
}
