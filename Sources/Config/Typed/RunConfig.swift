/// The whole configuration of one run, decoded from the composed and resolved tree.
///
/// `model` and `task` are optional here because a run can be composed without them
/// (`runner --cfg job`); an evaluation checks that both are present.
public struct RunConfig: Decodable, Sendable, Equatable {
    public var model: LLMConfig?
    public var task: TaskConfig?
    public var response: ResponseConfig
    public var seed: Int
    /// Write `report.html` into a sweep's folder when it ends.
    public var report: Bool
    /// Safety checks on prompts and outputs, when a `safety` option is chosen.
    public var safety: SafetyConfig?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, task, response, seed, report, safety
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decodeIfPresent(LLMConfig.self, forKey: .model)
        task = try c.decodeIfPresent(TaskConfig.self, forKey: .task)
        response = try c.decodeIfPresent(ResponseConfig.self, forKey: .response)
            ?? ConfigDecoder().decode(ResponseConfig.self, from: .emptyMapping, at: "response")
        seed = try c.decodeIfPresent(Int.self, forKey: .seed) ?? 1234
        report = try c.decodeIfPresent(Bool.self, forKey: .report) ?? true
        safety = try c.decodeIfPresent(SafetyConfig.self, forKey: .safety)
    }
}
