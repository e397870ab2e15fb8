import Models

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
