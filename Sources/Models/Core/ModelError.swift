import Config

/// A failed request, classified so that the ResponseComponent knows whether to retry, skip the
/// item, or stop the run. Messages name the endpoint and never a key.
public struct ModelError: Error, Sendable, CustomStringConvertible, Equatable, UserFacingError {
    public enum Kind: Sendable, Equatable {
        /// The server answered with this HTTP status.
        case http(status: Int)
        /// The connection failed or was reset.
        case connection
        /// The server could not be reached at all: refused, no such host, no route.
        case unreachable
        /// No complete answer within the request's deadline.
        case timeout
        /// The body was not the JSON expected, or was cut short.
        case malformedResponse
        /// The prompt does not fit the model's context window (said by the server).
        case contextLengthExceeded
        /// The model lacks the ability asked for.
        case unsupported
        /// The model's configuration is wrong (a missing key, a bad URL, an unknown formatter):
        /// the user fixes the config (exit 2).
        case configuration
        /// A file the model is built from is broken or of a kind this runner cannot read (a
        /// truncated GGUF, a safetensors header that is not JSON, an unsupported RoPE type): the
        /// user replaces the data (exit 2).
        case invalidData
        /// This machine could not do what the config asks (libtorch or libcurl missing, a file
        /// that cannot be opened or mapped, `vllm serve` that does not start): a failure while
        /// running, not a mistake in the config (exit 1).
        case environment
        /// The local engine failed on this one request (out of memory, a shape error): the item
        /// fails with the reason, the run goes on.
        case engine
    }

    public var kind: Kind
    public var message: String
    public var hint: String?
    /// Seconds the server asked us to wait (`Retry-After`, `retry-after-ms`).
    public var retryAfter: Double?
    /// The config key of a configuration mistake (`model.params.checkpoint_path`), so the runner
    /// can name its file and line.
    public var keyPath: String?
    /// What a lower layer said (the system's error text, a parser's message), when there is one.
    public var cause: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, retryAfter: Double? = nil, keyPath: String? = nil, cause: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.retryAfter = retryAfter
        self.keyPath = keyPath
        self.cause = cause
    }

    public var description: String { userError.description }

    /// Worth another try: rate limits, server errors, timeouts, broken connections and bodies.
    /// Not a client error (4xx but 408, 409 and 429) nor 501 Not Implemented or 505 HTTP Version
    /// Not Supported: the same request gets the same answer.
    public var isRetryable: Bool {
        switch kind {
        case .http(let status): return status == 408 || status == 409 || status == 429 || status >= 500 && status != 501 && status != 505
        case .connection, .unreachable, .timeout, .malformedResponse: return true
        case .contextLengthExceeded, .unsupported, .configuration, .invalidData, .environment, .engine: return false
        }
    }

    /// Configuration and data mistakes are found before anything runs (exit 2); the rest are
    /// failures while running (exit 1).
    public var userError: UserError {
        let kind: UserError.Kind = switch self.kind {
        case .configuration, .unsupported: .config
        case .invalidData: .data
        default: .runtime
        }
        return UserError(kind, message, place: Place(keyPath: keyPath), hint: hint, cause: cause)
    }

    /// A rejected key: every further request would fail the same way, so the run stops.
    public var isFatalForRun: Bool {
        if case .http(let status) = kind { return status == 401 || status == 403 }
        return kind == .configuration || kind == .invalidData || kind == .environment
    }
}
