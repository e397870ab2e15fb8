import Models
import Foundation

/// Two jobs compared on the items both scored: which items one gets right and the other wrong,
/// the exact McNemar test on those (for 0/1 scores), and a paired bootstrap interval of the
/// difference in mean score.
public struct PairedComparison: Sendable, Equatable {
    /// Items both jobs scored.
    public var items: Int
    /// Items the first job got right and the second wrong (`b` in McNemar's table), and the reverse (`c`).
    public var onlyFirst: [String]
    public var onlySecond: [String]
    /// Mean score of the first minus that of the second, with a 95% percentile bootstrap interval.
    public var difference: Double
    public var low: Double
    public var high: Double
    /// The exact (binomial) McNemar p-value; nil when a score is not 0 or 1.
    public var mcnemarP: Double?

    /// - Parameters:
    ///   - first, second: item id to score, for the scored items of each job.
    ///   - iterations: bootstrap resamples; `seed` makes them repeatable.
    public init(_ first: [String: Double], _ second: [String: Double], iterations: Int = 1000, seed: UInt64 = 1) {
        let ids = first.keys.filter { second[$0] != nil }.sorted()
        items = ids.count
        let a = ids.map { first[$0]! }, b = ids.map { second[$0]! }
        onlyFirst = ids.filter { first[$0]! > second[$0]! && first[$0]! >= 1 && second[$0]! <= 0 }
        onlySecond = ids.filter { second[$0]! > first[$0]! && second[$0]! >= 1 && first[$0]! <= 0 }
        let differences = zip(a, b).map { $0 - $1 }
        difference = differences.isEmpty ? .nan : differences.reduce(0, +) / Double(differences.count)
        let binary = (a + b).allSatisfy { $0 == 0 || $0 == 1 }
        mcnemarP = binary && !ids.isEmpty ? Self.exactMcNemar(onlyFirst.count, onlySecond.count) : nil
        (low, high) = Self.bootstrap(differences, iterations: iterations, seed: seed)
    }

    /// Two-sided exact McNemar: twice the binomial(b + c, 1/2) tail at min(b, c), at most 1.
    public static func exactMcNemar(_ b: Int, _ c: Int) -> Double {
        let n = b + c
        guard n > 0 else { return 1 }
        // Sum the tail in log space: n may be large.
        var logChoose = 0.0  // log C(n, 0)
        var tail = 0.0
        let logHalfToN = Double(n) * -0.6931471805599453
        for k in 0...min(b, c) {
            if k > 0 { logChoose += log(Double(n - k + 1)) - log(Double(k)) }
            tail += exp(logChoose + logHalfToN)
        }
        return min(1, 2 * tail)
    }

    /// The 2.5th and 97.5th percentiles of the resampled mean difference.
    static func bootstrap(_ differences: [Double], iterations: Int, seed: UInt64) -> (Double, Double) {
        guard !differences.isEmpty, iterations > 0 else { return (.nan, .nan) }
        var generator = SeededGenerator(state: seed)  // the runner's one SplitMix64
        var means: [Double] = []
        means.reserveCapacity(iterations)
        let n = differences.count
        for _ in 0..<iterations {
            var sum = 0.0
            for _ in 0..<n { sum += differences[Int(generator.next() % UInt64(n))] }
            means.append(sum / Double(n))
        }
        means.sort()
        func percentile(_ p: Double) -> Double { means[min(means.count - 1, max(0, Int((p * Double(means.count - 1)).rounded())))] }
        return (percentile(0.025), percentile(0.975))
    }
}
