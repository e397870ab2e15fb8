import Foundation
import Tokenizers

/// Completions: OpenAI (`openai_completion`) and OpenAI-compatible servers
/// (`local_completions`). Scores loglikelihoods by echoing the prompt with logprobs, as
/// lm-evaluation-harness's local-completions does.
public struct OpenAICompletionModel: LanguageModel {
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
        public var logprobs: Int?
        public var contextWindow: Int?
        public var formatterName: String

        enum CodingKeys: String, CodingKey {
            case backend, model, baseURL = "base_url", temperature, topP = "top_p", maxTokens = "max_tokens", seed, stop
            case logprobs, formatterName = "formatter"
        }
    }

    public let settings: Settings
    public var requestSettings = BackendRequestSettings()
    let formatter: any Formatter
    let client: OpenAIClient
    let tokenizer: BPETokenizer?

    public var name: String { settings.backend }
    public var capabilities: ModelCapabilities { ModelCapabilities(chat: false, loglikelihood: true, logprobs: true) }
    public var contextWindow: Int? { settings.contextWindow }
    public var maxTokens: Int? { settings.maxTokens }

    init(settings: Settings, formatter: any Formatter, client: OpenAIClient, tokenizer: BPETokenizer? = nil) {
        self.settings = settings
        self.formatter = formatter
        self.client = client
        self.tokenizer = tokenizer
    }

    public func countTokens(_ prompt: Prompt) -> Int? {
        tokenizer?.count(promptText(prompt))
    }

    public var modelDict: JSONValue { identity(settings, ["endpoint": "completions"]) }

    func promptText(_ prompt: Prompt) -> String {
        switch prompt {
        case .text(let t): return t
        case .chat(let messages): return formatter.format(messages, addGenerationPrompt: true)
        }
    }

    public func payload(for request: GenerationRequest) -> JSONValue {
        let p = request.parameters
        var body: [String: JSONValue] = [
            "model": .string(settings.model),
            "prompt": .string(promptText(request.prompt)),
            "temperature": .double(p.temperature ?? settings.temperature),
        ]
        if let v = p.topP ?? settings.topP { body["top_p"] = .double(v) }
        if let v = p.maxTokens ?? settings.maxTokens { body["max_tokens"] = .int(v) }
        if let v = p.seed ?? settings.seed { body["seed"] = .int(v) }
        if let v = p.stop ?? settings.stop, !v.isEmpty { body["stop"] = .array(v.map(JSONValue.string)) }
        if p.logprobs || settings.logprobs != nil { body["logprobs"] = .int(p.topLogprobs ?? settings.logprobs ?? 1) }
        return .object(body)
    }

    /// lm-eval's loglikelihood request: the whole text echoed with one logprob per token and
    /// one generated token (some servers refuse `max_tokens: 0`).
    public func loglikelihoodPayload(for request: LoglikelihoodRequest) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(settings.model), "prompt": .string(request.context + request.continuation),
            "temperature": 0.0, "max_tokens": 1, "logprobs": 1, "echo": true,
        ]
        if let seed = settings.seed { body["seed"] = .int(seed) }
        return .object(body)
    }

    public func generate(_ request: GenerationRequest) async throws -> Generation {
        let json = try await client.post("completions", body: payload(for: request))
        guard let choice = json["choices"]?[0] else { throw ModelError(.malformedResponse, "completions response without choices") }
        var logprobs: [TokenLogprob]?
        if let lp = choice["logprobs"], let tokens = lp["tokens"]?.arrayValue {
            let values = lp["token_logprobs"]?.arrayValue ?? []
            let tops = lp["top_logprobs"]?.arrayValue ?? []
            logprobs = tokens.enumerated().map { index, token in
                TokenLogprob(token: token.stringValue ?? "", logprob: values.indices.contains(index) ? values[index].doubleValue ?? 0 : 0,
                             top: Self.topDictionary(tops.indices.contains(index) ? tops[index] : nil))
            }
        }
        return Generation(text: choice["text"]?.stringValue ?? "", finishReason: choice["finish_reason"]?.stringValue,
                          usage: OpenAIChatModel.usage(json["usage"]), logprobs: logprobs)
    }

    public func loglikelihood(_ request: LoglikelihoodRequest) async throws -> Loglikelihood {
        let json = try await client.post("completions", body: loglikelihoodPayload(for: request))
        var result = try Self.scoreEcho(json, context: request.context, continuation: request.continuation)
        result.usage = OpenAIChatModel.usage(json["usage"])
        return result
    }

    static func topDictionary(_ json: JSONValue?) -> [String: Double] {
        var top: [String: Double] = [:]
        for (token, value) in json?.objectValue ?? [:] { if let v = value.doubleValue { top[token] = v } }
        return top
    }

    /// Sums the logprobs of the continuation's tokens in an echoed response, and checks that
    /// each was the most likely token. Tokens are assigned to the context or the continuation
    /// by their `text_offset` (characters into the prompt); the generated token is ignored.
    public static func scoreEcho(_ json: JSONValue, context: String, continuation: String) throws -> Loglikelihood {
        guard let lp = json["choices"]?[0]?["logprobs"], let tokens = lp["tokens"]?.arrayValue,
              let values = lp["token_logprobs"]?.arrayValue else {
            throw ModelError(.malformedResponse, "echo response without logprobs",
                             hint: "the server must support echo=true with logprobs (vLLM and OpenAI do)")
        }
        let tops = lp["top_logprobs"]?.arrayValue ?? []
        let contextLength = context.unicodeScalars.count
        let promptLength = contextLength + continuation.unicodeScalars.count
        var offsets = lp["text_offset"]?.arrayValue?.compactMap(\.intValue) ?? []
        if offsets.count != tokens.count {
            // No offsets: rebuild them from the token texts.
            offsets = []
            var position = 0
            for token in tokens {
                offsets.append(position)
                position += token.stringValue?.unicodeScalars.count ?? 0
            }
        }
        var logprob = 0.0
        var greedy = true
        var counted = 0
        for index in tokens.indices where offsets[index] >= contextLength && offsets[index] < promptLength {
            // A server may send fewer logprobs than tokens: those tokens are not scored.
            guard values.indices.contains(index), let value = values[index].doubleValue else { continue }
            logprob += value
            counted += 1
            let top = topDictionary(tops.indices.contains(index) ? tops[index] : nil)
            if let best = top.max(by: { $0.value < $1.value }), best.key != tokens[index].stringValue {
                greedy = false
            }
        }
        guard counted > 0 else {
            throw ModelError(.malformedResponse, "echo response has no tokens for the continuation",
                             hint: "the server's echo did not return the prompt's tokens")
        }
        return Loglikelihood(logprob: logprob, isGreedy: greedy)
    }
}

