/// SQuAD's answer normalisation: lower case, no ASCII punctuation, no articles (a, an, the),
/// single spaces.
public enum TextNormalizer {
    static let punctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
    static let articles: Set<Substring> = ["a", "an", "the"]

    public static func normalize(_ text: String) -> String {
        let lowered = text.lowercased()
        let unpunctuated = String(lowered.filter { !punctuation.contains($0) })
        return tokens(ofUnpunctuated: unpunctuated).joined(separator: " ")
    }

    /// The normalised words.
    public static func tokens(_ text: String) -> [Substring] {
        let unpunctuated = String(text.lowercased().filter { !punctuation.contains($0) })
        return tokens(ofUnpunctuated: unpunctuated)
    }

    private static func tokens(ofUnpunctuated text: String) -> [Substring] {
        text.split(whereSeparator: { $0.isWhitespace }).filter { !articles.contains($0) }
    }
}

/// Exact match, token F1 and contains for free-form answers, each the best over the golds.
public enum AnswerOverlap {
    public static func exactMatch(_ prediction: String, _ gold: String, normalize: Bool) -> Bool {
        normalize ? TextNormalizer.normalize(prediction) == TextNormalizer.normalize(gold)
            : prediction.trimmingSpaces == gold.trimmingSpaces
    }

    /// SQuAD's token F1: the harmonic mean of precision and recall of shared words (as a multiset).
    public static func f1(_ prediction: String, _ gold: String, normalize: Bool) -> Double {
        let p = normalize ? TextNormalizer.tokens(prediction) : prediction.split(whereSeparator: { $0.isWhitespace })
        let g = normalize ? TextNormalizer.tokens(gold) : gold.split(whereSeparator: { $0.isWhitespace })
        if p.isEmpty || g.isEmpty { return p.isEmpty && g.isEmpty ? 1 : 0 }
        var counts: [Substring: Int] = [:]
        for word in g { counts[word, default: 0] += 1 }
        var common = 0
        for word in p where (counts[word] ?? 0) > 0 {
            counts[word]! -= 1
            common += 1
        }
        if common == 0 { return 0 }
        let precision = Double(common) / Double(p.count), recall = Double(common) / Double(g.count)
        return 2 * precision * recall / (precision + recall)
    }

    /// The gold answer appears in the prediction as whole words.
    public static func contains(_ prediction: String, _ gold: String, normalize: Bool) -> Bool {
        let p = normalize ? TextNormalizer.normalize(prediction) : prediction
        let g = normalize ? TextNormalizer.normalize(gold) : gold.trimmingSpaces
        if g.isEmpty { return false }
        return (" " + p + " ").contains(" " + g + " ") || (!normalize && p.contains(g))
    }
}
