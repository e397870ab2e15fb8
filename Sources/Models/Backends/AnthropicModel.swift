import Config
import Foundation

/// `conf/model/anthropic.yaml` params: the Messages API's own names.
public struct AnthropicParams: BackendParams, Equatable {
    public var modelName: String
    /// The Messages API requires it; lm-eval's `anthropic-chat` default.
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var stopSequences: [String]?
    public var apiKeyEnv: String?
    /// The API's root, without `/v1` (the SDK's `base_url`).
    public var baseURL: String?
    public var anthropicVersion: String?
    public var timeout: Double?
    public var verifyCertificate: Bool?
    public var bytesPerToken: Double?
    public var contextWindow: Int?
    public var maxRetries: Int?
    public var numConcurrent: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case modelName = "model_name", maxTokens = "max_tokens", temperature, topP = "top_p", topK = "top_k"
        case stopSequences = "stop_sequences", apiKeyEnv = "api_key_env", baseURL = "base_url"
        case anthropicVersion = "anthropic_version", timeout, verifyCertificate = "verify_certificate"
        case bytesPerToken = "bytes_per_token", contextWindow = "context_window", maxRetries = "max_retries"
        case numConcurrent = "num_concurrent"
    }

    public static let rules: [String: ParamRule] = [
        "max_tokens": .count(minimum: 1), "temperature": .between(0, 1), "top_p": .probability, "top_k": .count(minimum: 0),
        "base_url": .url, "timeout": .positive, "bytes_per_token": .positive, "context_window": .count(minimum: 1),
        "max_retries": .count(minimum: 0), "num_concurrent": .count(minimum: 1),
    ]
}

/// `+model=anthropic`: Anthropic's Messages API (`POST /v1/messages`), with the key in
/// `x-api-key` and the `anthropic-version` header. The API has no seed and no logprobs: a
/// run's `seed` does not reach it, and tasks that need logprobs refuse it before any request.
public enum AnthropicBackend: Backend {
    public static let name = "anthropic"

    public static func build(_ p: AnthropicParams, environment: ModelEnvironment) throws -> any LanguageModel {
        let key = try SecretLookup(environment: environment.environment).require(p.apiKeyEnv ?? "ANTHROPIC_API_KEY", for: name)
        let base = p.baseURL ?? "https://api.anthropic.com"
        let settings = AnthropicModel.Settings(
            model: p.modelName, baseURL: base, maxTokens: scaledMaxTokens(p.maxTokens ?? 256, bytesPerToken: p.bytesPerToken) ?? 256,
            temperature: p.temperature ?? 0.0, topP: p.topP, topK: p.topK, stopSequences: p.stopSequences, contextWindow: p.contextWindow)
        var client = OpenAIClient(baseURL: base, auth: .header(name: "x-api-key", key: key), organization: nil, azure: nil,
                                  transport: environment.transport(verifyCertificates: p.verifyCertificate ?? true),
                                  timeout: .seconds(checked: p.timeout, default: 600))
        client.fixedHeaders = ["anthropic-version": p.anthropicVersion ?? "2023-06-01"]
        var model = AnthropicModel(settings: settings, client: client)
        model.requestSettings = BackendRequestSettings(maxConcurrency: p.numConcurrent, maxRetries: p.maxRetries)
        return model
    }
}

public struct AnthropicModel: LanguageModel {
    /// Those with a coding key change answers and are the model's identity (``modelDict``).
    public struct Settings: Sendable, Hashable, Encodable {
        public var model: String
        public var baseURL: String
        public var maxTokens: Int
        public var temperature: Double
        public var topP: Double?
        public var topK: Int?
        public var stopSequences: [String]?
        public var contextWindow: Int?

        enum CodingKeys: String, CodingKey {
            case model, baseURL = "base_url", maxTokens = "max_tokens", temperature, topP = "top_p", topK = "top_k"
            case stopSequences = "stop_sequences"
        }
    }

    public let settings: Settings
    public var requestSettings = BackendRequestSettings()
    let client: OpenAIClient

    public var name: String { AnthropicBackend.name }
    public var capabilities: ModelCapabilities { ModelCapabilities(chat: true, loglikelihood: false, logprobs: false, images: true) }
    public var contextWindow: Int? { settings.contextWindow }
    public var maxTokens: Int? { settings.maxTokens }
    public var modelDict: JSONValue { identity(settings, ["backend": "anthropic", "endpoint": "messages"]) }

    init(settings: Settings, client: OpenAIClient) {
        self.settings = settings
        self.client = client
    }

    /// The Messages API's body: system messages go to the top-level `system` (the API refuses
    /// the role in `messages`), the rest in order, images as base64 or URL sources.
    public func payload(for request: GenerationRequest) -> JSONValue {
        let p = request.parameters
        let conversation: [ChatMessage]
        switch request.prompt {
        case .chat(let m): conversation = m
        case .text(let t): conversation = [.user(t)]
        }
        let system = conversation.filter { $0.role == .system }.map(\.textContent)
        let messages = conversation.filter { $0.role != .system }.map(Self.message)
        var body: [String: JSONValue] = [
            "model": .string(settings.model), "messages": .array(messages),
            "max_tokens": .int(p.maxTokens ?? settings.maxTokens),
            "temperature": .double(p.temperature ?? settings.temperature),
        ]
        if !system.isEmpty { body["system"] = .string(system.joined(separator: "\n\n")) }
        if let v = p.topP ?? settings.topP { body["top_p"] = .double(v) }
        if let v = settings.topK { body["top_k"] = .int(v) }
        if let v = p.stop ?? settings.stopSequences, !v.isEmpty { body["stop_sequences"] = .array(v.map(JSONValue.string)) }
        return .object(body)
    }

