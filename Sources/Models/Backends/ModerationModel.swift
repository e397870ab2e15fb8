import Foundation

/// OpenAI's moderation endpoint (`POST /v1/moderations` with `{model, input}`) as a model whose
/// "generation" is the verdict, so that checks go through the ResponseComponent like any request:
/// cached by the checker's identity, retried, rate-limited. The text is the first result as JSON:
/// `{"flagged": true, "categories": ["violence"], "category_scores": {...}}`.
public struct ModerationModel: LanguageModel {
    public let model: String
    public let baseURL: String
    let client: OpenAIClient

    public var name: String { "moderation" }
    public var modelDict: JSONValue { ["backend": "moderation", "model": .string(model), "base_url": .string(baseURL)] }
    public var capabilities: ModelCapabilities { ModelCapabilities(chat: false, loglikelihood: false, logprobs: false, images: false) }
    public var contextWindow: Int? { nil }
    public var maxTokens: Int? { nil }
    public var requestSettings: BackendRequestSettings { BackendRequestSettings() }
    public func countTokens(_ prompt: Prompt) -> Int? { nil }

    public init(model: String, baseURL: String?, apiKeyEnv: String, environment: ModelEnvironment) throws {
        self.model = model
        self.baseURL = baseURL ?? "https://api.openai.com/v1"
        let key = try SecretLookup(environment: environment.environment).require(apiKeyEnv, for: "safety=moderation")
        client = OpenAIClient(baseURL: self.baseURL, auth: .bearer(key), organization: nil, azure: nil,
                              transport: environment.transport(verifyCertificates: true), timeout: .seconds(60))
    }

    public func generate(_ request: GenerationRequest) async throws -> Generation {
        let text: String
        switch request.prompt {
        case .text(let t): text = t
        case .chat(let messages): text = messages.map(\.textContent).joined(separator: "\n")
        }
        let json = try await client.post("moderations", body: ["model": .string(model), "input": .string(text)])
        guard let result = json["results"]?[0], let flagged = result["flagged"] else {
            throw ModelError(.malformedResponse, "the moderation endpoint answered without results[0].flagged")
        }
        let categories = (result["categories"]?.objectValue ?? [:]).filter { $0.value == .bool(true) }.keys.sorted()
        let verdict: JSONValue = ["flagged": flagged, "categories": .array(categories.map(JSONValue.string)),
                                  "category_scores": result["category_scores"] ?? .object([:])]
        return Generation(text: verdict.canonicalString, finishReason: "stop", usage: nil, logprobs: nil)
    }

    public func loglikelihood(_ request: LoglikelihoodRequest) async throws -> Loglikelihood {
        throw ModelError(.unsupported, "the moderation endpoint does not score text")
    }
}
