import Config
import Foundation
import Models
import Response
import TestSupport
import Testing
@testable import Tasks

/// Few-shot examples are shown with their own question, options and gold answer, whichever
/// file they come from: the bug this guards against showed a shot file's questions with the
/// main file's options and letters (examples were looked up by id, and ids default to row numbers).
@Suite("few-shot examples", .timeLimit(.minutes(10)))
struct FewShotTests {
    let temporary: TemporaryDirectory
    var folder: URL { temporary.url }

    init() throws {
        temporary = try TemporaryDirectory("fewshot-tests")
    }

    func file(_ name: String, _ lines: [String]) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func task(_ yaml: String, chat: Bool = false) throws -> any EvaluationTask {
        let section = try YAMLLoader.load(yaml, file: "task.yaml")
        let config = try ConfigDecoder().decode(TaskConfig.self, from: section, at: "task")
        let context = TaskContext(capabilities: ModelCapabilities(chat: chat, loglikelihood: true), modelName: "stub", seed: 1234)
        return try TaskRegistry.default.build(config, context: context)
    }

    /// The main file's and the shot file's records, neither with an `id` column.
    func mcqFiles() throws -> (data: String, shots: String) {
        let data = try file("data.jsonl", [
            #"{"question": "Main one?", "choices": ["m1a", "m1b", "m1c"], "answer": 0}"#,
            #"{"question": "Main two?", "choices": ["m2a", "m2b", "m2c"], "answer": 1}"#,
        ])
        let shots = try file("shots.jsonl", [
            #"{"question": "Shot one?", "choices": ["s1a", "s1b", "s1c", "s1d"], "answer": "D"}"#,
            #"{"question": "Shot two?", "choices": ["s2a", "s2b"], "answer": "s2b"}"#,
        ])
        return (data, shots)
    }

    func mcqYAML(data: String, shots: String?, mode: String = "generate", fewShot: Int = 2) -> String {
        """
        name: mcq
        dataset: {path: \(data)}
        prompt:
          template: "{question}\\n{choices}"
          few_shot: \(fewShot)
          few_shot_path: \(shots ?? "null")
        scoring: {mode: \(mode)}
        """
    }

    func promptText(_ request: ModelRequest) -> String {
        switch request {
        case .generate(let g):
            if case .text(let t) = g.prompt { return t }
            if case .chat(let messages) = g.prompt { return messages.map { "\($0.role.rawValue): \($0.textContent)" }.joined(separator: "\n---\n") }
            return ""
        case .loglikelihood(let l): return l.context
        case .loglikelihoodRolling(let r): return r.text
        }
    }

    @Test("mcq: examples from few_shot_path show their own options and gold letters")
    func mcqShotFile() throws {
        let (data, shots) = try mcqFiles()
        let task = try task(mcqYAML(data: data, shots: shots))
        for item in try task.items.all() {
            let text = promptText(try task.requests(for: item)[0])
            // A text prompt shows each example followed by a space and its answer.
            #expect(text.contains("Shot one?\nA. s1a\nB. s1b\nC. s1c\nD. s1d D\n\n"), "\(text)")
            #expect(text.contains("Shot two?\nA. s2a\nB. s2b B\n\n"), "\(text)")
            #expect(!text.contains("Shot one?\nA. m"), "a shot shows the main file's options: \(text)")
        }
    }

    @Test("mcq in chat: each example is a user turn with its own options and an assistant turn with its own letter")
    func mcqShotFileChat() throws {
        let (data, shots) = try mcqFiles()
        let task = try task(mcqYAML(data: data, shots: shots), chat: true)
        guard case .generate(let request) = try task.requests(for: task.items.item(at: 1))[0], case .chat(let messages) = request.prompt else {
            Issue.record("expected a chat prompt"); return
        }
        #expect(messages.count == 5)
        let pairs = stride(from: 0, to: 4, by: 2).map { (messages[$0].textContent, messages[$0 + 1].textContent) }
        #expect(Set(pairs.map(\.0)) == ["Shot one?\nA. s1a\nB. s1b\nC. s1c\nD. s1d", "Shot two?\nA. s2a\nB. s2b"])
        for (question, answer) in pairs {
            #expect(answer == (question.hasPrefix("Shot one") ? "D" : "B"))
        }
        #expect(messages[4].textContent == "Main two?\nA. m2a\nB. m2b\nC. m2c")
    }

    @Test("mcq loglikelihood: the examples' answers are their own, and the item is never its own example")
    func mcqFromDataset() throws {
        let data = try file("pool.jsonl", (0..<6).map { i in
            #"{"question": "Q\#(i)?", "choices": ["x\#(i)", "y\#(i)"], "answer": \#(i % 2)}"#
        })
        let task = try task(mcqYAML(data: data, shots: nil, mode: "loglikelihood", fewShot: 3))
        for item in try task.items.all() {
            let context = promptText(try task.requests(for: item)[0])
            let question = item["question"]!.stringValue!
            #expect(context.components(separatedBy: question).count == 2, "the item appears once (as the question): \(context)")
            for i in 0..<6 where "Q\(i)?" != question && context.contains("Q\(i)?") {
                #expect(context.contains("Q\(i)?\nA. x\(i)\nB. y\(i)\nAnswer: \(i % 2 == 0 ? "A" : "B")"), "\(context)")
            }
        }
    }

    @Test("qa: examples from few_shot_path show their own first answer")
    func qaShotFile() throws {
        let data = try file("qa.jsonl", [#"{"question": "Main?", "answers": ["main answer"]}"#, #"{"question": "Other?", "answers": "other"}"#])
        let shots = try file("qa_shots.jsonl", [#"{"question": "Shot?", "answers": ["shot answer", "alt"]}"#])
        let task = try task("""
        name: qa
        dataset: {path: \(data)}
        prompt: {template: "Q: {question}", few_shot: 1, few_shot_path: \(shots)}
        scoring: {mode: exact_match}
        """)
        for item in try task.items.all() {
            #expect(promptText(try task.requests(for: item)[0]).hasPrefix("Q: Shot? shot answer\n\nQ: "))
        }
    }

    @Test("asking for more examples than there are is an error, not a silent cap")
    func tooManyShots() throws {
        let (data, shots) = try mcqFiles()
        #expect(throws: TaskError.self) { _ = try task(mcqYAML(data: data, shots: shots, fewShot: 3)) }
        #expect(throws: TaskError.self) { _ = try task(mcqYAML(data: data, shots: nil, fewShot: 2)) }
        #expect(try task(mcqYAML(data: data, shots: nil, fewShot: 1)).items.count == 2)
    }

    @Test("scored in process through a Responder: a right answer scores 1, a wrong one 0")
    func scoredInProcess() async throws {
        let (data, shots) = try mcqFiles()
        let task = try task(mcqYAML(data: data, shots: shots))
        let responder = InMemoryResponder(model: StubModel()) { request in
            // Answers "A" to everything: right for "Main one?" (gold A), wrong for "Main two?" (gold B).
            .generation(Generation(text: "A"))
        }
        let directory = folder.appendingPathComponent("run").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let settings = Evaluation.Settings(directory: directory, taskName: "mcq", modelName: "stub", seed: 1, maxErrorRate: 0,
                                           pricing: nil, configHash: "", overrides: [], versions: [])
        let result = try await Evaluation(task: task, responder: responder, settings: settings).run()
        #expect(result.metrics.first { $0.0 == "acc" }?.1.value == 0.5)
        #expect(responder.asked.count == 2)
    }
}
