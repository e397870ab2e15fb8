import Foundation
import Models
import Testing
@testable import Tasks

/// lm-eval's corpus aggregations and standard errors against its own functions' outputs
/// (`Fixtures/lm_eval/metrics/make_metrics.py`: scikit-learn's f1 and mcc, the perplexities,
/// `bootstrap_stderr` with its seeded chunks), and its filters' and literals' Python behaviour.
@Suite("lm-eval metrics, filters and Python literals")
struct LMEvalMetricsTests {
    struct File: Decodable {
        struct Case: Decodable {
            var pairs: [[Int]]
            var f1, mcc_binary: Double
            var multi: [[Int]]
            var mcc_multi: Double
            var weighted: [[Double]]
            var weighted_perplexity, bits_per_byte: Double
            var lls: [Double]
            var perplexity, median, perplexity_stderr_2000, f1_stderr_1000, mean_stderr: Double
        }
        var cases: [Case]
    }

    static let file: File = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/lm_eval/metrics/metrics.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }()

    static func aggregate(_ name: String, _ values: [MetricValue]) -> Double? {
        MetricRegistry.default.aggregation(named: name)!.aggregate(values)
    }

    static func standardError(_ name: String, _ values: [MetricValue], iterations: Int) -> Double? {
        MetricRegistry.default.aggregation(named: name)!.standardError(values, iterations: iterations)
    }

    /// lm-eval's multiple_choice metrics of one document, through the registry.
    static func multipleChoice(_ names: [String], lls: [Double], greedy: [Bool], choices: [String], gold: TemplateValue) throws -> [String: MetricValue] {
        let answer = try LMEvalMetrics.choices(names, lls: lls, greedy: greedy, choices: choices, gold: gold, place: "t")
        return try MetricRegistry.default.values(names, for: .choices(answer))
    }

    @Test("aggregations and bootstrap standard errors equal lm-eval's own")
    func aggregations() {
        #expect(Self.file.cases.count == 3)
        for c in Self.file.cases {
            let pairs = c.pairs.map { MetricValue.pair($0[0], $0[1]) }
            let multi = c.multi.map { MetricValue.pair($0[0], $0[1]) }
            let weighted = c.weighted.map { MetricValue.weighted($0[0], $0[1]) }
            let lls = c.lls.map(MetricValue.scalar)
            #expect(Self.aggregate("f1", pairs) == c.f1)
            #expect(abs(Self.aggregate("matthews_corrcoef", pairs)! - c.mcc_binary) < 1e-12)
            #expect(abs(Self.aggregate("matthews_corrcoef", multi)! - c.mcc_multi) < 1e-12)
            #expect(Self.aggregate("weighted_perplexity", weighted) == c.weighted_perplexity)
            #expect(Self.aggregate("bits_per_byte", weighted) == c.bits_per_byte)
            #expect(Self.aggregate("perplexity", lls) == c.perplexity)
            #expect(Self.aggregate("median", lls) == c.median)
            #expect(Self.standardError("perplexity", lls, iterations: 2000) == c.perplexity_stderr_2000)
            #expect(abs(Self.standardError("f1", pairs, iterations: 1000)! - c.f1_stderr_1000) < 1e-12)
            #expect(Self.standardError("mean", pairs.map { .scalar($0.number) }, iterations: 100) == c.mean_stderr)
            #expect(Self.standardError("bits_per_byte", weighted, iterations: 100) == nil, "N/A, as lm-eval reports it")
        }
    }

    @Test("exact_match: regexes first, then case, punctuation and digits; no stripping")
    func exactMatch() throws {
        func em(_ p: String, _ r: String, _ options: [(String, TemplateValue)]) throws -> Bool {
            try ExactMatch().value(.text(prediction: p, references: [r], options: options)) == .scalar(1)
        }
        #expect(try em("1,234", "1234", [("regexes_to_ignore", .array([","]))]))
        #expect(try !em(" 42", "42", []))
        #expect(try em("The Answer!", "the answer", [("ignore_case", .bool(true)), ("ignore_punctuation", .bool(true))]))
        // Regexes run before lowercasing, so they are case-sensitive.
        #expect(try !em("ANSWER x", "x", [("regexes_to_ignore", .array(["answer "])), ("ignore_case", .bool(true))]))
        #expect(try em("a1b2", "ab", [("ignore_numbers", .bool(true))]))
    }

    @Test("multiple_choice: ties go to the first choice, acc_norm divides by characters, out-of-range gold is wrong")
    func multipleChoice() throws {
        let scores = try Self.multipleChoice(["acc", "acc_norm", "exact_match"], lls: [-2, -2, -3], greedy: [false, true, false],
                                                      choices: ["a", "b", "ccc"], gold: .int(1))
        #expect(scores["acc"] == .scalar(0))         // argmax picks index 0 on the tie
        #expect(scores["acc_norm"] == .scalar(0))    // per character -2, -2, -1: index 2 wins, gold is 1
        #expect(scores["exact_match"] == .scalar(1))
        let norm = try Self.multipleChoice(["acc_norm"], lls: [-2, -2.5, -3], greedy: [false, false, false],
                                                    choices: ["a", "b", "ccc"], gold: .int(2))
        #expect(norm["acc_norm"] == .scalar(1))
        let out = try Self.multipleChoice(["acc"], lls: [-1, -2], greedy: [true, false], choices: ["a", "b"], gold: .int(5))
        #expect(out["acc"] == .scalar(0))
        let byText = try Self.multipleChoice(["acc"], lls: [-3, -1], greedy: [false, true], choices: ["no", "yes"], gold: .string("yes"))
        #expect(byText["acc"] == .scalar(1))
    }

    func pipeline(_ steps: [(String, [(String, TemplateValue)])]) throws -> LMEvalFilters.Pipeline {
        try LMEvalFilters.Pipeline(.init(name: "p", steps: steps.map { .init(function: $0.0, options: $0.1) }), source: "t.yaml")
    }

    @Test("filters behave as lm-eval's, quirks included")
    func filters() throws {
        let last = try pipeline([("regex", [("regex_pattern", .string("(-?[0-9]+)")), ("group_select", .int(-1))]), ("take_first", [])])
        #expect(try last.apply(.array([.string("3 plus 4 is 7")])) == .string("7"))
        #expect(try last.apply(.array([.string("no number")])) == .string("[invalid]"))
        let tuple = try pipeline([("regex", [("regex_pattern", .string("(a)|(b)"))]), ("take_first", [])])
        #expect(try tuple.apply(.array([.string("b")])) == .string("b"), "the first non-empty group of a tuple match")
        let vote = try pipeline([("majority_vote", []), ("take_first", [])])
        #expect(try vote.apply(.array([.string("x"), .string("y"), .string("y"), .string("x")])) == .string("x"), "ties: the first seen")
        // lowercase after take_first maps over the answer's characters, as Python iterates a string.
        let quirk = try pipeline([("take_first", []), ("lowercase", [])])
        #expect(try quirk.apply(.array([.string("AB")])) == .array([.string("a"), .string("b")]))
        #expect(throws: TaskError.self) { _ = try pipeline([("regex", [("regex_pattern", .string("(x)")), ("group_select", .int(3))])]).apply(.array([.string("x")])) }
        #expect(throws: TaskError.self) { _ = try pipeline([("regex", [("pattern", .string("x"))])]) }
    }

    @Test("Python literals: the repr a Jinja list renders reads back; anything else is refused")
    func literals() throws {
        let value: TemplateValue = .array([.string("it's"), .string("a\\b"), .string("x\ny"), .int(3), .double(2.5), .bool(true), .none])
        #expect(try PythonLiteral.evaluate(value.repr) == value)
        #expect(value.repr == #"["it's", 'a\\b', 'x\ny', 3, 2.5, True, None]"#)
        #expect(try PythonLiteral.evaluate("('a',)") == .array([.string("a")]))
        #expect(try PythonLiteral.evaluate("(1)") == .int(1))
        #expect(try PythonLiteral.evaluate("{'k': [1, -2.5e3]}") == .object([("k", .array([.int(1), .double(-2500)]))]))
        #expect(try PythonLiteral.evaluate("'a' \"b\"") == .string("ab"))
        #expect(throws: PythonLiteral.Failure.self) { _ = try PythonLiteral.evaluate("[oops]") }
        #expect(throws: PythonLiteral.Failure.self) { _ = try PythonLiteral.evaluate("__import__('os')") }
        #expect(throws: PythonLiteral.Failure.self) { _ = try PythonLiteral.evaluate("[1, 2") }
    }

    /// The Python methods lm-eval 0.4.13's own task files call in templates (counted over its
    /// 3,885 template strings: strip, index, replace, split, lstrip, rstrip, join, capitalize).
    @Test("template methods that real lm-eval task files use")
    func templateMethods() throws {
        func render(_ template: String, _ doc: [String: TemplateValue]) throws -> String {
            try JinjaTemplate(template, options: .lmEval).render(doc)
        }
        let doc: [String: TemplateValue] = ["answer": "C", "choices": .array(["x", "y"]), "text": "  a b c  "]
        #expect(try render("{{ ['A','B','C','D'].index(answer) }}", doc) == "2")
        #expect(try render("{{ ', '.join(choices) }}", doc) == "x, y")
        #expect(try render("{{ text.strip().split(' ', 1)[1] }}", doc) == "b c")
        #expect(try render("{{ text.lstrip() }}|{{ text.rstrip() }}|", doc) == "a b c  |  a b c|")
        #expect(try render("{{ text.replace('b', 'B').strip().capitalize() }}", doc) == "A b c")
        #expect(throws: ChatTemplateError.self) { _ = try render("{{ ['A'].index(answer) }}", doc) }
    }
}
