import Config
import Foundation
import Models
import Testing
@testable import Tasks

/// A task file lm-eval would refuse, or that needs what this runner cannot do, is one error
/// naming the file, the line and the key, with a hint; never a silent default.
@Suite("lm-eval task files: errors with their place")
struct LMEvalTaskFileTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lmeval-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
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
        return try #require(try TaskRegistry.default.build(config, context: context) as? LMEvalTask)
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

    @Test("an unknown key names file:line:col and suggests the known one")
    func unknownKey() throws {
        let file = try write("typo.yaml", taskFile("doc_to_txt: x"))
        let e = try #require(error(file))
        #expect(e.message == "unknown lm-eval task key 'doc_to_txt'")
        #expect(e.place == "\(file):9:13 (doc_to_txt)")
        #expect(e.hint == "did you mean 'doc_to_text'?")
    }

    @Test("Python hooks, groups, hub datasets and promptsource are refused with the reason")
    func refused() throws {
        let function = try #require(error(try write("f.yaml", taskFile("process_docs: !function utils.process_docs"))))
        #expect(function.message.contains("'!function utils.process_docs' calls Python code"))
        #expect(function.place?.hasSuffix("f.yaml:9:15") == true)
        let group = try #require(error(try write("g.yaml", taskFile("group: mygroup"))))
        #expect(group.hint?.contains("group definition") == true)
        let hub = try #require(error(try write("h.yaml", taskFile("dataset_path: hellaswag"))))
        #expect(hub.message.contains("dataset_path 'hellaswag' is a Hugging Face hub dataset"))
        #expect(hub.hint?.contains("nothing is downloaded here") == true)
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
}
