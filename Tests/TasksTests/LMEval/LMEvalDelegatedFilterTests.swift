import TestSupport
import Foundation
import Models
import Testing
@testable import Tasks

/// Filters lm-eval runs (a registered name the runner lacks, a `function: !function m.Class`)
/// give lm-eval's own filtered values: `Fixtures/lm_eval/filters/data.jsonl`'s targets were
/// written by real lm-eval (`record_filters.py`) for the same responses and pipeline.
@Suite("lm-eval delegated filters", .serialized)
struct LMEvalDelegatedFilterTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lm_eval/filters").path

    @Test("regex_pos (lm-eval's registry) then a filter class from the task's utils.py, as lm-eval filters")
    func registeredAndClass() throws {
        guard !HookPythons.skip("delegated filters (lm-eval's venv)", HookPythons.lmEval), let python = HookPythons.lmEval else { return }
        let task = try LMEvalHookTests.build("name: lm_eval\npath: \(Self.fixtures)/pos.yaml\npython: \(python)\n"
            + "dataset_kwargs: {data_files: {test: \(Self.fixtures)/data.jsonl}}\n")
        #expect(task.items.count == 3)
        for (i, plan) in task.plans.enumerated() {
            let response = plan.doc["response"].text
            let score = task.score(try task.items.item(at: i), answers: [.generation(Generation(text: response))])
            #expect(score.metrics["exact_match,tags"] == 1, "doc \(i): \(score.method ?? "") \(score.detail.map(\.0))")
        }
        // A response whose filtered value differs from the target scores 0.
        let wrong = task.score(try task.items.item(at: 0), answers: [.generation(Generation(text: "('x', 'NN')"))])
        #expect(wrong.metrics["exact_match,tags"] == 0)
    }

    @Test("a registered lm-eval filter without lm_eval in the task's Python: one error naming it, with the hint")
    func withoutLMEval() async throws {
        guard !HookPythons.skip("delegated filters (python3)", HookPythons.python3), let python = HookPythons.python3 else { return }
        let temporary = try TemporaryDirectory("lmeval-filters")
        defer { withExtendedLifetime(temporary) {} }
        let folder = temporary.url
        try #"{"q": "a", "t": "b"}"#.write(to: folder.appendingPathComponent("d.jsonl"), atomically: true, encoding: .utf8)
        let file = folder.appendingPathComponent("t.yaml").path
        try """
            task: t
            dataset_path: json
            dataset_kwargs: {data_files: {test: \(folder.path)/d.jsonl}}
            test_split: test
            output_type: generate_until
            doc_to_text: "{{q}}"
            doc_to_target: t
            filter_list:
              - name: f
                filter:
                  - function: format_span
                  - function: take_first
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import lm_eval"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        await probe.exited()
        if probe.terminationStatus == 0 { print("skipped: \(python) has lm_eval"); return }
        let error = try #require(LMEvalHookTests.error { _ = try LMEvalHookTests.build("name: lm_eval\npath: \(file)\npython: \(python)\n") })
        #expect(error.message.contains("filter 'format_span'"), "\(error.message)")
        #expect(error.message.contains("lm_eval is not importable"), "\(error.message)")
        #expect(error.hint?.contains("pip install lm-eval") == true)
    }
}
