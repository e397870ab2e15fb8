import Testing
@testable import Tasks

@Suite("metrics: answer overlap, bootstrap intervals, classification report")
struct MetricsTests {
    @Test("SQuAD normalisation drops case, punctuation, articles and extra spaces")
    func normalisation() {
        #expect(TextNormalizer.normalize("  The  Eiffel-Tower!  ") == "eiffeltower")
        #expect(TextNormalizer.normalize("An apple, a day") == "apple day")
    }

    @Test("exact match, token F1 and contains against one gold")
    func overlap() {
        #expect(AnswerOverlap.exactMatch("the Pacific Ocean.", "Pacific Ocean", normalize: true))
        #expect(!AnswerOverlap.exactMatch("the Pacific Ocean.", "Pacific Ocean", normalize: false))
        #expect(AnswerOverlap.f1("It is Paris", "Paris", normalize: true) == 0.5)
        #expect(abs(AnswerOverlap.f1("new york city", "new york", normalize: true) - 0.8) < 1e-12)
        #expect(AnswerOverlap.f1("London", "Paris", normalize: true) == 0)
        #expect(AnswerOverlap.contains("I believe it is Paris.", "paris", normalize: true))
        #expect(!AnswerOverlap.contains("Parisian", "Paris", normalize: true))
    }

    @Test("the bootstrap is reproducible by seed and brackets the mean")
    func bootstrap() {
        let values = (0..<200).map { Double($0 % 3 == 0 ? 1 : 0) }
        let a = Bootstrap.mean(values, iterations: 500, seed: 7)
        let b = Bootstrap.mean(values, iterations: 500, seed: 7)
        let c = Bootstrap.mean(values, iterations: 500, seed: 8)
        #expect(a == b)
        #expect(a != c)
        #expect(abs(a.value - 67.0 / 200) < 1e-12)
        #expect(a.low < a.value && a.value < a.high)
        // The normal approximation's half-width is 1.96 * sqrt(p(1-p)/n) = 0.065; the bootstrap agrees roughly.
        #expect(abs((a.high - a.low) / 2 - 0.065) < 0.015)
        let constant = Bootstrap.mean([1, 1, 1], seed: 1)
        #expect(constant.low == 1 && constant.high == 1)
    }

    @Test("per-class precision and recall, macro-F1 and the confusion matrix, with null answers")
    func classification() {
        let pairs: [(gold: String, prediction: String?)] = [("A", "A"), ("A", "B"), ("B", "B"), ("B", nil), ("C", "C"), ("C", "A")]
        let report = ClassificationReport(labels: ["A", "B", "C", "D"], pairs: pairs)
        #expect(report.confusion == [[1, 1, 0, 0, 0], [0, 1, 0, 0, 1], [1, 0, 1, 0, 0], [0, 0, 0, 0, 0]])
        let a = report.classes[0], b = report.classes[1], c = report.classes[2]
        #expect(a.precision == 0.5 && a.recall == 0.5)
        #expect(b.precision == 0.5 && b.recall == 0.5)
        #expect(c.precision == 1 && c.recall == 0.5)
        // D is neither gold nor predicted: left out of the macro average, as scikit-learn does.
        let cF1: Double = 2.0 / 3.0
        let expected: Double = (0.5 + 0.5 + cF1) / 3
        #expect(abs(report.macroF1 - expected) < 1e-12)
    }
}

@Suite("The console summary")
struct ResultSummaryLayoutTests {
    @Test("every metric's value starts in the same column, however long the names (lm-eval's `exact_match,strict-match`)")
    func alignedValues() {
        let names = ["exact_match,strict-match", "exact_match,flexible-extract", "acc", "macro_f1"]
        let width = ResultSummary.nameWidth(names)
        let lines = names.map { ResultSummary.metricLine($0, "0.500", width: width) }
        let columns = Set(lines.map { $0.distance(from: $0.startIndex, to: $0.range(of: "0.500")!.lowerBound) })
        #expect(columns.count == 1, "\(lines)")
        #expect(lines.allSatisfy { !$0.contains(",strict-match0") && !$0.contains("extract0") })
        // Short names keep the 12-column layout the README shows.
        #expect(ResultSummary.nameWidth(["acc", "exact_match"]) == 12)
    }
}

@Suite("Progress")
struct EvaluationProgressTests {
    @Test("the ETA is measured from the first finished item: a model's load time does not count as pace")
    func etaLeavesStartUpOut() throws {
        var progress = EvaluationProgress(total: 100)
        progress.done = 1
        progress.elapsed = .seconds(10)  // the first item, after a 10 s model load
        progress.firstFinished = .seconds(10)
        #expect(progress.eta == nil, "one item says nothing about the pace")
        progress.done = 11
        progress.elapsed = .seconds(11)  // ten more items in one second
        #expect(abs(progress.rate - 10) < 1e-9)
        #expect(abs(try #require(progress.eta) - 8.9) < 1e-9, "89 items at 10 a second, not 89 at 1 a second")
    }
}
