/// Exponential backoff with full jitter: before retry `n` (1-based) wait a random time in
/// `[0, min(maxWait, initialWait * 2^(n-1))]`. A server's `Retry-After` is honoured as a floor.
///
/// A pure function of its inputs; the random source is injected so tests are exact.
public struct Backoff: Sendable, Equatable {
    public var initialWait: Double
    public var maxWait: Double

    public init(initialWait: Double = 1, maxWait: Double = 60) {
        self.initialWait = initialWait
        self.maxWait = maxWait
    }

    /// The cap for retry `attempt` (1 for the first retry).
    public func ceiling(attempt: Int) -> Double {
        let exponent = Double(max(0, min(attempt - 1, 62)))
        return min(maxWait, initialWait * pow2(exponent))
    }

    /// Seconds to wait before retry `attempt`; `unit` is a uniform random number in [0, 1].
    public func delay(attempt: Int, retryAfter: Double?, unit: Double) -> Double {
        let jittered = ceiling(attempt: attempt) * min(max(unit, 0), 1)
        guard let retryAfter else { return jittered }
        // The server knows best, but never wait without bound on its say-so.
        return max(jittered, min(retryAfter, max(maxWait, 600)))
    }

    private func pow2(_ e: Double) -> Double {
        var result = 1.0
        var n = Int(e)
        while n > 0 { result *= 2; n -= 1 }
        return result
    }
}