    /// A message in the API's form: a string for text only, else content blocks.
    static func message(_ message: ChatMessage) -> JSONValue {
        let role: JSONValue = message.role == .assistant ? "assistant" : "user"
        if message.parts.count == 1, case .text(let t) = message.parts[0] { return ["role": role, "content": .string(t)] }
        let blocks: [JSONValue] = message.parts.map { part in
            switch part {
            case .text(let t): return ["type": "text", "text": .string(t)]
            case .imageURL(let url, _): return ["type": "image", "source": imageSource(url)]
            }
        }
        return ["role": role, "content": .array(blocks)]
    }

    /// `data:image/png;base64,...` as a base64 source, anything else as a URL source.
    static func imageSource(_ url: String) -> JSONValue {
        if url.hasPrefix("data:"), let comma = url.firstIndex(of: ","), url[..<comma].hasSuffix(";base64") {
            let mediaType = url[url.index(url.startIndex, offsetBy: 5)..<comma].dropLast(";base64".count)
            return ["type": "base64", "media_type": .string(String(mediaType)), "data": .string(String(url[url.index(after: comma)...]))]
        }
        return ["type": "url", "url": .string(url)]
    }

    public func generate(_ request: GenerationRequest) async throws -> Generation {
        try Self.parse(try await client.post("v1/messages", body: payload(for: request)))
    }

    /// The text blocks of a message joined, its `stop_reason` and usage.
    static func parse(_ json: JSONValue) throws -> Generation {
        guard json["type"]?.stringValue == "message", let content = json["content"]?.arrayValue else {
            throw ModelError(.malformedResponse, "a Messages API answer without type 'message' and content")
        }
        let text = content.compactMap { block in block["type"]?.stringValue == "text" ? block["text"]?.stringValue : nil }.joined()
        var usage: TokenUsage?
        if let input = json["usage"]?["input_tokens"]?.intValue, input >= 0 {
            usage = TokenUsage(promptTokens: input, completionTokens: max(0, json["usage"]?["output_tokens"]?.intValue ?? 0))
        }
        return Generation(text: text, finishReason: json["stop_reason"]?.stringValue, usage: usage)
    }
}

extension AnthropicModel: BatchCapableModel {
    public var batchAPI: any BatchService { AnthropicBatchAPI(client: client) }

    public func batchEntry(for request: ModelRequest) -> (url: String, body: JSONValue)? {
        guard case .generate(let generation) = request else { return nil }
        return ("/v1/messages", payload(for: generation))
    }

    public func batchAnswer(_ body: JSONValue, for request: ModelRequest) throws -> ModelAnswer {
        .generation(try Self.parse(body))
    }
}

/// Anthropic's Message Batches: `POST /v1/messages/batches` with the requests inline,
/// `GET .../{id}`, `GET .../{id}/results` (JSON Lines), `POST .../{id}/cancel`. Results are
/// read by the batch id from the configured base_url, never from the `results_url` a response
/// names, so the key goes to no other host.
struct AnthropicBatchAPI: BatchService {
    let client: OpenAIClient

    static func status(_ json: JSONValue) throws -> BatchStatus {
        guard let id = json["id"]?.stringValue, let status = json["processing_status"]?.stringValue else {
            throw ModelError(.malformedResponse, "a message batch without id or processing_status")
        }
        let counts = json["request_counts"]
        func count(_ name: String) -> Int { max(0, counts?[name]?.intValue ?? 0) }
        let failed = count("errored") + count("canceled") + count("expired")
        return BatchStatus(id: id, status: status, total: count("processing") + count("succeeded") + failed,
                           completed: count("succeeded"), failed: failed, isFinished: status == "ended")
    }

    func submit(_ entries: [BatchEntry], endpoint: String, completionWindow: String, name: String) async throws -> (batch: BatchStatus, note: String) {
        let requests: [JSONValue] = entries.map { ["custom_id": .string($0.key), "params": $0.body] }
        let body: JSONValue = ["requests": .array(requests)]
        return (try Self.status(try await client.request("POST", "v1/messages/batches", body: body.canonicalData, contentType: "application/json")),
                "\(entries.count) requests inline")
    }

    func retrieve(_ id: String) async throws -> BatchStatus {
        try Self.status(try await client.request("GET", "v1/messages/batches/\(id)", body: nil, contentType: nil))
    }

    func cancel(_ id: String) async throws -> BatchStatus {
        try Self.status(try await client.request("POST", "v1/messages/batches/\(id)/cancel", body: Data(), contentType: "application/json"))
    }

    /// The `succeeded` lines' messages; `errored`, `canceled` and `expired` lines are left out.
    func results(of batch: BatchStatus) async throws -> [(key: String, body: JSONValue)] {
        jsonLines(try await client.raw("GET", "v1/messages/batches/\(batch.id)/results")).compactMap { json in
            guard let key = json["custom_id"]?.stringValue, json["result"]?["type"]?.stringValue == "succeeded",
                  let message = json["result"]?["message"] else { return nil }
            return (key, message)
        }
    }
}
