import Config
import Foundation
import TestSupport
import Models
import Testing
@testable import Tasks

/// What real lm-eval task files use beyond the basics, against what lm-eval 0.4.13 itself did
/// (`Fixtures/lm_eval/features/record.sh`): the multiple-input mode, list targets, the filters
/// and template methods of its library, and the task-file quirks PyYAML accepts.
@Suite("lm-eval task-file features, against lm-eval's recordings")
struct LMEvalFeatureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lm_eval/features")

    static func json(_ path: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent(path)))
    }

    static func samples(_ task: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: root.appendingPathComponent("recorded/\(task)/samples.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    static func task(_ file: String) throws -> LMEvalTask {
        let yaml = "name: lm_eval\npath: \(root.path)/tasks/\(file)\n"
        let config = try ConfigDecoder().decode(TaskConfig.self, from: try YAMLLoader.load(yaml, file: "task.yaml"), at: "task")
        let context = TaskContext(capabilities: ModelCapabilities(chat: false, loglikelihood: true), modelName: "hf_local", seed: 1234)
        return try #require((try TaskRegistry.default.build(config, context: context) as? LMEvalSuite)?.leaves.first)
    }

    @Test("multiple input (Winogrande's layout): one context per choice, the shared continuation, lm-eval's acc and acc_norm")
    func multipleInput() throws {
        let task = try Self.task("multiple_input.yaml")
        let samples = try Self.samples("feat_multiple_input")
        #expect(task.multipleInput)
        #expect(task.items.count == samples.count)
        var acc = 0.0, accNorm = 0.0
        for (item, sample) in zip(try task.items.all(), samples) {
            let requests = task.requests(for: item)
            let arguments = sample["arguments"] as! [String: [String: String]]
            let expected = (0..<arguments.count).map { arguments["gen_args_\($0)"]! }
            #expect(requests.count == expected.count)
            for (request, args) in zip(requests, expected) {
                guard case .loglikelihood(let r) = request else { Issue.record("not a loglikelihood request"); continue }
                #expect(r.context == args["arg_0"], "doc \(item.id): context")
                #expect(r.continuation == args["arg_1"], "doc \(item.id): continuation")
            }
            let resps = sample["resps"] as! [[[String]]]
            let answers = resps.map { ModelAnswer.loglikelihood(Loglikelihood(logprob: Double($0[0][0])!, isGreedy: $0[0][1] == "True")) }
            let score = task.score(item, answers: answers)
            #expect(score.metrics["acc"] == sample["acc"] as? Double, "doc \(item.id): acc")
            #expect(score.metrics["acc_norm"] == sample["acc_norm"] as? Double, "doc \(item.id): acc_norm")
            acc += score.metrics["acc"] ?? .nan
            accNorm += score.metrics["acc_norm"] ?? .nan
        }
        let results = try Self.json("recorded/feat_multiple_input/results.json") as! [String: Any]
        let own = (results["results"] as! [String: Any])["feat_multiple_input"] as! [String: Any]
        #expect(acc / Double(samples.count) == own["acc,none"] as? Double)
        #expect(accNorm / Double(samples.count) == own["acc_norm,none"] as? Double)
    }

    @Test("a list target (multiple_target) for generate_until: the prompt shows the first target; exact_match is any target")
    func multipleTargetGeneration() throws {
        let task = try Self.task("multiple_target_gen.yaml")
        #expect(task.multipleTarget)
        let samples = try Self.samples("feat_multiple_target_gen").filter { $0["filter"] as? String == "strict" }
        let scores = try Self.json("recorded/multiple_target_scores.json") as! [[String: Any]]
        for ((item, sample), expected) in zip(zip(try task.items.all(), samples), scores) {
            guard case .generate(let g)? = task.requests(for: item).first, case .text(let prompt) = g.prompt else {
                Issue.record("not a text generation request"); continue
            }
            let arguments = sample["arguments"] as! [String: [String: Any]]
            #expect(prompt == arguments["gen_args_0"]!["arg_0"] as? String, "doc \(item.id): prompt")
            let score = task.score(item, answers: [.generation(Generation(text: expected["answer"] as! String))])
            #expect(score.metrics["exact_match,strict"] == expected["exact_match"] as? Double, "doc \(item.id): \(expected["answer"]!)")
        }
    }

    @Test("filters as lm-eval's own apply them (multi_choice_regex and its fallbacks, regex, map)")
    func filters() throws {
        let cases = try Self.json("recorded/filters.json") as! [[String: Any]]
        for entry in cases {
            let options = Self.value(entry["options"]!)
            guard case .object(let pairs) = options else { Issue.record("options"); continue }
            let definition = LMEvalTaskDefinition.FilterPipeline(name: "f", steps: [.init(function: entry["function"] as! String, options: pairs)])
            let pipeline = try LMEvalFilters.Pipeline(definition, source: "test")
            let doc = Self.value(entry["doc"]!)
            for (response, filtered) in zip(entry["responses"] as! [String], entry["filtered"] as! [Any]) {
                let value = try pipeline.apply(.array([.string(response)]), doc: doc)
                #expect(value == .array([Self.value(filtered)]), "\(entry["function"]!) on \(response.debugDescription)")
            }
        }
    }

    @Test("task templates render as lm-eval's apply_template renders them (Python string and list methods, slices, tests, range)")
    func templates() throws {
        let cases = try Self.json("recorded/templates.json") as! [[String: Any]]
        for entry in cases {
            let source = entry["template"] as! String
            guard case .object(let pairs) = Self.value(entry["doc"]!) else { Issue.record("doc"); continue }
            let variables = Dictionary(pairs, uniquingKeysWith: { $1 })
            let template = try JinjaTemplate(source, options: .lmEval)
            if let text = entry["text"] as? String {
                #expect((try? template.render(variables)) == text, "\(source)")
            } else {
                #expect(throws: ChatTemplateError.self, "\(source) fails in lm-eval: \(entry["error"]!)") { try template.render(variables) }
            }
        }
    }

    /// A recorded JSON value (re-read with its booleans and integers apart) as a template value.
    static func value(_ any: Any) -> TemplateValue {
        let data = try! JSONSerialization.data(withJSONObject: any, options: [.fragmentsAllowed])
        return convert(try! JSONValue.parse(data))
    }

    static func convert(_ json: JSONValue) -> TemplateValue {
        switch json {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(convert))
        // Key order is lost in JSON objects; the recordings' keys are few and sorted here.
        case .object(let pairs): return .object(pairs.keys.sorted().map { ($0, convert(pairs[$0]!)) })
        }
    }
}

