import Models

/// A request to a model, as the ResponseComponent sends it.
public enum ModelRequest: Sendable, Hashable {
    case generate(GenerationRequest)
    case loglikelihood(LoglikelihoodRequest)

    public var kind: String {
        switch self {
        case .generate: return "generate"
        case .loglikelihood: return "loglikelihood"
        }
    }

    /// The request's JSON form: prompt or context, per-request parameters, sample index.
    public var json: JSONValue {
        switch self {
        case .generate(let r):
            return ["prompt": r.prompt.json, "params": r.parameters.json, "sample": .int(r.sampleIndex)]
        case .loglikelihood(let r):
            return ["context": .string(r.context), "continuation": .string(r.continuation)]
        }
    }
}

/// A model's answer to one request.
public enum ModelAnswer: Sendable, Hashable, Codable {
    case generation(Generation)
    case loglikelihood(Loglikelihood)

    public var usage: TokenUsage? {
        switch self {
        case .generation(let g): return g.usage
        case .loglikelihood(let l): return l.usage
        }
    }
}

/// The cache key: SHA-256 of the canonical JSON of { model identity, request kind, request }.
/// Keys and settings that do not change answers are not in the model identity, so never here.
public enum CacheKey {
    public static func make(modelDict: JSONValue, request: ModelRequest) -> String {
        make(modelCanonical: modelDict.canonicalString, request: request)
    }

    /// The same key from the model identity already in canonical form (computed once per run).
    public static func make(modelCanonical: String, request: ModelRequest) -> String {
        // The canonical object {kind, model, request}, keys in sorted order.
        let document = "{\"kind\":" + JSONValue.string(request.kind).canonicalString + ",\"model\":" + modelCanonical
            + ",\"request\":" + request.json.canonicalString + "}"
        return SHA256.hex(Array(document.utf8))
    }
}
