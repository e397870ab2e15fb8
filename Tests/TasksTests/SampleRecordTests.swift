import Config
import Foundation
import TestSupport
import Models
import Testing
@testable import Tasks

/// `samples.jsonl` lines: an lm-eval multiple_choice document names its answer and its gold as
/// choice text, with their indices beside them; our own mcq task's lines keep their shape.
@Suite("sample records")
struct SampleRecordTests {
    static let lmEvalTasks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/lm_eval/tasks")

    static func build(_ yaml: String) throws -> any EvaluationTask {
        let config = try ConfigDecoder().decode(TaskConfig.self, from: try YAMLLoader.load(yaml, file: "task.yaml"), at: "task")
        let context = TaskContext(capabilities: ModelCapabilities(chat: false, loglikelihood: true), modelName: "hf_local", seed: 1234)
        return try TaskRegistry.default.build(config, context: context)
    }

    /// The sample line of `item` scored with `answers`, decoded.
    static func line(_ task: any EvaluationTask, _ item: DatasetItem, _ answers: [ModelAnswer]) throws -> [String: Any] {
        let record = ItemRecord(index: item.index, status: .scored, score: try task.score(item, answers: answers), reason: nil, cached: false,
                                retries: 0, latency: .zero, usage: TokenUsage(), cachedUsage: TokenUsage())
        let text = SampleRecord.line(item: item, requests: try task.requests(for: item), record: record, mainMetric: task.mainMetric ?? "acc")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func loglikelihoods(_ values: [Double]) -> [ModelAnswer] {
        values.map { .loglikelihood(Loglikelihood(logprob: $0, isGreedy: false)) }
    }

    @Test("lm-eval multiple_choice: parsed_answer and gold are choices' texts, parsed_index and gold_index their positions")
    func lmEvalChoices() throws {
        let task = try Self.build("name: lm_eval\npath: \(Self.lmEvalTasks.path)/mc_fewshot.yaml\n")
        // Doc 0: "Which planet is known as the Red Planet?", choices Venus, Mars, Jupiter, label 1.
        let item = try task.items.item(at: 0)
        let wrong = try Self.line(task, item, Self.loglikelihoods([-3, -2, -1]))
        #expect(wrong["parsed_answer"] as? String == "Jupiter")
        #expect(wrong["parsed_index"] as? Int == 2)
        #expect(wrong["gold"] as? String == "Mars")
        #expect(wrong["gold_index"] as? Int == 1)
        #expect(wrong["score"] as? Double == 0)
        // lm-eval's own fields stay as lm-eval logs them: the target is the index.
        #expect(wrong["target"] as? String == "1")
        let right = try Self.line(task, item, Self.loglikelihoods([-3, -1, -2]))
        #expect(right["parsed_answer"] as? String == "Mars" && right["parsed_index"] as? Int == 1 && right["score"] as? Double == 1)
    }

    @Test("lm-eval: a target given as the choice's text gets its index; a list target lists texts and indices")
    func lmEvalTargetForms() throws {
        let temporary = try TemporaryDirectory("sample-records")
        defer { withExtendedLifetime(temporary) {} }
        let folder = temporary.url
        try """
        {"q": "Pick one", "choices": ["red", "green", "blue"], "text": "blue", "many": [0, 2]}

        """.write(to: folder.appendingPathComponent("d.jsonl"), atomically: true, encoding: .utf8)
        func task(_ target: String) throws -> any EvaluationTask {
            let file = folder.appendingPathComponent("t-\(target).yaml").path
            try """
            task: t
            dataset_path: json
            dataset_kwargs: {data_files: {test: \(folder.path)/d.jsonl}}
            test_split: test
            output_type: multiple_choice
            doc_to_text: "{{q}}"
            doc_to_choice: choices
            doc_to_target: \(target)

            """.write(toFile: file, atomically: true, encoding: .utf8)
            return try Self.build("name: lm_eval\npath: \(file)\n")
        }
        let byText = try task("text")
        let line = try Self.line(byText, try byText.items.item(at: 0), Self.loglikelihoods([-1, -2, -3]))
        #expect(line["gold"] as? String == "blue" && line["gold_index"] as? Int == 2)
        #expect(line["parsed_answer"] as? String == "red" && line["parsed_index"] as? Int == 0)
        let several = try task("many")
        let multi = try Self.line(several, try several.items.item(at: 0), Self.loglikelihoods([-1, -2, -3]))
        #expect(multi["gold"] as? [String] == ["red", "blue"])
        #expect(multi["gold_index"] as? [Int] == [0, 2])
        #expect(multi["score"] as? Double == 1)
    }

    @Test("our own mcq task's lines are unchanged: option letters, no index fields")
    func mcqUnchanged() throws {
        let temporary = try TemporaryDirectory("sample-records")
        defer { withExtendedLifetime(temporary) {} }
        let folder = temporary.url
        let data = folder.appendingPathComponent("mcq.jsonl").path
        try #"{"id": "q1", "question": "Which?", "choices": ["red", "green"], "answer": 1}"#.write(toFile: data, atomically: true, encoding: .utf8)
        let task = try Self.build("name: mcq\ndataset: {path: \(data)}\nprompt: {template: \"{question}\\n{choices}\"}\nscoring: {mode: generate}\n")
        let item = try task.items.item(at: 0)
        let text = SampleRecord.line(item: item, requests: try task.requests(for: item),
                                     record: ItemRecord(index: 0, status: .scored, score: try task.score(item, answers: [.generation(Generation(text: "B"))]),
                                                        reason: nil, cached: false, retries: 0, latency: .zero, usage: TokenUsage(), cachedUsage: TokenUsage()),
                                     mainMetric: "acc")
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(keys["parsed_answer"] as? String == "B" && keys["gold"] as? String == "B")
        #expect(keys["gold_index"] == nil && keys["parsed_index"] == nil)
        // The keys in the order they always had.
        #expect(text.hasPrefix(#"{"id":"q1","prompt":"#))
        #expect(text.contains(#""raw_answer":"B","parsed_answer":"B","gold":"B","score":1"#))
    }
}
