import Foundation
import Testing
@testable import Models

/// How loglikelihood requests are packed into forward passes (no engine: the plan alone).
@Suite("scoring batches")
struct ScoringBatchTests {
    typealias Request = ScoringBatch.Request

    @Test("the choices of two questions: each context runs once, in one pass, the first in the scoring slot")
    func sharedContexts() {
        let a: [Int32] = [1, 2, 3], b: [Int32] = [7, 8]
        let requests = [Request(context: a, continuation: [10]), Request(context: a, continuation: [11]),
                        Request(context: b, continuation: [10]), Request(context: b, continuation: [11])]
        let batch = ScoringBatch(requests, slots: [9, 4, 5], resident: nil, rowBudget: 100, logitBudget: 10)
        #expect(batch.count == 4)
        #expect(batch.passes.count == 1)
        let pass = batch.passes[0]
        #expect(pass.tokens == [1, 2, 3, 7, 8])
        #expect(pass.slots == [9, 9, 9, 4, 4])
        #expect(pass.positions == [0, 1, 2, 0, 1])
        #expect(pass.logitRows == [2, 4])
        #expect(batch.nextResident?.context == a && batch.nextResident?.logitIndex == 0)
    }

    @Test("long continuations: the first continues in its context's slot, the next in a copy of it")
    func longContinuations() {
        let a: [Int32] = [1, 2, 3]
        let requests = [Request(context: a, continuation: [10, 11, 12]), Request(context: a, continuation: [20, 21]),
                        Request(context: a, continuation: [30])]
        let batch = ScoringBatch(requests, slots: [9, 4], resident: nil, rowBudget: 100, logitBudget: 10)
        #expect(batch.count == 3)
        #expect(batch.passes.count == 2)
        let first = batch.passes[0], second = batch.passes[1]
        // Context rows 0-2, then the first continuation's first two tokens at positions 3, 4.
        #expect(first.tokens == [1, 2, 3, 10, 11] && first.positions == [0, 1, 2, 3, 4] && first.slots == [9, 9, 9, 9, 9])
        #expect(first.logitRows == [2, 3, 4])
        #expect(second.copies == [ForwardPass.Copy(from: 9, to: 4, length: 3)])
        #expect(second.tokens == [20] && second.positions == [3] && second.slots == [4] && second.logitRows == [0])

        // Logits where token t has logit 1 at index t: the score is a sum of log-softmaxes.
        let vocabulary = 32
        func rows(_ n: Int, best: [Int]) -> [Float] {
            var out = [Float](repeating: 0, count: n * vocabulary)
            for (i, t) in best.enumerated() { out[i * vocabulary + t] = 1 }
            return out
        }
        let results = batch.results([rows(3, best: [10, 11, 12]), rows(1, best: [21])], vocabulary: vocabulary)
        let hit = 1 - log(exp(1) + Double(vocabulary - 1)), miss = -log(exp(1) + Double(vocabulary - 1))
        #expect(abs(results[0].0 - 3 * hit) < 1e-9 && results[0].1)
        #expect(abs(results[1].0 - (miss + hit)) < 1e-9 && !results[1].1)  // 20 is not the argmax (10 is)
        #expect(abs(results[2].0 - miss) < 1e-9 && !results[2].1)
    }

    @Test("a batch stops where slots or rows run out; the first request always fits")
    func budgets() {
        let requests = (0..<4).map { i in Request(context: [Int32(i), 1, 2, 3], continuation: [5]) }
        #expect(ScoringBatch(requests, slots: [9, 4], resident: nil, rowBudget: 100, logitBudget: 10).count == 2)
        #expect(ScoringBatch(requests, slots: [9, 4, 5, 6], resident: nil, rowBudget: 9, logitBudget: 10).count == 2)
        #expect(ScoringBatch(requests, slots: [9, 4, 5, 6], resident: nil, rowBudget: 100, logitBudget: 3).count == 3)
        #expect(ScoringBatch(requests, slots: [9], resident: nil, rowBudget: 1, logitBudget: 1).count == 1)
    }

    @Test("a request continuing the resident context runs no context rows; another evicts it")
    func resident() {
        let a: [Int32] = [1, 2, 3]
        var logits = [Float](repeating: 0, count: 8)
        logits[5] = 2
        let resident = ScoringBatch.Resident(context: a, logits: logits)
        let kept = ScoringBatch([Request(context: a, continuation: [5]), Request(context: a, continuation: [6, 7])],
                                slots: [9], resident: resident, rowBudget: 100, logitBudget: 10)
        #expect(kept.count == 2)
        #expect(kept.passes[0].tokens == [6] && kept.passes[0].positions == [3] && kept.passes[0].slots == [9])
        #expect(kept.nextResident?.context == a && kept.nextResident?.logitIndex == nil)
        let results = kept.results([[Float](repeating: 0, count: 8)], vocabulary: 8)
        #expect(abs(results[0].0 - (2 - log(exp(2) + 7))) < 1e-9 && results[0].1)

        let evicted = ScoringBatch([Request(context: [4, 4], continuation: [5])], slots: [9], resident: resident, rowBudget: 100, logitBudget: 10)
        #expect(evicted.passes[0].tokens == [4, 4] && evicted.passes[0].slots == [9, 9])
        #expect(evicted.nextResident?.context == [4, 4] && evicted.nextResident?.logitIndex == 0)
    }
}
