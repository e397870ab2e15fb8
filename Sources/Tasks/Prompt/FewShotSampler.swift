/// Chooses the few-shot examples for each item: `count` distinct items from the pool, never
/// the item itself, drawn with a generator seeded by the run seed and the item's id, so an
/// item gets the same examples whatever `limit` or `shuffle` selects around it (and its
/// cache key stays the same).
public struct FewShotSampler: Sendable {
    public let pool: [DatasetItem]
    public let count: Int
    public let seed: Int

    public init(pool: [DatasetItem], count: Int, seed: Int) {
        self.pool = pool
        self.count = count
        self.seed = seed
    }

    public func examples(for item: DatasetItem) -> [DatasetItem] {
        guard count > 0 else { return [] }
        let candidates = pool.indices.filter { pool[$0].id != item.id }
        var generator = SeededGenerator(seed: seed ^ Int(truncatingIfNeeded: Self.hash(item.id)))
        var chosen = candidates
        // A partial Fisher-Yates: only the first `count` positions are drawn.
        let k = min(count, chosen.count)
        for i in 0..<k {
            let j = i + generator.index(below: chosen.count - i)
            chosen.swapAt(i, j)
        }
        return chosen.prefix(k).map { pool[$0] }
    }

    /// FNV-1a: stable across runs, unlike `Hasher`.
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }
}
