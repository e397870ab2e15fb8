import Foundation
import TestSupport
import Testing
@testable import Tasks

/// Definition-level acceptance of what lm-eval computes itself (issue 27): generate_until
/// metrics the runner lacks, `hf_evaluate` where it is unused, lm-eval's other aggregations,
/// and dataset_kwargs that only a custom_dataset hook reads.
@Suite("lm-eval task files: metrics delegated to lm-eval")
struct LMEvalDelegatedMetricTests {
    func definition(_ yaml: String) throws(TaskError) -> LMEvalTaskDefinition {
        let temporary = try? TemporaryDirectory("lmeval-delegated")
        defer { withExtendedLifetime(temporary) {} }
        let folder = temporary?.url ?? FileManager.default.temporaryDirectory
        let path = folder.appendingPathComponent("t.yaml").path
        try? yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try LMEvalTaskDefinition(try LMEvalTaskFile.load(path), source: path)
    }

    let generate = "task: t\ndataset_path: org/data\ntest_split: test\noutput_type: generate_until\ndoc_to_text: q\ndoc_to_target: a\n"
    let choice = "task: t\ndataset_path: org/data\ntest_split: test\noutput_type: multiple_choice\ndoc_to_text: q\ndoc_to_choice: c\ndoc_to_target: a\n"

    @Test("bleu and chrf on generate_until are lm-eval's own, with its registered aggregation")
    func bleuDelegated() throws {
        let d = try definition(generate + "metric_list:\n  - metric: bleu\n  - metric: chrf\n    aggregation: chrf\n  - metric: exact_match\n")
        #expect(d.metrics.map(\.delegated) == [true, true, false])
        #expect(d.metrics[0].aggregationGiven == nil)
        #expect(d.metrics[1].aggregationGiven == "chrf")
    }

    @Test("a metric the runner lacks is still refused for multiple_choice")
    func refusedElsewhere() {
        #expect(throws: TaskError.self) { try definition(choice + "metric_list:\n  - metric: bleu\n") }
    }

    @Test("hf_evaluate: unused on multiple_choice (accepted), delegated on generate_until")
    func hfEvaluate() throws {
        let mc = try definition(choice + "metric_list:\n  - metric: acc\n    hf_evaluate: true\n")
        #expect(mc.metrics[0].delegated == false)
        let gen = try definition(generate + "metric_list:\n  - metric: exact_match\n    hf_evaluate: true\n")
        #expect(gen.metrics[0].delegated && gen.metrics[0].hfEvaluate)
    }

    @Test("brier_score is computed with lm-eval's defaults; likelihood, which needs a list per document, is refused at its line")
    func choiceMetrics() throws {
        let brier = try definition(choice + "metric_list:\n  - metric: brier_score\n")
        #expect(brier.metrics[0].aggregation == "brier_score" && !brier.metrics[0].higherIsBetter)
        do {
            _ = try definition(choice + "metric_list:\n  - metric: likelihood\n")
            Issue.record("likelihood accepted")
        } catch {
            #expect(error.message.contains("metric 'likelihood' is not supported for multiple_choice tasks here"), "\(error.message)")
            #expect(error.place?.hasSuffix("t.yaml:9:13 (metric_list.metric)") == true, "\(String(describing: error.place))")
            #expect(error.hint?.contains("brier_score") == true, "the hint lists what is supported")
        }
    }

    @Test("nanmean and bypass are aggregations; bleu as an aggregation only for a delegated metric")
    func aggregations() throws {
        let d = try definition(generate + "metric_list:\n  - metric: exact_match\n    aggregation: nanmean\n")
        #expect(d.metrics[0].aggregation == "nanmean")
        #expect(throws: TaskError.self) { try definition(choice + "metric_list:\n  - metric: acc\n    aggregation: bleu\n") }
        #expect(MetricRegistry.default.aggregation(named: "nanmean")!.aggregate([.scalar(1), .scalar(.nan), .scalar(0)]) == 0.5)
        #expect(MetricRegistry.default.aggregation(named: "bypass")!.aggregate([.scalar(1)]) == 999)
    }

    @Test("dataset_kwargs keys lm-eval passes to custom_dataset are accepted only with one")
    func customDatasetKwargs() throws {
        let temporary = try TemporaryDirectory("lmeval-delegated")
        defer { withExtendedLifetime(temporary) {} }
        let folder = temporary.url
        let path = folder.appendingPathComponent("t.yaml").path
        try "task: t\ncustom_dataset: !function utils.load\ndataset_kwargs:\n  qa_split: x\ntest_split: test\ndoc_to_text: q\ndoc_to_target: a\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let d = try LMEvalTaskDefinition(try LMEvalTaskFile.load(path), source: path)
        #expect(d.datasetKwargs.map(\.0) == ["qa_split"])
        #expect(throws: TaskError.self) { try definition(generate + "dataset_kwargs:\n  qa_split: x\n") }
    }
}
