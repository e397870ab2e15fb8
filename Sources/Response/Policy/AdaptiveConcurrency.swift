/// Halves the number of requests in flight when the server keeps answering 429, and raises
/// it back one step for every run of successes. Pure state.
public struct AdaptiveConcurrency: Sendable, Equatable {
    public let maximum: Int
    public private(set) var limit: Int
    private var consecutiveRateLimits = 0
    private var successesSinceChange = 0
    /// Successes needed before the limit grows by one.
    public let successesPerStep: Int

    public init(maximum: Int, successesPerStep: Int = 10) {
        self.maximum = max(1, maximum)
        self.limit = max(1, maximum)
        self.successesPerStep = max(1, successesPerStep)
    }

    public enum Change: Sendable, Equatable { case none, lowered(Int), raised(Int) }

    /// Records a 429. Two in a row halve the limit.
    public mutating func rateLimited() -> Change {
        consecutiveRateLimits += 1
        successesSinceChange = 0
        guard consecutiveRateLimits >= 2, limit > 1 else { return .none }
        consecutiveRateLimits = 0
        limit = max(1, limit / 2)
        return .lowered(limit)
    }

    public mutating func succeeded() -> Change {
        consecutiveRateLimits = 0
        guard limit < maximum else { return .none }
        successesSinceChange += 1
        guard successesSinceChange >= successesPerStep else { return .none }
        successesSinceChange = 0
        limit += 1
        return .raised(limit)
    }
}
