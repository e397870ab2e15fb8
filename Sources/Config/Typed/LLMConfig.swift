/// Which model to build and with what parameters: `conf/model/<name>.yaml` under `model`.
///
/// `name` picks the backend from the model registry; `params` stays a ``ConfigNode`` because
/// each backend decodes (and checks) its own parameters.
///
/// ```yaml
/// name: openai_chat
/// params:
///   model_name: gpt-4o
///   temperature: 0.0
/// ```
public struct LLMConfig: Decodable, Sendable, Equatable {
    public var name: String
    public var params: ConfigNode

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, params
    }

    public init(name: String, params: ConfigNode = .emptyMapping) {
        self.name = name
        self.params = params
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        params = try container.decodeIfPresent(ConfigNode.self, forKey: .params) ?? .emptyMapping
        if case .null = params.value { params = .emptyMapping }
    }
}
