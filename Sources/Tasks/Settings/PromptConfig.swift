/// How an item becomes a prompt (`task.prompt`): a template with `{field}` placeholders, an
/// optional system prompt and few-shot examples.
public struct PromptConfig: Decodable, Sendable, Equatable {
    public var template: String
    public var system: String?
    /// Number of few-shot examples to prepend.
    public var fewShot: Int?
    /// Where few-shot examples come from (defaults to the dataset itself).
    public var fewShotPath: String?
    /// Use chat messages (system, few-shot turns, user) when the model is a chat model; `false`
    /// sends one text prompt to every model. Default `true`.
    public var chat: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case template, system, chat
        case fewShot = "few_shot"
        case fewShotPath = "few_shot_path"
    }
}
