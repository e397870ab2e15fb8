/// Which faults the fake server injects.
///
/// Per-prompt markers make tests exact under concurrency: a prompt containing
/// `[fault:429x2]` gets two 429 answers and then a normal one; `[fault:context]` always gets a
/// context-length error. Kinds: `429`, `500`, `503`, `408`, `400`, `401`, `403`, `404`, `422`,
/// `reset` (connection reset), `hang` (no answer until the client gives up), `malformed`
/// (invalid JSON), `truncated` (half a body), `context` (the backend's context-length error).
/// Global settings add latency and random faults for benchmarks.
public struct FaultPlan: Sendable {
    /// Milliseconds to wait before answering each request.
    public var latencyMilliseconds: Int
    /// `Retry-After` seconds sent with 429 and 503 (nil sends none).
    public var retryAfterSeconds: Double?
    /// How long a hanging request hangs, in seconds.
    public var hangSeconds: Double
    /// A fraction of requests that get a random 429 (seeded).
    public var random429Rate: Double

    public init(latencyMilliseconds: Int = 0, retryAfterSeconds: Double? = nil, hangSeconds: Double = 10,
                random429Rate: Double = 0) {
        self.latencyMilliseconds = latencyMilliseconds
        self.retryAfterSeconds = retryAfterSeconds
        self.hangSeconds = hangSeconds
        self.random429Rate = random429Rate
    }

    /// The marker in a prompt: kind and how many times (nil: always).
    static func marker(in text: String) -> (kind: String, times: Int?)? {
        guard let start = text.range(of: "[fault:") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "]") else { return nil }
        let spec = rest[..<end]
        // `kind` or `kindxN`: the count follows the last 'x' when it is all digits.
        if let x = spec.lastIndex(of: "x"), let times = Int(spec[spec.index(after: x)...]) {
            return (String(spec[..<x]), times)
        }
        return (String(spec), nil)
    }
}
