/// Sampling and length settings of one request. Unset values fall back to the model's params.
public struct GenerationParameters: Sendable, Hashable {
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var stop: [String]?
    public var seed: Int?
    /// Ask for the log probability of each generated token and this many alternatives.
    public var logprobs: Bool
    public var topLogprobs: Int?

    public init(maxTokens: Int? = nil, temperature: Double? = nil, topP: Double? = nil, stop: [String]? = nil,
                seed: Int? = nil, logprobs: Bool = false, topLogprobs: Int? = nil) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.stop = stop
        self.seed = seed
        self.logprobs = logprobs
        self.topLogprobs = topLogprobs
    }

    /// The parameters' JSON form, part of the cache key (only what is set).
    public var json: JSONValue {
        var o: [String: JSONValue] = ["logprobs": .bool(logprobs)]
        if let maxTokens { o["max_tokens"] = .int(maxTokens) }
        if let temperature { o["temperature"] = .double(temperature) }
        if let topP { o["top_p"] = .double(topP) }
        if let stop { o["stop"] = .array(stop.map(JSONValue.string)) }
        if let seed { o["seed"] = .int(seed) }
        if let topLogprobs { o["top_logprobs"] = .int(topLogprobs) }
        return .object(o)
    }
}

/// A request to generate text.
public struct GenerationRequest: Sendable, Hashable {
    public var prompt: Prompt
    public var parameters: GenerationParameters
    /// Which sample this is when one prompt is sampled several times (part of the cache key,
    /// so that re-runs reproduce each sample).
    public var sampleIndex: Int

    public init(prompt: Prompt, parameters: GenerationParameters = GenerationParameters(), sampleIndex: Int = 0) {
        self.prompt = prompt
        self.parameters = parameters
        self.sampleIndex = sampleIndex
    }
}

/// Tokens counted by the server.
public struct TokenUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int

    public init(promptTokens: Int = 0, completionTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    public var totalTokens: Int { let (t, overflow) = promptTokens.addingReportingOverflow(completionTokens); return overflow ? Int.max : t }
}

/// The log probability of one token, with the most likely alternatives.
public struct TokenLogprob: Sendable, Hashable, Codable {
    public var token: String
    public var logprob: Double
    public var top: [String: Double]

    public init(token: String, logprob: Double, top: [String: Double] = [:]) {
        self.token = token
        self.logprob = logprob
        self.top = top
    }
}

/// What a model generated.
public struct Generation: Sendable, Hashable, Codable {
    public var text: String
    /// `stop`, `length`, `content_filter`, ...
    public var finishReason: String?
    public var usage: TokenUsage?
    public var logprobs: [TokenLogprob]?

    public init(text: String, finishReason: String? = nil, usage: TokenUsage? = nil, logprobs: [TokenLogprob]? = nil) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.logprobs = logprobs
    }
}

/// A request to score `continuation` after `context`.
public struct LoglikelihoodRequest: Sendable, Hashable {
    public var context: String
    public var continuation: String

    public init(context: String, continuation: String) {
        self.context = context
        self.continuation = continuation
    }
}

/// A request to score a whole text from its start (`loglikelihood_rolling`).
public struct RollingLoglikelihoodRequest: Sendable, Hashable {
    public var text: String

    public init(text: String) { self.text = text }
}

/// The log probability of a continuation and whether greedy decoding would produce it.
public struct Loglikelihood: Sendable, Hashable, Codable {
    public var logprob: Double
    public var isGreedy: Bool
    public var usage: TokenUsage?

    public init(logprob: Double, isGreedy: Bool, usage: TokenUsage? = nil) {
        self.logprob = logprob
        self.isGreedy = isGreedy
        self.usage = usage
    }
}
