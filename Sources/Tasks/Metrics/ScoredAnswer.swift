import Models

/// What a metric is computed from: one item's answer as its task read it.
public enum ScoredAnswer: Sendable {
    /// Loglikelihoods of each choice's continuation (lm-eval's multiple_choice, mcq's
    /// loglikelihood mode).
    case choices(ChoiceLoglikelihoods)
    /// A choice read out of a generated answer (mcq's generate and logprobs modes): the
    /// predicted index (`nil`: unreadable) and the gold one.
    case readChoice(predicted: Int?, gold: Int)
    /// A short generated answer and the accepted ones, compared as SQuAD compares them
    /// (qa; `normalize`: SQuAD's normalisation first).
    case shortAnswer(prediction: String, references: [String], normalize: Bool)
    /// A generated text and its references as lm-eval compares them (generate_until);
    /// `options` are the metric's own settings (`ignore_case`, `regexes_to_ignore`, ...).
    case text(prediction: String, references: [String], options: [(String, TemplateValue)])
    /// One continuation's loglikelihood and whether greedy decoding gives it (lm-eval's loglikelihood).
    case loglikelihood(Double, isGreedy: Bool)
    /// A whole text's loglikelihood (lm-eval's loglikelihood_rolling).
    case rolling(Double, text: String)
}

/// The loglikelihood of each choice and where the gold answers stand among them.
public struct ChoiceLoglikelihoods: Sendable {
    public var loglikelihoods: [Double]
    public var isGreedy: [Bool]
    /// The continuations' texts, whose lengths normalise `acc_norm` and `acc_bytes`.
    public var texts: [String]
    /// Gold indices; -100 for a gold outside the choices (always wrong, as lm-eval).
    public var golds: [Int]
    /// Several gold answers (lm-eval's multiple targets): a hit is any of them.
    public var multipleGold: Bool
    /// The unconditional loglikelihoods, for `acc_mutual_info`.
    public var unconditional: [Double]?

    public init(loglikelihoods: [Double], isGreedy: [Bool], texts: [String], golds: [Int], multipleGold: Bool = false,
                unconditional: [Double]? = nil) {
        self.loglikelihoods = loglikelihoods
        self.isGreedy = isGreedy
        self.texts = texts
        self.golds = golds
        self.multipleGold = multipleGold
        self.unconditional = unconditional
    }

    /// Whether the choice at `index` is a gold one.
    func hit(_ index: Int) -> Bool { multipleGold ? golds.contains(index) : index == golds.first }

    /// The first index of the largest value, as NumPy's argmax (a NaN wins, as there).
    static func argmax(_ values: [Double]) -> Int {
        var best = 0
        for i in values.indices {
            if values[i].isNaN { return i }
            if values[i] > values[best] { best = i }
        }
        return best
    }
}
