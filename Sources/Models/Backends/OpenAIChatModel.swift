import Foundation
import Tokenizers

/// Chat Completions: OpenAI (`openai_chat`, also Azure OpenAI and proxies) and any
/// OpenAI-compatible chat server (`local_chat`: vLLM, llama.cpp, TGI).
public struct OpenAIChatModel: LanguageModel {
    /// Settings after defaults are applied; what goes into requests and the model's identity.
    /// Those with a coding key change answers and are the model's identity (``modelDict``).
    public struct Settings: Sendable, Hashable, Encodable {
        public var backend: String
        public var model: String
        public var baseURL: String
        public var temperature: Double
        public var topP: Double?
        public var maxTokens: Int?
        public var seed: Int?
        public var stop: [String]?
        public var n: Int?
        public var logprobs: Bool
        public var topLogprobs: Int?
        /// OpenAI's own API wants `max_completion_tokens`; other servers `max_tokens`.
        public var useMaxCompletionTokens: Bool
        public var azureDeployment: String?
        public var contextWindow: Int?

        enum CodingKeys: String, CodingKey {
            case backend, model, baseURL = "base_url", temperature, topP = "top_p", maxTokens = "max_tokens", seed, stop, n
            case logprobs, topLogprobs = "top_logprobs", azureDeployment = "azure_deployment"
        }
    }

    public let settings: Settings
    public var requestSettings = BackendRequestSettings()
    let client: OpenAIClient
    /// The server model's tokenizer, when the config names a local `tokenizer.json`.
    let tokenizer: BPETokenizer?

    public var name: String { settings.backend }
    public var capabilities: ModelCapabilities { ModelCapabilities(chat: true, loglikelihood: false, logprobs: true, images: true) }
    public var contextWindow: Int? { settings.contextWindow }
    public var maxTokens: Int? { settings.maxTokens }

    init(settings: Settings, client: OpenAIClient, tokenizer: BPETokenizer? = nil) {
        self.settings = settings
        self.client = client
        self.tokenizer = tokenizer
    }

    /// Tokens of the messages' text plus a few per message for role markers.
    public func countTokens(_ prompt: Prompt) -> Int? {
        guard let tokenizer else { return nil }
        switch prompt {
        case .text(let t): return tokenizer.count(t)
        case .chat(let messages): return messages.reduce(3) { $0 + tokenizer.count($1.textContent) + 4 }
        }
    }

    public var modelDict: JSONValue { identity(settings, ["endpoint": "chat/completions"]) }

    /// The JSON body for `request`: the request's parameters over the model's.
    public func payload(for request: GenerationRequest) -> JSONValue {
        let p = request.parameters
        let messages: [ChatMessage]
        switch request.prompt {
        case .chat(let m): messages = m
        case .text(let t): messages = [.user(t)]
        }
        var body: [String: JSONValue] = [
            "model": .string(settings.model),
            "messages": .array(messages.map(\.json)),
            "temperature": .double(p.temperature ?? settings.temperature),
        ]
        if let v = p.topP ?? settings.topP { body["top_p"] = .double(v) }
        if let v = p.maxTokens ?? settings.maxTokens { body[settings.useMaxCompletionTokens ? "max_completion_tokens" : "max_tokens"] = .int(v) }
        if let v = p.seed ?? settings.seed { body["seed"] = .int(v) }
        if let v = p.stop ?? settings.stop, !v.isEmpty { body["stop"] = .array(v.map(JSONValue.string)) }
        if let v = settings.n, v != 1 { body["n"] = .int(v) }
        let logprobs = p.logprobs || settings.logprobs
        if logprobs {
            body["logprobs"] = true
            if let v = p.topLogprobs ?? settings.topLogprobs { body["top_logprobs"] = .int(v) }
        }
        return .object(body)
    }

