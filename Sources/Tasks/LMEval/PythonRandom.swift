import Foundation

/// CPython's `random.Random`: the Mersenne Twister (MT19937) seeded as `random.seed(int)`
/// seeds it, with the methods lm-evaluation-harness draws few-shot examples and bootstrap
/// resamples with (`sample`, `choices`, `random`, `shuffle`), so the same seed gives the same
/// draws as Python, number for number.
///
/// ```swift
/// var rnd = PythonRandom(seed: 1234)
/// rnd.sample(Array(0..<10), 3)   // what random.Random(1234).sample(range(10), 3) returns
/// ```
public struct PythonRandom: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 625

    /// `random.Random(seed)` for an integer seed: the absolute value's 32-bit words, least
    /// significant first, go through `init_by_array`.
    public init(seed: Int) {
        var magnitude = seed.magnitude
        var key: [UInt32] = []
        repeat {
            key.append(UInt32(truncatingIfNeeded: magnitude))
            magnitude >>= 32
        } while magnitude > 0
        initByArray(key)
    }

    private mutating func initGenrand(_ s: UInt32) {
        state[0] = s
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1; j += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    /// One 32-bit output (`genrand_uint32`).
    public mutating func next32() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (state[k] & 0x8000_0000) | (state[(k + 1) % 624] & 0x7FFF_FFFF)
                state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `random.random()`: 53 random bits in [0, 1).
    public mutating func random() -> Double {
        let a = Double(next32() >> 5), b = Double(next32() >> 6)
        return (a * 67_108_864 + b) / 9_007_199_254_740_992
    }

    /// `getrandbits(k)` for k up to 64: words from the least significant end, the last one
    /// shifted down to its bits.
    public mutating func getrandbits(_ k: Int) -> UInt64 {
        precondition(k >= 0 && k <= 64, "getrandbits supports 0...64 bits here")
        if k == 0 { return 0 }
        if k <= 32 { return UInt64(next32() >> UInt32(32 - k)) }
        let low = UInt64(next32())
        let high = UInt64(next32() >> UInt32(64 - k))
        return low | (high << 32)
    }

    /// `_randbelow(n)`: rejection sampling on `n.bit_length()` bits.
    public mutating func randbelow(_ n: Int) -> Int {
        guard n > 0 else { return 0 }
        let bits = Int.bitWidth - n.leadingZeroBitCount
        var r = getrandbits(bits)
        while r >= UInt64(n) { r = getrandbits(bits) }
        return Int(r)
    }

    /// `random.sample(population, k)`: a pool-based partial shuffle for small populations,
    /// rejection from a set for large ones, exactly as CPython chooses between them.
    public mutating func sample<T>(_ population: [T], _ k: Int) -> [T] {
        let n = population.count
        precondition(k >= 0 && k <= n, "Sample larger than population or is negative")
        var result: [T] = []
        result.reserveCapacity(k)
        var setSize = 21
        if k > 5 {
            // 4 ** ceil(log(k * 3, 4)), computed as Python does, in floating point.
            setSize += Int(pow4(Int((log(Double(k * 3)) / log(4.0)).rounded(.up))))
        }
        if n <= setSize {
            var pool = population
            for i in 0..<k {
                let j = randbelow(n - i)
                result.append(pool[j])
                pool[j] = pool[n - i - 1]
            }
        } else {
            var selected = Set<Int>()
            for _ in 0..<k {
                var j = randbelow(n)
                while selected.contains(j) { j = randbelow(n) }
                selected.insert(j)
                result.append(population[j])
            }
        }
        return result
    }

    /// `random.choices(population, k=k)` without weights: `floor(random() * n)` each.
    public mutating func choices<T>(_ population: [T], k: Int) -> [T] {
        let n = Double(population.count)
        return (0..<k).map { _ in population[Int((random() * n).rounded(.down))] }
    }

    /// `random.shuffle(x)`: Fisher-Yates from the end.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, randbelow(i + 1))
        }
    }

    private func pow4(_ e: Int) -> Int { e <= 0 ? 1 : (0..<e).reduce(1) { acc, _ in acc * 4 } }
}
