/// `safety` (from `+safety=moderation` or `+safety=llama_guard`): check the prompt before the
/// model answers, the output after, or both, and record, replace or skip what is unsafe.
public struct SafetyConfig: Decodable, Sendable, Equatable {
    public enum Stage: String, ConfigEnum { case prompt, output }
    public enum Action: String, ConfigEnum { case record, replace, skip }

    /// `moderation` (an OpenAI-compatible /v1/moderations) or `llama_guard` (a model as the judge).
    public var name: String
    public var check: [Stage]
    public var action: Action
    /// What an unsafe output becomes with `action: replace` (a2rchi's safety message).
    public var message: String
    /// moderation: the endpoint's model, base URL and key variable.
    public var model: String?
    public var baseURL: String?
    public var apiKeyEnv: String?
    /// llama_guard: the judge, any backend (`+model@safety.judge=...`).
    public var judge: LLMConfig?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, check, action, message, model, baseURL = "base_url", apiKeyEnv = "api_key_env", judge
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        check = try c.decodeIfPresent([Stage].self, forKey: .check) ?? [.prompt, .output]
        action = try c.decodeIfPresent(Action.self, forKey: .action) ?? .record
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? "I'm sorry, I can't help with that."
        model = try c.decodeIfPresent(String.self, forKey: .model)
        baseURL = try c.decodeIfPresent(String.self, forKey: .baseURL)
        apiKeyEnv = try c.decodeIfPresent(String.self, forKey: .apiKeyEnv)
        judge = try c.decodeIfPresent(LLMConfig.self, forKey: .judge)
        try ResponseConfig.check(["moderation", "llama_guard"].contains(name), "safety.name", "moderation or llama_guard", decoder)
        try ResponseConfig.check(name != "llama_guard" || judge != nil, "safety.judge", "a model for llama_guard (+model@safety.judge=OPTION)", decoder)
    }
}
