/// A token bucket for requests per minute or tokens per minute: `capacity` tokens, refilled
/// continuously at `capacity` per minute. Pure state; the caller supplies the time.
public struct TokenBucket: Sendable, Equatable {
    public let capacity: Double
    public private(set) var available: Double
    private var lastRefill: Double

    public init(perMinute: Int, now: Double) {
        capacity = Double(max(perMinute, 1))
        available = capacity
        lastRefill = now
    }

    private var ratePerSecond: Double { capacity / 60 }

    mutating func refill(now: Double) {
        if now > lastRefill {
            available = min(capacity, available + (now - lastRefill) * ratePerSecond)
            lastRefill = now
        }
    }

    /// Takes `amount` tokens if they are there; otherwise returns how long to wait, in seconds.
    /// A request larger than the whole bucket waits for a full bucket and then goes.
    public mutating func take(_ amount: Double, now: Double) -> Double? {
        refill(now: now)
        let needed = min(amount, capacity)
        if available >= needed {
            available -= needed
            return nil
        }
        return (needed - available) / ratePerSecond
    }
}
