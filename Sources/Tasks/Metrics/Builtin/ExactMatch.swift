import Models

/// Exact match. Over a generated text: lm-eval's (HF evaluate's) rule, each of
/// `regexes_to_ignore` removed, then case, ASCII punctuation and digits as the options say, no
/// stripping; a short answer as SQuAD compares it; over choices, whether greedy decoding gives
/// the gold continuation. Several references: a match with any.
struct ExactMatch: Metric {
    let name = "exact_match"

    func value(_ answer: ScoredAnswer) throws(TaskError) -> MetricValue? {
        switch answer {
        case .text(let prediction, let references, let options):
            for reference in references where try Self.matches(prediction, reference, options: options) { return .scalar(1) }
            return .scalar(0)
        case .shortAnswer(let prediction, let references, let normalize):
            return .scalar(references.contains { AnswerOverlap.exactMatch(prediction, $0, normalize: normalize) } ? 1 : 0)
        case .choices(let c):
            func greedyAt(_ g: Int) -> Bool {
                guard g != -100 else { return false }
                let i = g < 0 ? c.isGreedy.count + g : g
                return c.isGreedy.indices.contains(i) && c.isGreedy[i]
            }
            let hit = c.multipleGold ? c.golds.contains(where: greedyAt) : c.golds.first.map(greedyAt) ?? false
            return .scalar(hit ? 1 : 0)
        default:
            return nil
        }
    }

    static func matches(_ prediction: String, _ reference: String, options: [(String, TemplateValue)]) throws(TaskError) -> Bool {
        var p = prediction, r = reference
        func option(_ key: String) -> TemplateValue? { options.first { $0.0 == key }?.1 }
        if let regexes = option("regexes_to_ignore") {
            let patterns: [TemplateValue]
            if case .array(let items) = regexes { patterns = items } else { patterns = [regexes] }
            for pattern in patterns {
                let regex: PythonRegex
                do { regex = try PythonRegex(pattern.text) } catch { throw TaskError(error.message, at: "metric_list.regexes_to_ignore") }
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
}
