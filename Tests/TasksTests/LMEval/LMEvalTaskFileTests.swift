import TestSupport
import Config
import Foundation
import Models
import Testing
@testable import Tasks

/// A task file lm-eval would refuse, or that needs what this runner cannot do, is one error
/// naming the file, the line and the key, with a hint; never a silent default.
@Suite("lm-eval task files: errors with their place")
struct LMEvalTaskFileTests {
    let temporary: TemporaryDirectory
    var folder: URL { temporary.url }

    init() throws {
        temporary = try TemporaryDirectory("lmeval-files")
        try #"{"q": "What is 2 plus 2?", "choices": ["3", "4"], "label": 1}"#.write(to: folder.appendingPathComponent("data.jsonl"), atomically: true, encoding: .utf8)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A valid multiple-choice task; `extra` is one more `key: value` line, replacing the
    /// line of the same key if there is one (a YAML file may not repeat a key).
    func taskFile(_ extra: String = "") -> String {
        var lines = [
            "task: t",
            "dataset_path: json",
            "dataset_kwargs: {data_files: {test: \(folder.path)/data.jsonl}}",
            "test_split: test",
            "output_type: multiple_choice",
            "doc_to_text: \"Q: {{q}}\"",
            "doc_to_choice: choices",
            "doc_to_target: label",
        ]
        let key = extra.split(separator: ":").first.map { $0 + ":" } ?? ""
        if !key.isEmpty, let i = lines.firstIndex(where: { $0.hasPrefix(key) }) { lines[i] = extra } else if !extra.isEmpty { lines.append(extra) }
        return lines.joined(separator: "\n") + "\n"
    }

    func build(_ file: String, _ section: String = "") throws -> LMEvalTask {
        let yaml = "name: lm_eval\npath: \(file)\n" + section
        let config = try ConfigDecoder().decode(TaskConfig.self, from: try YAMLLoader.load(yaml, file: "task.yaml"), at: "task")
        let context = TaskContext(capabilities: ModelCapabilities(chat: false, loglikelihood: true), modelName: "hf_local", seed: 1)
        return try #require((try TaskRegistry.default.build(config, context: context) as? LMEvalSuite)?.leaves.first)
    }

    func error(_ file: String, _ section: String = "") -> TaskError? {
        do { _ = try build(file, section); return nil } catch let error as TaskError { return error } catch {
            Issue.record("not a TaskError: \(error)"); return nil
        }
    }

    @Test("a valid file builds: one document, two requests")
    func valid() throws {
        let task = try build(try write("ok.yaml", taskFile()))
        #expect(task.items.count == 1)
        #expect(try task.requests(for: task.items.item(at: 0)).count == 2)
    }

    @Test("two choices with the same text score as one request: a tie stays a tie and the first choice wins, as in lm-eval")
    func duplicateChoices() throws {
        try #"{"q": "Pick one", "choices": ["red", "blue", "blue"], "label": 2}"#.write(to: folder.appendingPathComponent("dup.jsonl"), atomically: true, encoding: .utf8)
        let file = taskFile("dataset_kwargs: {data_files: {test: \(folder.path)/dup.jsonl}}")
        let task = try build(try write("dup.yaml", file))
        let item = try task.items.item(at: 0)
        let requests = task.requests(for: item)
        #expect(requests.count == 3 && requests[1] == requests[2])
        // The copy computed in another batch came out 4e-8 higher: noise, not a better answer.
        let answers: [ModelAnswer] = [-30, -25.48200225830078, -25.48200221].map { .loglikelihood(Loglikelihood(logprob: $0, isGreedy: false)) }
        let score = task.score(item, answers: answers)
        #expect(score.predictionIndex == 1, "lm-eval's argmax takes the first of equal scores")
        #expect(score.metrics["acc"] == 0)
        // Generations are never merged: repeated sampled requests are meant to differ.
        let same = ModelRequest.generate(GenerationRequest(prompt: .text("x")))
        let samples: [ModelAnswer] = ["a", "b"].map { .generation(Generation(text: $0)) }
        #expect(LMEvalTask.sameAnswersForSameRequests([same, same], samples) == samples)
    }

    @Test("an unknown key names file:line:col and suggests the known one")
    func unknownKey() throws {
        let file = try write("typo.yaml", taskFile("doc_to_txt: x"))
        let e = try #require(error(file))
        #expect(e.message == "unknown lm-eval task key 'doc_to_txt'")
        #expect(e.place == "\(file):9:13 (doc_to_txt)")
        #expect(e.hint == "did you mean 'doc_to_text'?")
    }

    @Test("Python hooks, groups and promptsource are refused with the reason; a hub dataset not on this machine names where it was looked for")
    func refused() throws {
        // A hook whose module is not beside the file: one error at the hook's line (LMEvalHookTests runs hooks).
        let function = try #require(error(try write("f.yaml", taskFile("process_docs: !function utils.process_docs"))))
        #expect(function.message.contains("utils"), "\(function.message)")
        #expect(function.place?.hasSuffix("f.yaml:9:15 (process_docs)") == true, "\(function.place ?? "")")
        #expect(function.hint?.contains("task.python") == true)
        let group = try #require(error(try write("g.yaml", taskFile("group: mygroup"))))
        #expect(group.hint?.contains("group definition") == true)
        let hub = try #require(error(try write("h.yaml", taskFile("dataset_path: hellaswag"))))
        #expect(hub.message.hasPrefix("dataset 'hellaswag' is not on this machine; looked in:"), "\(hub.message)")
        #expect(hub.hint?.contains("huggingface-cli download") == true)
        let prompt = try #require(error(try write("p.yaml", taskFile("use_prompt: promptsource:x"))))
        #expect(prompt.message.contains("promptsource"))
    }

    @Test("includes are relative to the file naming them; a cycle and a missing include are errors")
    func includes() throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        _ = try write("sub/base.yaml", taskFile().replacingOccurrences(of: "task: t\n", with: ""))
        let child = try write("sub/child.yaml", "include: base.yaml\ntask: child\ndoc_to_text: \"Question: {{q}}\"\n")
        let task = try build(child)
        guard case .loglikelihood(let request) = try task.requests(for: task.items.item(at: 0))[0] else { Issue.record("not a loglikelihood request"); return }
        #expect(request.context == "Question: What is 2 plus 2?")
        let a = try write("a.yaml", "include: b.yaml\ntask: a\n")
        _ = try write("b.yaml", "include: a.yaml\n")
        #expect(error(a)?.message.hasPrefix("include cycle") == true)
        let missing = try #require(error(try write("m.yaml", "include: nope.yaml\ntask: m\n")))
        #expect(missing.message == "task file not found")
        #expect(missing.hint?.contains("relative to the file that names it") == true)
    }

