import Models

/// Chooses the few-shot examples for each item: `count` distinct examples from the pool,
/// drawn with a generator seeded by the run seed and the item's id, so an item gets the same
/// examples whatever `limit` or `shuffle` selects around it (and its cache key stays the same).
///
/// When the pool is the evaluated dataset itself, the item is never its own example (ids are
/// unique within one dataset). A pool read from another file is a different set of records:
/// its row numbers say nothing about the evaluated items, so nothing is excluded by id.
public struct FewShotSampler: Sendable {
    /// The ids of the pool's records, in pool order.
    public let poolIDs: [String]
    public let count: Int
    public let seed: Int
    /// The pool is the evaluated dataset: leave each item out of its own examples.
    public let excludesItemItself: Bool

    public init(poolIDs: [String], count: Int, seed: Int, excludesItemItself: Bool) {
        self.poolIDs = poolIDs
        self.count = count
        self.seed = seed
        self.excludesItemItself = excludesItemItself
    }

    /// The pool positions of the item's examples, in the order they are shown.
    public func exampleIndices(for itemID: String) -> [Int] {
        guard count > 0 else { return [] }
        var chosen = excludesItemItself ? poolIDs.indices.filter { poolIDs[$0] != itemID } : Array(poolIDs.indices)
        var generator = SeededGenerator(seed: seed ^ Int(truncatingIfNeeded: Self.hash(itemID)))
        // A partial Fisher-Yates: only the first `count` positions are drawn.
        let k = min(count, chosen.count)
        for i in 0..<k {
            let j = i + generator.index(below: chosen.count - i)
            chosen.swapAt(i, j)
        }
        return Array(chosen.prefix(k))
    }

    /// FNV-1a: stable across runs, unlike `Hasher`.
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }
}
