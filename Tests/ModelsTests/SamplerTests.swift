import Foundation
import Testing
@testable import Models

/// Greedy picking: the vectorised argmax against the plain loop it replaced.
@Suite("sampler")
struct SamplerTests {
    /// The first index of the largest value, ignoring NaN: what the sixteen-lane loop must match.
    static func plainArgmax(_ values: [Float]) -> Int {
        var best: Int?
        for (i, v) in values.enumerated() where !v.isNaN && (best == nil || v > values[best!]) { best = i }
        return best ?? 0
    }

    @Test("the largest value wins wherever it sits: in a full lane group, in the tail, first of equals")
    func argmaxPositions() {
        for count in [1, 15, 16, 17, 33, 49_152] {
            for position in Set([0, count / 2, count - 1]) {
                var values = (0..<count).map { Float(($0 * 7919) % 1000) / 1000 }
                values[position] = 2
                #expect(Sampler.argmax(values) == position, "count \(count), largest at \(position)")
                // A tie later on keeps the first.
                if position + 1 < count {
                    values[count - 1] = 2
                    #expect(Sampler.argmax(values) == position, "count \(count), tie after \(position)")
                }
            }
        }
    }

    @Test("NaN and infinities: NaN never wins, -inf rows give their first index, +inf wins")
    func argmaxSpecialValues() {
        var values = [Float](repeating: -.infinity, count: 40)
        #expect(Sampler.argmax(values) == 0)
        values[3] = .nan
        values[20] = -1
        #expect(Sampler.argmax(values) == 20)
        values[37] = .infinity
        #expect(Sampler.argmax(values) == 37)
        #expect(Sampler.argmax([Float](repeating: .nan, count: 20)) == 0)
    }

    @Test("random rows: the same index as the plain loop")
    func argmaxMatchesPlainLoop() {
        var generator = SeededGenerator(state: 7)
        for _ in 0..<200 {
            let count = Int(generator.unitDouble() * 300) + 1
            // Few distinct values, so ties are common.
            let values = (0..<count).map { _ in Float(Int(generator.unitDouble() * 8)) }
            #expect(Sampler.argmax(values) == Self.plainArgmax(values))
        }
    }

    @Test("greedy sampling reads the row in place and picks its argmax")
    func greedyPicksArgmax() {
        var sampler = Sampler(temperature: 0, topP: 1, topK: 0, repetitionPenalty: 1, seed: 0)
        let logits: [Float] = (0..<100).map { $0 == 61 ? 5 : Float($0 % 10) / 10 }
        let token = logits.withUnsafeBufferPointer { sampler.next($0, history: []) }
        #expect(token == 61)
    }
}
