import Foundation
@testable import Report
import Testing

@Suite("paired comparison")
struct PairedComparisonTests {
    @Test("exact McNemar: twice the binomial tail at min(b, c), at most 1")
    func mcnemar() {
        // b = 10, c = 2: 2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 2 * 79 / 4096.
        #expect(abs(PairedComparison.exactMcNemar(10, 2) - 158.0 / 4096) < 1e-12)
        #expect(abs(PairedComparison.exactMcNemar(2, 10) - 158.0 / 4096) < 1e-12)
        // b = 6, c = 0: 2 / 64.
        #expect(abs(PairedComparison.exactMcNemar(6, 0) - 2.0 / 64) < 1e-12)
        #expect(PairedComparison.exactMcNemar(5, 5) == 1)
        #expect(PairedComparison.exactMcNemar(0, 0) == 1)
        // Large counts stay finite: b = 600, c = 400 is far below 1e-9.
        let p = PairedComparison.exactMcNemar(600, 400)
        #expect(p > 0 && p < 1e-9)
    }

    @Test("exact McNemar matches SciPy's binomtest (Fixtures/record_mcnemar.py, SciPy 1.17)")
    func mcnemarAgainstSciPy() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/mcnemar_scipy.json")
        let cases = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [[String: Any]]
        #expect(cases.count >= 10)
        for entry in cases {
            let b = entry["b"] as! Int, c = entry["c"] as! Int, p = (entry["p"] as! NSNumber).doubleValue
            let ours = PairedComparison.exactMcNemar(b, c)
            #expect(abs(ours - p) <= 1e-9 * max(1, p) || abs(ours / p - 1) < 1e-9, "b=\(b) c=\(c): \(ours) against SciPy's \(p)")
        }
    }

    @Test("items one job gets right and the other wrong, on the items both scored")
    func discordantItems() {
        let a: [String: Double] = ["q1": 1, "q2": 1, "q3": 0, "q4": 1, "only-a": 1]
        let b: [String: Double] = ["q1": 1, "q2": 0, "q3": 1, "q4": 0, "only-b": 0]
        let comparison = PairedComparison(a, b)
        #expect(comparison.items == 4)
        #expect(comparison.onlyFirst == ["q2", "q4"])
        #expect(comparison.onlySecond == ["q3"])
        #expect(abs(comparison.difference - 0.25) < 1e-12)
        #expect(comparison.mcnemarP == 1)  // b = 2, c = 1: 2 * (1 + 3) / 8, capped
        #expect(comparison.low <= comparison.difference && comparison.difference <= comparison.high)
        // Seeded: the same interval every time.
        let again = PairedComparison(a, b)
        #expect(again.low == comparison.low && again.high == comparison.high)
    }

    @Test("scores other than 0 and 1 get the bootstrap interval but no McNemar test")
    func continuousScores() {
        let comparison = PairedComparison(["x": 0.5, "y": 1], ["x": 0.25, "y": 1])
        #expect(comparison.mcnemarP == nil)
        #expect(abs(comparison.difference - 0.125) < 1e-12)
    }
}
