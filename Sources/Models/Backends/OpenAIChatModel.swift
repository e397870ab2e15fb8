import Foundation
import Tokenizers

/// Chat Completions: OpenAI (`openai_chat`, also Azure OpenAI and proxies) and any
/// OpenAI-compatible chat server (`local_chat`: vLLM, llama.cpp, TGI).
public struct OpenAIChatModel: LanguageModel {
    /// Settings after defaults are applied; what goes into requests and the model's identity.
    public struct Settings: Sendable, Hashable {
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

    public var modelDict: JSONValue {
        var o: [String: JSONValue] = [
            "backend": .string(settings.backend), "endpoint": "chat/completions", "model": .string(settings.model),
            "base_url": .string(settings.baseURL), "temperature": .double(settings.temperature),
            "logprobs": .bool(settings.logprobs),
        ]
        o["top_p"] = settings.topP.map(JSONValue.double)
        o["max_tokens"] = settings.maxTokens.map(JSONValue.int)
        o["seed"] = settings.seed.map(JSONValue.int)
        o["stop"] = settings.stop.map { .array($0.map(JSONValue.string)) }
        o["n"] = settings.n.map(JSONValue.int)
        o["top_logprobs"] = settings.topLogprobs.map(JSONValue.int)
        o["azure_deployment"] = settings.azureDeployment.map(JSONValue.string)
        return .object(o)
    }

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
