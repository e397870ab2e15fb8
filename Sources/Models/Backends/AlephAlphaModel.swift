import Foundation

/// Aleph Alpha's `complete` endpoint. Loglikelihoods come from `echo` with `log_probs`.
public struct AlephAlphaModel: LanguageModel {
    public struct Settings: Sendable, Hashable {
        public var model: String
        public var baseURL: String
        public var maximumTokens: Int?
        public var temperature: Double
        public var topP: Double?
        public var stopSequences: [String]?
        public var formatterName: String
        public var contextWindow: Int?
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

    public var modelDict: JSONValue {
        var o: [String: JSONValue] = [
            "backend": "aleph_alpha", "endpoint": "complete", "model": .string(settings.model),
            "base_url": .string(settings.baseURL), "temperature": .double(settings.temperature),
            "formatter": .string(settings.formatterName),
        ]
        o["maximum_tokens"] = settings.maximumTokens.map(JSONValue.int)
        o["top_p"] = settings.topP.map(JSONValue.double)
        o["stop_sequences"] = settings.stopSequences.map { .array($0.map(JSONValue.string)) }
        return .object(o)
    }

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
