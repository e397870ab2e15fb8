import Models

/// Chooses the few-shot examples for each item: `count` distinct examples from the pool,
/// drawn with a generator seeded by the run seed and the item's id, so an item gets the same
/// examples whatever `limit` or `shuffle` selects around it (and its cache key stays the same).
///
/// When the pool is the evaluated dataset itself, the item is never its own example. A pool
/// read from another file is a different set of records: its row numbers say nothing about the
/// evaluated items, so nothing is excluded.
///
/// The draw is a partial Fisher-Yates shuffle over the pool positions (without the item's
/// own); only the positions it touches are stored, so a draw costs `count` steps, not the pool.
public struct FewShotSampler: Sendable {
    public let poolCount: Int
    public let count: Int
    public let seed: Int
    /// The pool is the evaluated dataset: leave each item out of its own examples.
    public let excludesItemItself: Bool

    public init(poolCount: Int, count: Int, seed: Int, excludesItemItself: Bool) {
        self.poolCount = poolCount
        self.count = count
        self.seed = seed
        self.excludesItemItself = excludesItemItself
    }

    /// The pool positions of the examples of the item `itemID` at `position` in the dataset,
    /// in the order they are shown.
    public func exampleIndices(for itemID: String, at position: Int) -> [Int] {
        guard count > 0 else { return [] }
        let excluded = excludesItemItself && (0..<poolCount).contains(position) ? position : nil
        let available = poolCount - (excluded == nil ? 0 : 1)
        // Slot v of the virtual list of candidates holds pool position v, skipping the item's own.
        var moved: [Int: Int] = [:]
        func candidate(_ v: Int) -> Int {
            if let value = moved[v] { return value }
            if let excluded, v >= excluded { return v + 1 }
            return v
        }
        var generator = SeededGenerator(seed: seed ^ Int(truncatingIfNeeded: Self.hash(itemID)))
        let k = min(count, available)
        var chosen: [Int] = []
        chosen.reserveCapacity(k)
        for i in 0..<k {
            let j = i + generator.index(below: available - i)
            let (a, b) = (candidate(i), candidate(j))
            moved[j] = a
            moved[i] = b
            chosen.append(b)
        }
        return chosen
    }

    /// FNV-1a: stable across runs, unlike `Hasher`.
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }
}
