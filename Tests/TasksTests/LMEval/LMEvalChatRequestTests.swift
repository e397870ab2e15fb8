import Config
import Foundation
import Models
import Response
import TestSupport
import Testing
@testable import Tasks

/// What lm-eval 0.4.13 sends a chat-completions model, recorded from its `local-chat-completions`
/// against a capturing server (`Fixtures/lm_eval/recorded/chat_*`), against what this task asks
/// a chat-only model, in process: the same messages (description as the system message,
/// examples as user/assistant turns or one user turn), `max_tokens`, `temperature` and `stop`;
/// and, given the answers that server gave, lm-eval's filtered answers and scores.
@Suite("lm-eval chat layouts, against lm-eval's recorded requests")
struct LMEvalChatRequestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lm_eval")

    static func recorded(_ run: String, _ file: String) throws -> Data {
        let url = root.appendingPathComponent("recorded/\(run)/\(file)")
        if FileManager.default.fileExists(atPath: url.path) { return try Data(contentsOf: url) }
        let other = try String(contentsOf: url.appendingPathExtension("same_as"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return try recorded(other, file)
    }

    static func jsonLines(_ data: Data) throws -> [[String: Any]] {
        try String(decoding: data, as: UTF8.self).split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    static func task(_ extra: String, chatOnly: Bool = true) throws -> LMEvalTask {
        let yaml = "name: lm_eval\npath: \(root.path)/tasks/gen_fewshot.yaml\n" + extra
        let config = try ConfigDecoder().decode(TaskConfig.self, from: try YAMLLoader.load(yaml, file: "task.yaml"), at: "task")
        let context = TaskContext(capabilities: ModelCapabilities(chat: chatOnly, loglikelihood: !chatOnly), modelName: chatOnly ? "local_chat" : "local_completions", seed: 1234)
        return try #require((try TaskRegistry.default.build(config, context: context) as? LMEvalSuite)?.leaves.first)
    }

    @Test("messages and generation settings as lm-eval sends them", arguments: [
        ("chat_plain", "apply_chat_template: true\n"),
        ("chat_multiturn", "apply_chat_template: true\nfewshot_as_multiturn: true\n"),
        ("chat_singleturn", "apply_chat_template: true\nfewshot_as_multiturn: false\n"),
        ("chat_sysinst", "apply_chat_template: true\nsystem_instruction: Be brief.\n"),
    ])
    func requests(run: String, settings: String) throws {
        let task = try Self.task(settings)
        let bodies = try Self.jsonLines(Self.recorded(run, "requests.jsonl")).map { $0["body"] as! [String: Any] }
        #expect(bodies.count == task.items.count)
        for (item, body) in zip(try task.items.all(), bodies) {
            guard case .generate(let request) = try task.requests(for: item).first, case .chat(let messages) = request.prompt else {
                Issue.record("\(run): doc \(item.id) is not a chat request"); continue
            }
            let expected = (body["messages"] as! [[String: String]]).map { [$0["role"]!, $0["content"]!] }
            #expect(messages.map { [$0.role.rawValue, $0.textContent] } == expected, "\(run) doc \(item.id): messages")
            #expect(request.parameters.maxTokens == body["max_tokens"] as? Int)
            #expect(request.parameters.temperature == (body["temperature"] as? NSNumber)?.doubleValue)
            #expect(request.parameters.stop == body["stop"] as? [String])
        }
    }

    @Test("given the recorded answers, lm-eval's filtered answers, per-document scores and results", arguments: [
        ("chat_plain", "apply_chat_template: true\n"), ("chat_singleturn", "apply_chat_template: true\nfewshot_as_multiturn: false\n"),
    ])
    func scores(run: String, settings: String) async throws {
        let task = try Self.task(settings)
        let samples = try Self.jsonLines(Self.recorded(run, "samples.jsonl"))
        var answers: [String: String] = [:]
        for line in samples {
            let arguments = line["arguments"] as! [String: [String: Any]]
            let context = ((arguments["gen_args_0"]!["arg_0"]) as! [String])[0]
            answers[context] = (line["resps"] as! [[String]])[0][0]
        }
        let recordedAnswers = answers
        // The responder answers each request with what lm-eval's server answered for those messages.
        let responder = InMemoryResponder(model: StubModel(name: "local_chat", capabilities: ModelCapabilities(chat: true))) { request in
            guard case .generate(let g) = request, case .chat(let messages) = g.prompt else { throw ModelError(.unsupported, "not chat") }
            let key = PythonText.jsonDumps(.array(messages.map(\.templateValue)))
            guard let text = recordedAnswers[key] else { throw ModelError(.malformedResponse, "no recorded answer for \(key)") }
            return .generation(Generation(text: text))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lmeval-chat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let settings = Evaluation.Settings(directory: folder.path, taskName: "lm_eval", modelName: "local_chat", seed: 1234, maxErrorRate: 0,
                                           pricing: nil, configHash: "", overrides: [], versions: [])
        let result = try await Evaluation(task: task, responder: responder, settings: settings).run()
        #expect(result.errorCount == 0)
        var ours: [Int: [String: Any]] = [:]
        for line in try Self.jsonLines(Data(contentsOf: folder.appendingPathComponent("samples.jsonl"))) { ours[line["doc_id"] as! Int] = line }
        for expected in samples {
            let filter = expected["filter"] as! String
            let line = try #require(ours[expected["doc_id"] as! Int])
            #expect((line["filtered_resps"] as! [String: [String]])[filter] == expected["filtered_resps"] as? [String], "\(run): \(filter)")
            #expect(NSDictionary(dictionary: line["arguments"] as! [String: Any]).isEqual(to: expected["arguments"] as! [String: Any]), "\(run): arguments")
            for name in expected["metrics"] as! [String] {
                #expect((line["metrics"] as! [String: NSNumber])["\(name),\(filter)"]?.doubleValue == (expected[name] as? NSNumber)?.doubleValue)
            }
        }
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results.json"))) as! [String: Any]
        let mine = ((written["lm_eval"] as! [String: Any])["results"] as! [String: [String: Any]])["gen_fewshot"]!
        let theirs = (try JSONSerialization.jsonObject(with: Self.recorded(run, "results.json")) as! [String: Any])["results"] as! [String: [String: Any]]
        for (key, value) in theirs["gen_fewshot"]! where key.contains(",") {
            if let number = value as? NSNumber {
                #expect((mine[key] as? NSNumber)?.doubleValue == number.doubleValue, "\(run): results \(key)")
            } else {
                #expect(mine[key] as? String == value as? String, "\(run): results \(key)")
            }
        }
    }

    @Test("what lm-eval refuses is refused: a chat-only model without a chat template, multiturn without one")
    func refusals() throws {
        #expect(throws: TaskError.self) { _ = try Self.task("apply_chat_template: false\n") }
        #expect(throws: TaskError.self) { _ = try Self.task("apply_chat_template: false\nfewshot_as_multiturn: true\n") }
        // A completions model without a chat template of its own cannot apply one.
        #expect(throws: TaskError.self) { _ = try Self.task("apply_chat_template: true\n", chatOnly: false).items }
    }
}
