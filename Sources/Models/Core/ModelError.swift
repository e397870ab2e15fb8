/// A failed request, classified so that the ResponseComponent knows whether to retry, skip the
/// item, or stop the run. Messages name the endpoint and never a key.
public struct ModelError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The server answered with this HTTP status.
        case http(status: Int)
        /// The connection failed or was reset.
        case connection
        /// No complete answer within the request's deadline.
        case timeout
        /// The body was not the JSON expected, or was cut short.
        case malformedResponse
        /// The prompt does not fit the model's context window (said by the server).
        case contextLengthExceeded
        /// The model lacks the ability asked for.
        case unsupported
        /// The model's configuration is wrong (a missing key, a bad URL).
        case configuration
    }

    public var kind: Kind
    public var message: String
    public var hint: String?
    /// Seconds the server asked us to wait (`Retry-After`, `retry-after-ms`).
    public var retryAfter: Double?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, retryAfter: Double? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.retryAfter = retryAfter
    }

    public var description: String {
        "error: \(message)" + (hint.map { "\nhint: \($0)" } ?? "")
    }

    /// Worth another try: rate limits, server errors, timeouts, broken connections and bodies.
    public var isRetryable: Bool {
        switch kind {
        case .http(let status): return status == 408 || status == 409 || status == 429 || status >= 500
        case .connection, .timeout, .malformedResponse: return true
        case .contextLengthExceeded, .unsupported, .configuration: return false
        }
    }

    /// A rejected key: every further request would fail the same way, so the run stops.
    public var isFatalForRun: Bool {
        if case .http(let status) = kind { return status == 401 || status == 403 }
        return kind == .configuration
    }
}