/// `+model=openai_completion`: OpenAI's legacy Completions endpoint (davinci-002, babbage-002).
public enum OpenAICompletionBackend: Backend {
    public static let name = "openai_completion"

    public static func build(_ p: OpenAIParams, environment: ModelEnvironment) throws -> any LanguageModel {
        let formatter = try FormatterRegistry.make(p.formatterName, kwargs: p.formatterKwargs)
        let settings = OpenAICompletionModel.Settings(
            backend: name, model: p.modelName, baseURL: p.baseURL ?? OpenAIParams.openAIBaseURL,
            temperature: p.temperature ?? 0.0, topP: p.topP,
            maxTokens: scaledMaxTokens(p.maxTokens, bytesPerToken: p.bytesPerToken), seed: p.seed, stop: p.stop,
            logprobs: p.topLogprobs, contextWindow: p.contextWindow, formatterName: formatter.name)
        return OpenAICompletionModel(settings: settings, formatter: formatter, client: try p.client(environment, backend: name))
    }
}

/// `+model=local_completions`: any OpenAI-compatible completions server, with lm-eval's
/// `local-completions` params; scores loglikelihoods by echo.
public enum LocalCompletionsBackend: Backend {
    public static let name = "local_completions"

    public static func build(_ p: LocalServerParams, environment: ModelEnvironment) throws -> any LanguageModel {
        let formatter = try FormatterRegistry.make(p.formatterName, kwargs: p.formatterKwargs)
        let settings = OpenAICompletionModel.Settings(
            backend: name, model: p.model ?? "default", baseURL: p.baseURL, temperature: p.temperature ?? 0.0,
            topP: p.topP, maxTokens: scaledMaxTokens(p.maxGenToks ?? 256, bytesPerToken: p.bytesPerToken), seed: p.seed,
            stop: p.eosString.map { [$0] }, logprobs: nil, contextWindow: p.maxLength, formatterName: formatter.name)
        var model = OpenAICompletionModel(settings: settings, formatter: formatter, client: p.client(environment),
                                          tokenizer: try p.loadTokenizer())
        model.requestSettings = BackendRequestSettings(maxConcurrency: p.numConcurrent, maxRetries: p.maxRetries)
        return model
    }
}
