/// A request to a model, as the ResponseComponent sends it.
public enum ModelRequest: Sendable, Hashable {
    case generate(GenerationRequest)
    case loglikelihood(LoglikelihoodRequest)
    /// The log probability of a whole text, scored in windows of the model's context (lm-eval's
    /// `loglikelihood_rolling`, for perplexities). Answered with a ``Loglikelihood``.
    case loglikelihoodRolling(RollingLoglikelihoodRequest)

    public var kind: String {
        switch self {
        case .generate: return "generate"
        case .loglikelihood: return "loglikelihood"
        case .loglikelihoodRolling: return "loglikelihood_rolling"
        }
    }

    /// The request's JSON form: prompt or context, per-request parameters, sample index.
    public var json: JSONValue {
        switch self {
        case .generate(let r):
            return ["prompt": r.prompt.json, "params": r.parameters.json, "sample": .int(r.sampleIndex)]
        case .loglikelihood(let r):
            return ["context": .string(r.context), "continuation": .string(r.continuation)]
        case .loglikelihoodRolling(let r):
            return ["text": .string(r.text)]
        }
    }
}

/// A model's answer to one request.
public enum ModelAnswer: Sendable, Hashable, Codable {
    case generation(Generation)
    case loglikelihood(Loglikelihood)

    public var usage: TokenUsage? {
        switch self {
        case .generation(let g): return g.usage
        case .loglikelihood(let l): return l.usage
        }
    }
}
