import Config
import Foundation

/// `conf/model/aleph_alpha.yaml` params (eval-framework's names).
public struct AlephAlphaParams: BackendParams, Equatable {
    public var modelName: String
    public var checkpointName: String?
    public var baseURL: String?
    public var tokenEnv: String?
    public var formatterName: String?
    public var formatterKwargs: ConfigNode?
    public var maximumTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var stopSequences: [String]?
    public var maxRetries: Int?
    public var maxAsyncConcurrentRequests: Int?
    public var requestTimeoutSeconds: Double?
    public var queueFullTimeoutSeconds: Double?
    public var bytesPerToken: Double?
    public var contextWindow: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case modelName = "model_name", checkpointName = "checkpoint_name", baseURL = "base_url", tokenEnv = "token_env"
        case formatterName = "formatter_name", formatterKwargs = "formatter_kwargs", maximumTokens = "maximum_tokens"
        case temperature, topP = "top_p", stopSequences = "stop_sequences", maxRetries = "max_retries"
        case maxAsyncConcurrentRequests = "max_async_concurrent_requests", requestTimeoutSeconds = "request_timeout_seconds"
        case queueFullTimeoutSeconds = "queue_full_timeout_seconds", bytesPerToken = "bytes_per_token"
        case contextWindow = "context_window"
    }

    public static let rules: [String: ParamRule] = [
        "maximum_tokens": .count(minimum: 1), "temperature": .nonNegative, "top_p": .probability, "max_retries": .count(minimum: 0),
        "max_async_concurrent_requests": .count(minimum: 1), "request_timeout_seconds": .positive,
        "queue_full_timeout_seconds": .positive, "bytes_per_token": .positive, "context_window": .count(minimum: 1), "base_url": .url,
    ]
}

/// `+model=aleph_alpha`: eval-framework's AlephAlphaAPIModel settings; the key from `token_env`.
public enum AlephAlphaBackend: Backend {
    public static let name = "aleph_alpha"

    public static func build(_ p: AlephAlphaParams, environment: ModelEnvironment) throws -> any LanguageModel {
        let token = try SecretLookup(environment: environment.environment).require(p.tokenEnv ?? "AA_TOKEN", for: name)
        let formatter = try FormatterRegistry.make(p.formatterName, kwargs: p.formatterKwargs)
        let base = p.baseURL ?? "https://api.aleph-alpha.com"
        let settings = AlephAlphaModel.Settings(
            model: p.modelName, baseURL: base, maximumTokens: scaledMaxTokens(p.maximumTokens, bytesPerToken: p.bytesPerToken),
            temperature: p.temperature ?? 0.0, topP: p.topP, stopSequences: p.stopSequences, formatterName: formatter.name,
            contextWindow: p.contextWindow)
        let client = OpenAIClient(baseURL: base, auth: .bearer(token), organization: nil, azure: nil,
                                  transport: environment.transport(verifyCertificates: true),
                                  timeout: .seconds(checked: p.requestTimeoutSeconds, default: 1805))
        var model = AlephAlphaModel(settings: settings, formatter: formatter, client: client)
        model.requestSettings = BackendRequestSettings(maxConcurrency: p.maxAsyncConcurrentRequests ?? 32, maxRetries: p.maxRetries ?? 100)
        return model
    }
}

/// Aleph Alpha's `complete` endpoint. Loglikelihoods come from `echo` with `log_probs`.
public struct AlephAlphaModel: LanguageModel {
    /// Settings after defaults are applied. Those with a coding key change answers and are the
    /// model's identity (``modelDict``).
    public struct Settings: Sendable, Hashable, Encodable {
        public var model: String
        public var baseURL: String
        public var maximumTokens: Int?
        public var temperature: Double
        public var topP: Double?
        public var stopSequences: [String]?
        public var formatterName: String
        public var contextWindow: Int?

