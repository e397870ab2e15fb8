import Foundation
import Models
import Testing
@testable import Tasks

/// The one metric registry of mcq, qa and lm-eval: its defaults against lm-eval 0.4.13's own
/// registry, and macro-F1 and the Brier score against scikit-learn and lm-eval
/// (`Fixtures/lm_eval/metrics/make_registry.py`).
@Suite("The metric registry")
struct MetricRegistryTests {
    struct File: Decodable {
        struct Entry: Decodable { var aggregation: String; var higher_is_better: Bool }
        struct Brier: Decodable { var lls: [Double]; var gold: Int; var score: Double }
        struct Macro: Decodable { var gold: [Int]; var pred: [Int]; var macro_f1: Double }
        var metrics: [String: Entry]
        var aggregations: [String]
        var brier: [Brier]
        var brier_all: Double
        var macro_f1: [Macro]
    }

    static let file: File = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/lm_eval/metrics/registry.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }()

    let registry = MetricRegistry.default

    @Test("each metric lm-eval registers has lm-eval's default aggregation and direction")
    func lmEvalDefaults() {
        #expect(Self.file.metrics.count == 12)
        for (name, entry) in Self.file.metrics {
            guard let metric = registry.metric(named: name) else { Issue.record("\(name) is not registered"); continue }
            #expect(metric.aggregation == entry.aggregation, "\(name)")
            #expect(metric.higherIsBetter == entry.higher_is_better, "\(name)")
            #expect(registry.aggregation(named: metric.aggregation) != nil, "\(name)'s aggregation")
        }
        // Every aggregation an lm-eval file may name is computed here or, for the text scores, by lm-eval in the worker.
        for name in Self.file.aggregations {
            #expect(registry.aggregation(named: name) != nil || LMEvalTaskDefinition.lmEvalAggregations.contains(name), "\(name)")
        }
        for name in LMEvalTaskDefinition.aggregations { #expect(registry.aggregation(named: name) != nil, "\(name)") }
        for (_, names) in LMEvalTaskDefinition.supportedMetrics { for name in names { #expect(registry.metric(named: name) != nil, "\(name)") } }
    }

    @Test("the Brier score of each document and of the corpus equals lm-eval's")
    func brier() throws {
        var values: [MetricValue] = []
        for c in Self.file.brier {
            let answer = ChoiceLoglikelihoods(loglikelihoods: c.lls, isGreedy: c.lls.map { _ in false }, texts: c.lls.map { _ in "x" }, golds: [c.gold])
            let value = try #require(try registry.values(["brier_score"], for: .choices(answer))["brier_score"])
            #expect(abs(value.number - c.score) < 1e-12, "\(c.lls)")
            values.append(value)
        }
        let corpus = try #require(registry.aggregation(named: "brier_score")?.aggregate(values))
        #expect(abs(corpus - Self.file.brier_all) < 1e-12)
    }

    @Test("macro-F1 equals scikit-learn's over the classes that occur; an unreadable answer is a miss, not a class")
    func macroF1() throws {
        for c in Self.file.macro_f1 {
            var values: [MetricValue] = []
            for (gold, pred) in zip(c.gold, c.pred) {
                values.append(try #require(try registry.values(["macro_f1"], for: .readChoice(predicted: pred < 0 ? nil : pred, gold: gold))["macro_f1"]))
            }
            let estimate = registry.estimate(values, aggregation: "macro_f1", iterations: 100, seed: 1)
            #expect(abs(estimate.value - c.macro_f1) < 1e-12, "\(c.gold) \(c.pred)")
            #expect(estimate.count == c.gold.count && estimate.low.isNaN, "macro-F1 is reported without an interval")
        }
    }

    @Test("qa's metrics come from the same registry: SQuAD's exact match, token F1 and contains over every accepted answer")
    func shortAnswers() throws {
        let values = try registry.values(["exact_match", "f1", "contains"],
                                         for: .shortAnswer(prediction: "The Eiffel tower", references: ["Paris", "eiffel tower"], normalize: true))
        #expect(values["exact_match"] == .scalar(1))
        #expect(values["f1"] == .scalar(1))
        #expect(values["contains"] == .scalar(1))
        let partial = try registry.values(["exact_match", "f1"], for: .shortAnswer(prediction: "tower", references: ["eiffel tower"], normalize: true))
        #expect(partial["exact_match"] == .scalar(0))
        #expect(abs(partial["f1"]!.number - 2.0 / 3.0) < 1e-12)
        // lm-eval's exact_match on the same words compares them as they are.
        #expect(try registry.values(["exact_match"], for: .text(prediction: "The Eiffel tower", references: ["eiffel tower"], options: []))["exact_match"] == .scalar(0))
    }

    @Test("a metric added by registering one type is computed and aggregated like the built-in ones")
    func newMetric() throws {
        struct AnswerLength: Metric {
            let name = "answer_length"
            var higherIsBetter: Bool { false }
            var aggregation: String { "median" }
            func value(_ answer: ScoredAnswer) throws(TaskError) -> MetricValue? {
                guard case .text(let prediction, _, _) = answer else { return nil }
                return .scalar(Double(prediction.count))
            }
        }
        var registry = MetricRegistry.default
        registry.register(AnswerLength())
        let values = try ["a", "abc", "ab", "abcd", "abcde"].map { text in
            try #require(try registry.values(["answer_length", "exact_match"], for: .text(prediction: text, references: ["ab"], options: []))["answer_length"])
        }
        let estimate = registry.estimate(values, aggregation: registry.metric(named: "answer_length")!.aggregation, iterations: 200, seed: 3,
                                         standardErrorIterations: 1000)
        #expect(estimate.value == 3)
        #expect(estimate.low <= 3 && estimate.high >= 3 && estimate.standardError != nil)
        #expect(MetricRegistry.default.metric(named: "answer_length") == nil, "registering on a copy leaves the default alone")
    }
}
