import Config
import Models

/// One item to answer: an id the task knows it by, and the request.
public struct ResponseItem: Sendable, Hashable {
    public var id: String
    public var request: ModelRequest

    public init(id: String, request: ModelRequest) {
        self.id = id
        self.request = request
    }
}

/// What became of one item.
public struct ResponseOutcome: Sendable {
    public enum Status: Sendable {
        case answered(ModelAnswer)
        /// Not asked, or refused by the server, because the prompt does not fit; the reason says which.
        case skipped(String)
        case failed(ModelError)
    }

    public var id: String
    public var status: Status
    /// Answered from the cache, without touching the network.
    public var cached: Bool
    public var retries: Int
    public var latency: Duration
    /// Answered through this run's batch (`response.batch`): paid at the batch price.
    public var batched: Bool
    /// The safety checks' verdicts on this request's prompt and output (`+safety=...`).
    public var safety: [SafetyVerdict]

    public init(id: String, status: Status, cached: Bool = false, retries: Int = 0, latency: Duration = .zero, batched: Bool = false,
                safety: [SafetyVerdict] = []) {
        self.id = id
        self.status = status
        self.cached = cached
        self.retries = retries
        self.latency = latency
        self.batched = batched
        self.safety = safety
    }
}

/// The run stopped at once: the server rejected the key (401/403) or the model is misconfigured.
public struct RunStopped: Error, Sendable, CustomStringConvertible, UserFacingError {
    public var cause: ModelError
    public var description: String { userError.description }
    public var userError: UserError { UserError(.runtime, "run stopped: \(cause.message)", hint: cause.hint) }
}