        enum CodingKeys: String, CodingKey {
            case model, baseURL = "base_url", maximumTokens = "maximum_tokens", temperature, topP = "top_p"
            case stopSequences = "stop_sequences", formatterName = "formatter"
        }
    }

    public let settings: Settings
    public var requestSettings = BackendRequestSettings()
    let formatter: any Formatter
    let client: OpenAIClient

    public var name: String { "aleph_alpha" }
    public var capabilities: ModelCapabilities { ModelCapabilities(chat: false, loglikelihood: true, logprobs: true) }
    public var contextWindow: Int? { settings.contextWindow }
    public var maxTokens: Int? { settings.maximumTokens }

    init(settings: Settings, formatter: any Formatter, client: OpenAIClient) {
        self.settings = settings
        self.formatter = formatter
        self.client = client
    }

    public var modelDict: JSONValue { identity(settings, ["backend": "aleph_alpha", "endpoint": "complete"]) }

    public func payload(for request: GenerationRequest) -> JSONValue {
        let p = request.parameters
        let prompt: String
        switch request.prompt {
        case .text(let t): prompt = t
        case .chat(let messages): prompt = formatter.format(messages, addGenerationPrompt: true)
        }
        var body: [String: JSONValue] = [
            "model": .string(settings.model), "prompt": .string(prompt),
            "maximum_tokens": .int(p.maxTokens ?? settings.maximumTokens ?? 64),
            "temperature": .double(p.temperature ?? settings.temperature),
        ]
        if let v = p.topP ?? settings.topP { body["top_p"] = .double(v) }
        if let v = p.stop ?? settings.stopSequences, !v.isEmpty { body["stop_sequences"] = .array(v.map(JSONValue.string)) }
        if p.logprobs { body["log_probs"] = .int(p.topLogprobs ?? 0); body["tokens"] = true }
        return .object(body)
    }

    public func generate(_ request: GenerationRequest) async throws -> Generation {
        let json = try await client.post("complete", body: payload(for: request))
        guard let completion = json["completions"]?[0] else {
            throw ModelError(.malformedResponse, "complete response without completions")
        }
        var usage: TokenUsage?
        if let prompt = json["num_tokens_prompt_total"]?.intValue, prompt >= 0 {
            usage = TokenUsage(promptTokens: prompt, completionTokens: max(0, json["num_tokens_generated"]?.intValue ?? 0))
        }
        return Generation(text: completion["completion"]?.stringValue ?? "", finishReason: completion["finish_reason"]?.stringValue,
                          usage: usage)
    }

    public func loglikelihood(_ request: LoglikelihoodRequest) async throws -> Loglikelihood {
        let body: JSONValue = [
            "model": .string(settings.model), "prompt": .string(request.context + request.continuation),
            "maximum_tokens": 0, "echo": true, "log_probs": 1, "tokens": true, "temperature": 0.0,
        ]
        let json = try await client.post("complete", body: body)
        guard let completion = json["completions"]?[0], let tokens = completion["completion_tokens"]?.arrayValue,
              let logprobs = completion["log_probs"]?.arrayValue else {
            throw ModelError(.malformedResponse, "echo response without tokens and log_probs")
        }
        // Rebuild an OpenAI-style logprobs object so that one scorer serves both APIs.
        var tokenLogprobs: [JSONValue] = []
        var tops: [JSONValue] = []
        for (index, token) in tokens.enumerated() {
            let entry = logprobs.indices.contains(index) ? logprobs[index].objectValue ?? [:] : [:]
            tokenLogprobs.append(entry[token.stringValue ?? ""] ?? .null)
            tops.append(.object(entry))
        }
        let echo: JSONValue = ["choices": [["logprobs": ["tokens": .array(tokens), "token_logprobs": .array(tokenLogprobs),
                                                         "top_logprobs": .array(tops)]]]]
        return try OpenAICompletionModel.scoreEcho(echo, context: request.context, continuation: request.continuation)
    }
}