    public func generate(_ request: GenerationRequest) async throws -> Generation {
        let response = try await client.post("chat/completions", body: payload(for: request))
        return try Self.parse(response)
    }

    /// Reads the first choice: text, finish reason, usage and token logprobs.
    static func parse(_ json: JSONValue) throws -> Generation {
        guard let choice = json["choices"]?[0] else {
            throw ModelError(.malformedResponse, "chat response without choices")
        }
        let message = choice["message"]
        let text = message?["content"]?.stringValue ?? message?["refusal"]?.stringValue ?? ""
        var logprobs: [TokenLogprob]?
        if let content = choice["logprobs"]?["content"]?.arrayValue {
            logprobs = content.compactMap { item in
                guard let token = item["token"]?.stringValue, let lp = item["logprob"]?.doubleValue else { return nil }
                var top: [String: Double] = [:]
                for alternative in item["top_logprobs"]?.arrayValue ?? [] {
                    if let t = alternative["token"]?.stringValue, let l = alternative["logprob"]?.doubleValue { top[t] = l }
                }
                return TokenLogprob(token: token, logprob: lp, top: top)
            }
        }
        return Generation(text: text, finishReason: choice["finish_reason"]?.stringValue,
                          usage: usage(json["usage"]), logprobs: logprobs)
    }

    static func usage(_ json: JSONValue?) -> TokenUsage? {
        // A count that is not a whole number of zero or more is no count at all.
        guard let json, let prompt = json["prompt_tokens"]?.intValue, prompt >= 0 else { return nil }
        return TokenUsage(promptTokens: prompt, completionTokens: max(0, json["completion_tokens"]?.intValue ?? 0))
    }
}

/// `+model=openai_chat`: OpenAI's Chat Completions (also Azure OpenAI and proxies), the key from `api_key_env`.
public enum OpenAIChatBackend: Backend {
    public static let name = "openai_chat"

    public static func build(_ p: OpenAIParams, environment: ModelEnvironment) throws -> any LanguageModel {
        let base = p.baseURL ?? OpenAIParams.openAIBaseURL
        let official = p.baseURL == nil || base.contains("api.openai.com") || p.azureDeployment != nil
        let settings = OpenAIChatModel.Settings(
            backend: name, model: p.modelName, baseURL: base, temperature: p.temperature ?? 0.0, topP: p.topP,
            maxTokens: scaledMaxTokens(p.maxTokens, bytesPerToken: p.bytesPerToken), seed: p.seed, stop: p.stop, n: p.n,
            logprobs: p.logprobs ?? false, topLogprobs: p.topLogprobs, useMaxCompletionTokens: official,
            azureDeployment: p.azureDeployment, contextWindow: p.contextWindow)
        return OpenAIChatModel(settings: settings, client: try p.client(environment, backend: name))
    }
}

/// `+model=local_chat`: any OpenAI-compatible chat server (vLLM, llama.cpp, TGI), with
/// lm-eval's `local-chat-completions` params.
public enum LocalChatBackend: Backend {
    public static let name = "local_chat"

    public static func build(_ p: LocalServerParams, environment: ModelEnvironment) throws -> any LanguageModel {
        let settings = OpenAIChatModel.Settings(
            backend: name, model: p.model ?? "default", baseURL: p.baseURL, temperature: p.temperature ?? 0.0,
            topP: p.topP, maxTokens: scaledMaxTokens(p.maxGenToks ?? 256, bytesPerToken: p.bytesPerToken), seed: p.seed,
            stop: p.eosString.map { [$0] }, n: nil, logprobs: false, topLogprobs: nil, useMaxCompletionTokens: false,
            azureDeployment: nil, contextWindow: p.maxLength)
        var model = OpenAIChatModel(settings: settings, client: p.client(environment), tokenizer: try p.loadTokenizer())
        model.requestSettings = BackendRequestSettings(maxConcurrency: p.numConcurrent, maxRetries: p.maxRetries)
        return model
    }
}
