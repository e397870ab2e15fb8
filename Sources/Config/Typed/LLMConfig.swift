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
    /// Prices for cost reports; not part of the model's identity.
    public var pricing: Pricing?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, params, pricing
    }

    public init(name: String, params: ConfigNode = .emptyMapping, pricing: Pricing? = nil) {
        self.name = name
        self.params = params
        self.pricing = pricing
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        params = try container.decodeIfPresent(ConfigNode.self, forKey: .params) ?? .emptyMapping
        if case .null = params.value { params = .emptyMapping }
        pricing = try container.decodeIfPresent(Pricing.self, forKey: .pricing)
    }
}

/// US dollars per million tokens, as providers list them (`model.pricing`).
public struct Pricing: Decodable, Sendable, Equatable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double
    /// The price of a batch API's answers as a fraction of the list price (OpenAI: half).
    public var batchDiscount: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case inputPerMillion = "input_per_million"
        case outputPerMillion = "output_per_million"
        case batchDiscount = "batch_discount"
    }

    public init(inputPerMillion: Double, outputPerMillion: Double, batchDiscount: Double? = nil) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.batchDiscount = batchDiscount
    }

    /// What a batched token costs relative to a direct one.
    public var batchFactor: Double { batchDiscount ?? 0.5 }

    /// The cost of this many tokens.
    public func cost(promptTokens: Int, completionTokens: Int) -> Double {
        (Double(promptTokens) * inputPerMillion + Double(completionTokens) * outputPerMillion) / 1_000_000
    }
}