    @Test("templates use lm-eval's StrictUndefined: a misspelt field names itself and the fields there are")
    func strictUndefined() throws {
        let e = try #require(error(try write("u.yaml", taskFile(#"doc_to_text: "Q: {{qq}}""#))))
        #expect(e.message.contains("'qq' is undefined"))
        #expect(e.hint?.contains("q, choices, label") == true)
    }

    @Test("a data file that is not there, a digit target Python cannot read, too many shots")
    func dataErrors() throws {
        let missing = try #require(error(try write("d.yaml", taskFile("dataset_kwargs: {data_files: {test: \(folder.path)/none.jsonl}}"))))
        #expect(missing.message == "data file not found")
        let digits = try #require(error(try write("z.yaml", taskFile(#"doc_to_target: "0{{label}}""#))))
        #expect(digits.message.contains("which Python cannot read as a number"))
        let shots = try #require(error(try write("n.yaml", taskFile("num_fewshot: 3"))))
        #expect(shots.message.contains("num_fewshot needs 3 documents"))
    }

    @Test("the section's keys override the file's; num_fewshot follows lm-eval's rule (a file's 0 stays 0)")
    func overrides() throws {
        let file = try write("o.yaml", taskFile())
        let task = try build(file, "doc_to_text: \"Asked: {{q}}\"\n")
        guard case .loglikelihood(let request) = try task.requests(for: task.items.item(at: 0))[0] else { Issue.record("not loglikelihood"); return }
        #expect(request.context == "Asked: What is 2 plus 2?")
        let zero = try write("zero.yaml", taskFile("num_fewshot: 0"))
        #expect(try build(zero, "num_fewshot: 5\n").numFewshot == 0)
    }

