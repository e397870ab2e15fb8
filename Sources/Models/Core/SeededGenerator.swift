/// SplitMix64: a small, fast generator whose sequence depends only on the seed, so shuffles,
/// few-shot draws, bootstrap resamples and sampled tokens are the same on every machine and
/// every run.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: Int) {
        state = UInt64(bitPattern: Int64(seed)) &+ 0x9E37_79B9_7F4A_7C15
    }

    /// Starts from a raw state (the token sampler's seeding).
    public init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (Lemire's method is overkill here; modulo bias at
    /// dataset sizes is below 1e-12).
    public mutating func index(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// A uniform Double in [0, 1) from the top 53 bits.
    public mutating func unitDouble() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}