/// Task-file details of lm-eval's library that read as PyYAML and lm-eval read them.
@Suite("lm-eval task files: what the library's files do")
struct LMEvalLibraryQuirkTests {
    func definition(_ yaml: String) throws(TaskError) -> LMEvalTaskDefinition {
        let temporary = try? TemporaryDirectory("lmeval-quirks")
        defer { withExtendedLifetime(temporary) {} }
        let folder = temporary?.url ?? FileManager.default.temporaryDirectory
        let path = folder.appendingPathComponent("t.yaml").path
        try? yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try LMEvalTaskDefinition(try LMEvalTaskFile.load(path), source: path)
    }

    let base = "task: t\ndataset_path: org/data\ntest_split: test\noutput_type: multiple_choice\ndoc_to_text: q\ndoc_to_choice: c\ndoc_to_target: a\n"

    @Test("a repeated key: the last one wins, as PyYAML reads it (kmmlu, tinyMMLU)")
    func repeatedKey() throws {
        let d = try definition(base + "num_fewshot: 1\nnum_fewshot: 5\n")
        #expect(d.numFewshot == 5)
    }

    @Test("dataset_kwargs: null is no kwargs (toksuite)")
    func nullKwargs() throws {
        #expect(try definition(base + "dataset_kwargs: null\n").dataFiles.isEmpty)
    }

    @Test("metric options lm-eval ignores outside generate_until are accepted (weight_by_size, average)")
    func ignoredMetricOptions() throws {
        let d = try definition(base + "metric_list:\n  - metric: acc\n    weight_by_size: true\n  - metric: f1\n    average: macro\n")
        #expect(d.metrics.map(\.name) == ["acc", "f1"])
        #expect(throws: TaskError.self) {
            try definition(base.replacingOccurrences(of: "multiple_choice", with: "generate_until") + "metric_list:\n  - metric: exact_match\n    average: macro\n")
        }
    }

    @Test("unsafe_code: true is refused with the reason")
    func unsafeCode() {
        do {
            _ = try definition(base + "unsafe_code: true\n")
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("unsafe_code"))
            #expect(error.place?.contains("t.yaml:8") == true)
        }
    }

    @Test("the multiple-input mode needs multiple_choice")
    func multipleInputNeedsChoices() throws {
        let temporary = try TemporaryDirectory("lmeval-mi")
        defer { withExtendedLifetime(temporary) {} }
        let folder = temporary.url
        try #"{"s": "a _ b", "o": ["x", "y"], "g": 1}"#.write(to: folder.appendingPathComponent("d.jsonl"), atomically: true, encoding: .utf8)
        let yaml = "task: t\ndataset_path: json\ndataset_kwargs: {data_files: {test: \(folder.path)/d.jsonl}}\ntest_split: test\noutput_type: generate_until\n"
            + "doc_to_text: \"{{g}}\"\ndoc_to_choice: o\ndoc_to_target: \"{{s}}\"\n"
        try yaml.write(to: folder.appendingPathComponent("t.yaml"), atomically: true, encoding: .utf8)
        let config = try ConfigDecoder().decode(TaskConfig.self, from: try YAMLLoader.load("name: lm_eval\npath: \(folder.path)/t.yaml\n", file: "task.yaml"), at: "task")
        let context = TaskContext(capabilities: ModelCapabilities(chat: false, loglikelihood: true), modelName: "hf_local", seed: 1)
        #expect(throws: TaskError.self) { try TaskRegistry.default.build(config, context: context) }
    }
}