    @Test("a document without the field doc_to_target names, or whose target is no choice: its data file and line, the field, the task file")
    func documentTargets() throws {
        func failure(_ lines: [String], target: String = "label") throws -> (TaskError, data: String) {
            let data = try write("targets-\(UUID().uuidString).jsonl", lines.joined(separator: "\n") + "\n")
            let file = try write("targets-\(UUID().uuidString).yaml", taskFile("dataset_kwargs: {data_files: {test: \(data)}}")
                .replacingOccurrences(of: "doc_to_target: label", with: "doc_to_target: \(target)"))
            return (try #require(error(file)), data)
        }
        let good = #"{"q": "A?", "choices": ["3", "4"], "label": 1, "answer": "4"}"#
        let lacking = #"{"q": "B?", "choices": ["3", "4"]}"#
        // The field is missing (a blank line between still counts): lm-eval would score the document wrong without a word.
        let (missing, data) = try failure([good, "", lacking])
        #expect(missing.place == "\(data):3 (doc 1)")
        #expect(missing.message == "doc_to_target names the field 'label', which is missing or null in this document")
        #expect(missing.hint?.hasPrefix("'label', 'answer' are missing or null in this document; ") == true)
        #expect(missing.hint?.contains("fix this document, or the task file \(folder.path)/targets-") == true)
        #expect(missing.description.hasPrefix("\(data):3 (doc 1): error: doc_to_target names the field 'label'"))
        // A template that looks the field up: lm-eval's own words, now with the document's place.
        let (template, templateData) = try failure([good, lacking], target: #""{{['3', '4'].index(answer)}}""#)
        #expect(template.place == "\(templateData):2 (doc 1)")
        #expect(template.message == "doc_to_target: None is not in list")
        #expect(template.hint?.hasPrefix("'label', 'answer' are missing or null in this document; the template can use the document's fields: q, choices") == true)
        // Present, but no choice.
        let (range, rangeData) = try failure([#"{"q": "C?", "choices": ["3", "4"], "label": 5}"#])
        #expect(range.place == "\(rangeData):1 (doc 0)")
        #expect(range.message == "doc_to_target gave index 5, and the document has 2 choices: '3', '4'")
        #expect(range.hint?.hasPrefix("a target is a choice's index (0 to 1), its exact text, or a list of indices") == true)
        let (text, _) = try failure([good, #"{"q": "D?", "choices": ["3", "4"], "label": "five"}"#])
        #expect(text.message == "doc_to_target gave 'five', which is not one of the 2 choices: '3', '4'")
    }

    @Test("a few-shot example without its target names the example's line; a CSV row names its line")
    func shotAndCSVTargets() throws {
        let train = try write("train.jsonl", """
        {"q": "T1?", "choices": ["3", "4"], "label": 0}
        {"q": "T2?", "choices": ["3", "4"]}

        """)
        let file = try write("shots.yaml", taskFile("dataset_kwargs: {data_files: {test: \(folder.path)/data.jsonl, train: \(train)}}")
            + "training_split: train\nnum_fewshot: 2\n")
        let shot = try #require(error(file))
        #expect(shot.place == "\(train):2 (few-shot doc 1 of train)")
        #expect(shot.hint?.contains("'label' is missing or null in this document") == true)
        let csv = try write("rows.csv", "q,choices,label\nA?,\"['four', 'five']\",four\nB?,\"['four', 'five']\",\n")
        let csvTask = try write("csv.yaml", taskFile("dataset_kwargs: {data_files: {test: \(csv)}}")
            .replacingOccurrences(of: "dataset_path: json", with: "dataset_path: csv")
            .replacingOccurrences(of: "doc_to_choice: choices", with: "doc_to_choice: \"{{choices}}\""))
        let row = try #require(error(csvTask))
        #expect(row.place == "\(csv):3 (doc 1)")
        #expect(row.message.contains("doc_to_target names the field 'label'"))
    }

    @Test("a broken JSON Lines line shows its column and a caret, and says what a line holds (no word of CSV)")
    func brokenDataLine() throws {
        let data = try write("broken.jsonl", """
        {"q": "A?", "choices": ["3", "4"], "label": 1}
        {"q": "B?", "choices": ["3", "4"] "label": 1}

        """)
        let e = try #require(error(try write("broken.yaml", taskFile("dataset_kwargs: {data_files: {test: \(data)}}"))))
        #expect(e.place == "\(data):2:35")
        #expect(e.message == "line is not valid JSON: expecting ',' or '}'")
        #expect(e.hint == "each line of a JSON Lines file is one whole JSON object, like {\"question\": ..., \"answer\": ...}")
        #expect(e.snippet == """
         2 | {"q": "B?", "choices": ["3", "4"] "label": 1}
           |                                   ^
        """)
        #expect(!e.description.lowercased().contains("csv"))
        // One JSON document: the line and column of the failure, not a byte offset.
        let json = try write("broken.json", "[\n  {\"q\": \"A?\", \"choices\": [\"3\", \"4\"], \"label\": 1},\n  {\"q\": \"B?\",}\n]\n")
        let document = try #require(error(try write("broken-json.yaml", taskFile("dataset_kwargs: {data_files: {test: \(json)}}"))))
        #expect(document.place == "\(json):3:14")
        #expect(document.message == "file is not valid JSON: expecting a property name in double quotes")
    }

    @Test("a Parquet, Arrow, gzip or zip file named as data is named as such, not as text that is not UTF-8", arguments: [
        ([UInt8]("PAR1".utf8) + [0x15, 0x04, 0x15, 0xAC, 0x02, 0x00, 0xFF] + [UInt8]("PAR1".utf8), "a Parquet file", "dataset_path: parquet"),
        ([UInt8]("ARROW1".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x78, 0x00], "an Arrow IPC (Feather) file", "dataset_path: arrow"),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0x78, 0x00, 0x00, 0x00, 0x10], "an Arrow IPC stream", "dataset_path: arrow"),
        ([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00], "gzip-compressed", "gunzip"),
        ([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x08], "a zip archive", "unzip"),
    ])
    func binaryData(bytes: [UInt8], name: String, says: String) throws {
        let data = folder.appendingPathComponent("train.parquet")
        try Data(bytes).write(to: data)
        let e = try #require(error(try write("binary.yaml", taskFile("dataset_kwargs: {data_files: {test: \(data.path)}}"))))
        #expect(e.place == data.path)
        #expect(e.message.hasPrefix("data file is \(name)"))
        #expect(e.hint?.contains(says) == true, "\(e.hint ?? "")")
        #expect(!e.description.contains("UTF-8"))
    }
}
