import Config

/// How answers are scored (`task.scoring` of `mcq` and `qa`).
public struct ScoringConfig: Decodable, Sendable, Equatable {
    public enum Mode: String, ConfigEnum {
        case generate, loglikelihood
        case chatLogprobs = "chat_logprobs"
        case exactMatch = "exact_match"
    }

    /// What a choice is scored as in `loglikelihood` mode: its letter (" B", as MMLU) or its text.
    public enum Continuation: String, ConfigEnum { case letter, text }

    public var mode: Mode
    /// Option letters for multiple choice.
    public var letters: [String]?
    /// Fixed answer labels instead of per-item choices (`[yes, no, maybe]`, PubMedQA style).
    public var labels: [String]?
    /// Metric names to report; the first is the main metric.
    public var metrics: [String]?
    /// Normalise case, punctuation, articles and whitespace before comparing (qa).
    public var normalize: Bool?
    /// Tokens to generate per answer; default: the model's own setting (1 for `chat_logprobs`).
    public var maxTokens: Int?
    /// Text after the prompt that the scored continuation follows (`loglikelihood`). Default `"Answer:"`.
    public var answerPrefix: String?
    public var continuation: Continuation?
    /// Bootstrap resamples for confidence intervals. Default 1000.
    public var bootstrapIters: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mode, letters, labels, metrics, normalize, continuation
        case maxTokens = "max_tokens"
        case answerPrefix = "answer_prefix"
        case bootstrapIters = "bootstrap_iters"
    }
}
