import Models

/// The time a ``Governor`` reads and waits on: the continuous clock in a run, a manual one in
/// tests (which advances when waited on, so rate limits are tested without real waiting).
struct RateClock: Sendable {
    /// Seconds since the clock was made.
    var now: @Sendable () -> Double
    /// Waits `seconds`.
    var sleep: @Sendable (Double) async throws -> Void

    static func continuous() -> RateClock {
        let clock = ContinuousClock(), start = clock.now
        return RateClock(now: {
            let elapsed = clock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }, sleep: { seconds in try await Task.sleep(for: .milliseconds(Int(seconds * 1000) + 1)) })
    }
}

/// Shared state of one run's requests: the adaptive concurrency limit, the rate-limit
/// buckets, and whether the run has been stopped.
actor Governor {
    private var concurrency: AdaptiveConcurrency
    private var requestBucket: TokenBucket?
    private var tokenBucket: TokenBucket?
    private let clock: RateClock
    private let log: @Sendable (String) -> Void
    private(set) var stopped: ModelError?
    /// The model has answered at least once in this run (answers from the cache do not count):
    /// from then on an unreachable server is retried like any other failure.
    private(set) var answered = false

    init(policy: ResponsePolicy, clock: RateClock = .continuous(), log: @escaping @Sendable (String) -> Void) {
        concurrency = AdaptiveConcurrency(maximum: policy.maxConcurrency)
        self.clock = clock
        requestBucket = policy.requestsPerMinute.map { TokenBucket(perMinute: $0, now: clock.now()) }
        tokenBucket = policy.tokensPerMinute.map { TokenBucket(perMinute: $0, now: clock.now()) }
        self.log = log
    }

    var limit: Int { concurrency.limit }

    private var now: Double { clock.now() }

    /// Waits until the rate limits allow one more request of about `tokens` tokens.
    func admit(tokens: Int) async throws {
        while true {
            var wait = 0.0
            if var bucket = requestBucket {
                if let w = bucket.take(1, now: now) { wait = max(wait, w) }
                requestBucket = bucket
            }
            if wait == 0, var bucket = tokenBucket {
                if let w = bucket.take(Double(max(tokens, 1)), now: now) { wait = max(wait, w) }
                tokenBucket = bucket
            }
            if wait == 0 { return }
            try await clock.sleep(wait)
        }
    }

    func rateLimited() {
        if case .lowered(let limit) = concurrency.rateLimited() {
            log("repeated 429 responses: concurrency lowered to \(limit)")
        }
    }

    func succeeded() {
        answered = true
        if case .raised(let limit) = concurrency.succeeded() {
            log("concurrency raised to \(limit)")
        }
    }

    func stop(_ error: ModelError) {
        if stopped == nil { stopped = error }
    }
}
