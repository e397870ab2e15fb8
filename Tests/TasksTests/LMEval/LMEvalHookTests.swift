import TestSupport
import Config
import Foundation
import Models
import Testing
@testable import Tasks

/// Where the hook tests find their Python: `python3` (Debian's is enough for the stand-in
/// dataset), and lm-eval's venv for task files whose modules import `datasets` or `numpy`.
enum HookPythons {
    static let python3: String? = {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/python3"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    /// `RUNNER_LMEVAL_PYTHON`, else the scratch venv the fixtures were recorded with.
    static let lmEval: String? = {
        let candidates = [ProcessInfo.processInfo.environment["RUNNER_LMEVAL_PYTHON"], "/work/scratch/venv-lmeval/bin/python"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static func skip(_ what: String, _ python: String?) -> Bool {
        if python == nil { print("skipped: \(what) needs \(what.contains("venv") ? "lm-eval's venv (set RUNNER_LMEVAL_PYTHON)" : "python3")") }
        return python == nil
    }
}

/// lm-eval's `!function` hooks run in the user's Python: lm-eval's own task files, unchanged,
/// give lm-eval's own values (recorded by `Fixtures/lm_eval/hooks/record_hooks.py`), and every
/// failure is one error naming the task file, the document, the hook and the Python frame.
@Suite("lm-eval Python hooks", .serialized)
struct LMEvalHookTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lm_eval/hooks").path
    let temporary: TemporaryDirectory
    var folder: URL { temporary.url }

    init() throws {
        temporary = try TemporaryDirectory("lmeval-hooks")
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func settings(_ yaml: String) throws -> LMEvalSettings {
        try ConfigDecoder().decode(LMEvalSettings.self, from: try YAMLLoader.load(yaml, file: "task.yaml"), at: "task")
    }

    static let context = TaskContext(capabilities: ModelCapabilities(chat: false, loglikelihood: true), modelName: "hf_local", seed: 1)

    /// The section for a fixture task file with its data replaced by local files.
    static func section(_ file: String, python: String, files: [String: String], extra: String = "") -> String {
        let data = files.map { "\($0.key): \(fixtures)/data/\($0.value)" }.joined(separator: ", ")
        return "name: lm_eval\npath: \(fixtures)/../library/\(file)\npython: \(python)\ndataset_path: json\ndataset_name: null\n"
            + "dataset_kwargs: {data_files: {\(data)}}\n" + extra
    }

    static func build(_ section: String, python worker: LMEvalPythonWorker? = nil) throws -> LMEvalTask {
        try LMEvalTask(try settings(section), context: context, python: worker)
    }

    /// What real lm-eval computed on the same data.
    static func expected(_ task: String) throws -> [TemplateValue] {
        let text = try String(contentsOfFile: fixtures + "/expected.json", encoding: .utf8)
        guard case .array(let rows) = try PythonJSON.parse(Substring(text))[task] else { throw TaskError("no \(task) in expected.json") }
        return rows
    }

    static func error(_ body: () throws -> Void) -> TaskError? {
        do { try body(); return nil } catch let error as TaskError { return error } catch {
            Issue.record("not a TaskError: \(error)"); return nil
        }
    }

    static func alive(_ pid: Int32?) -> Bool {
        guard let pid else { return false }
        // A zombie is dead for this purpose: its state letter is Z.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true)
    }

    // MARK: - lm-eval's own task files

    @Test("winogrande's doc_to_text/doc_to_target/doc_to_choice hooks give lm-eval's values (doc_to_text an int: multiple input)")
    func winogrande() throws {
        guard !HookPythons.skip("winogrande hooks", HookPythons.python3), let python = HookPythons.python3 else { return }
        let settings = try Self.settings(Self.section("winogrande/default.yaml", python: python,
                                                      files: ["train": "winogrande_train.jsonl", "validation": "winogrande_validation.jsonl"]))
        let definition = try LMEvalTask.definition(settings, path: settings.path)
        let worker = LMEvalPythonWorker(settings)
        let hooks = LMEvalTaskHooks(worker: worker, taskFile: definition.source)
        let dataset = try LMEvalDataset.load(definition) { $0 }
        let docs = try #require(dataset.splits["validation"])
        var documents = LMEvalDocuments(features: Set(dataset.columns["validation"] ?? []), hasChoices: true, source: definition.source)
        documents.hookResults = try hooks.docFieldResults(definition, eval: docs, pool: [])
        let expected = try Self.expected("winogrande")
        #expect(docs.count == expected.count)
        for (doc, row) in zip(docs, expected) {
            #expect(try documents.text(definition.docToText, doc) == row["doc_to_text"])
            #expect(try documents.target(definition.docToTarget, doc) == row["doc_to_target"])
            #expect(try documents.choices(definition.docToChoice, doc) == row["doc_to_choice"].iterationItems)
        }
        // Every document's three hooks took one message each: three round trips, not nine.
        let pid = worker.processID
        #expect(Self.alive(pid))
        worker.shutdown()
        #expect(!Self.alive(pid), "no worker remains after the run")
    }

    @Test("hellaswag: process_docs (a real datasets.Dataset) gives lm-eval's documents and prompts")
    func hellaswag() throws {
        guard !HookPythons.skip("hellaswag (its utils.py imports datasets): lm-eval's venv", HookPythons.lmEval), let python = HookPythons.lmEval else { return }
        let task = try Self.build(Self.section("hellaswag/hellaswag.yaml", python: python,
                                               files: ["train": "hellaswag_train.jsonl", "validation": "hellaswag_validation.jsonl"]))
        let expected = try Self.expected("hellaswag")
        #expect(task.items.count == expected.count)
        for (plan, row) in zip(task.plans, expected) {
            #expect(plan.doc == row["doc"], "the processed document, column for column")
            let choices = row["doc_to_choice"].iterationItems ?? []
            let wanted = choices.map { ModelRequest.loglikelihood(LoglikelihoodRequest(context: row["context"].text, continuation: " " + $0.text)) }
            #expect(plan.requests == wanted)
            #expect(plan.goldIndices == [row["doc_to_target"].number.map { Int($0) } ?? -1])
        }
    }

    @Test("truthfulqa_mc2: process_results gets lm-eval's (loglikelihood, is_greedy) tuples and gives its acc")
    func truthfulqa() throws {
        guard !HookPythons.skip("truthfulqa_mc2 (its utils.py imports numpy, sacrebleu, rouge_score): lm-eval's venv", HookPythons.lmEval),
              let python = HookPythons.lmEval else { return }
        let task = try Self.build(Self.section("truthfulqa/truthfulqa_mc2.yaml", python: python, files: ["validation": "truthfulqa_validation.jsonl"]))
        let expected = try Self.expected("truthfulqa_mc2")
        #expect(task.items.count == expected.count)
        for (index, row) in expected.enumerated() {
            let item = try task.items.item(at: index)
            #expect(task.requests(for: item).first == .loglikelihood(LoglikelihoodRequest(context: row["context"].text,
                                                                                       continuation: " " + (row["doc_to_choice"].iterationItems?.first?.text ?? ""))))
            let answers: [ModelAnswer] = (row["results"].iterationItems ?? []).map { pair in
                let items = pair.iterationItems ?? []
                return ModelAnswer.loglikelihood(Loglikelihood(logprob: items[0].number ?? .nan, isGreedy: items[1].isTruthy))
            }
            let score = task.score(item, answers: answers)
            let acc = try #require(score.metrics["acc"], "\(score.method ?? "")")
            #expect(abs(acc - (row["process_results"]["acc"].number ?? .nan)) < 1e-12)
        }
    }

    // MARK: - Every hook, with the stand-in dataset (python3 alone)

    /// A task with every kind of hook, its module in a subfolder's include (resolved beside the
    /// YAML that names it), over three documents.
    func hookTask(extra: String = "", utils: String = "") throws -> String {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("base"), withIntermediateDirectories: true)
        _ = try write("data.jsonl", """
            {"q": " What is [x]2+2?", "opts": ["3", "4"], "label": 1, "keep": true}
            {"q": "Skip me", "opts": ["a", "b"], "label": 0, "keep": false}
            {"q": "Capital of France?", "opts": ["Paris", "Rome"], "label": 0, "keep": true}
            """)
        _ = try write("base/helpers.py", "def clean(text):\n    return text.replace('[x]', '').strip()\n")
        _ = try write("base/utils.py", """
            import math
            from helpers import clean  # a sibling module, imported by its plain name

            def process_docs(dataset):
                print("this print must not reach the protocol")
                kept = dataset.filter(lambda doc: doc["keep"])
                kept = kept.map(lambda doc, i: {"question": clean(doc["q"]), "idx": i}, with_indices=True)
                return kept.rename_column("opts", "choices").remove_columns(["keep"])

            def text(doc):
                return "Q: " + doc["question"] + "\\nA:"

            def results(doc, results):
                lls, greedy = zip(*results)
                assert isinstance(results[0], tuple), type(results[0])
                best = max(range(len(lls)), key=lambda i: lls[i])
                return {"acc": float(best == doc["label"]), "hits": int(best == doc["label"])}

            def total(items):
                return float(sum(items)) * 10

            def shots():
                return [{"question": "Sky color?", "choices": ["blue", "red"], "label": 0}]

            \(utils)
            """)
        _ = try write("base/base.yaml", """
            dataset_path: json
            dataset_kwargs: {data_files: {test: \(folder.path)/data.jsonl}}
            test_split: test
            output_type: multiple_choice
            process_docs: !function utils.process_docs
            doc_to_text: !function utils.text
            doc_to_choice: choices
            doc_to_target: label
            process_results: !function utils.results
            metric_list:
              - metric: acc
              - metric: hits
                aggregation: !function utils.total
            """)
        return try write("task.yaml", "include: base/base.yaml\ntask: hooked\n" + extra)
    }

    func answers(_ lls: [Double]) -> [ModelAnswer] { lls.map { .loglikelihood(Loglikelihood(logprob: $0, isGreedy: false)) } }

    @Test("process_docs (the stand-in Dataset: filter, map with indices, rename, remove), doc_to_text, process_results and a custom aggregation, from an include's module")
    func everyHook() throws {
        guard !HookPythons.skip("hook task", HookPythons.python3), let python = HookPythons.python3 else { return }
        let file = try hookTask()
        let task = try Self.build("name: lm_eval\npath: \(file)\npython: \(python)\n")
        #expect(task.items.count == 2, "process_docs dropped the document with keep: false")
        let first = task.plans[0]
        #expect(first.doc == .object([("q", .string(" What is [x]2+2?")), ("choices", .array([.string("3"), .string("4")])), ("label", .int(1)),
                                      ("question", .string("What is 2+2?")), ("idx", .int(0))]))
        #expect(first.requests.first == .loglikelihood(LoglikelihoodRequest(context: "Q: What is 2+2?\nA:", continuation: " 3")))
        let s0 = task.score(try task.items.item(at: 0), answers: answers([-2, -1]))
        let s1 = task.score(try task.items.item(at: 1), answers: answers([-2, -1]))
        #expect(s0.metrics["acc"] == 1 && s0.metrics["hits"] == 1, "\(s0.method ?? "")")
        #expect(s1.metrics["acc"] == 0 && s1.metrics["hits"] == 0)
        let columns = ScoreColumns([s0, s1])
        let hits = task.estimate("hits", scores: columns, iterations: 10, seed: 1)
        #expect(hits.value == 10, "the custom aggregation: sum * 10")
        #expect(hits.standardError == nil, "lm-eval reports N/A for a custom aggregation")
        #expect(task.estimate("acc", scores: columns, iterations: 10, seed: 1).value == 0.5)
    }

    @Test("fewshot_config.samples from a function; a task without hooks starts no Python")
    func samplesAndNoPython() throws {
        guard !HookPythons.skip("hook task", HookPythons.python3), let python = HookPythons.python3 else { return }
        let file = try hookTask(extra: "num_fewshot: 1\nfewshot_config: {sampler: first_n, samples: !function base.utils.shots}\n")
        let task = try Self.build("name: lm_eval\npath: \(file)\npython: \(python)\n")
        guard case .loglikelihood(let request)? = task.plans[0].requests.first else { Issue.record("no request"); return }
        #expect(request.context == "Q: Sky color?\nA: blue\n\nQ: What is 2+2?\nA:")

        _ = try write("plain.jsonl", #"{"q": "x", "choices": ["a", "b"], "label": 0}"#)
        let plain = try write("plain.yaml", "task: plain\ndataset_path: json\ndataset_kwargs: {data_files: {test: \(folder.path)/plain.jsonl}}\n"
                              + "test_split: test\noutput_type: multiple_choice\ndoc_to_text: q\ndoc_to_choice: choices\ndoc_to_target: label\n")
        let worker = LMEvalPythonWorker(python: "/nonexistent/python")
        let noHooks = try Self.build("name: lm_eval\npath: \(plain)\n", python: worker)
        #expect(noHooks.items.count == 1)
        #expect(worker.processID == nil, "no Python started for a task without hooks")
    }

    @Test("two tasks of a run share one worker")
    func sharedWorker() throws {
        guard !HookPythons.skip("hook task", HookPythons.python3), let python = HookPythons.python3 else { return }
        let file = try hookTask()
        let worker = LMEvalPythonWorker(python: python)
        let a = try Self.build("name: lm_eval\npath: \(file)\n", python: worker)
        let pid = worker.processID
        let b = try Self.build("name: lm_eval\npath: \(file)\n", python: worker)
        #expect(pid != nil && worker.processID == pid)
        // Scoring from several threads takes turns on the one pipe.
        let items = (0..<8).map { _ in (a, b) }
        DispatchQueue.concurrentPerform(iterations: items.count) { i in
            let task = i % 2 == 0 ? items[i].0 : items[i].1
            let score = task.score(try! task.items.item(at: 0), answers: answers([-2, -1]))
            #expect(score.metrics["acc"] == 1, "\(score.method ?? "")")
        }
    }

    @Test("values cross as JSON: int, float, bool, None, NaN, inf, nested lists and dicts; tuples become lists")
    func values() throws {
        guard !HookPythons.skip("value crossing", HookPythons.python3), let python = HookPythons.python3 else { return }
        _ = try write("echo.py", "def echo(*args):\n    return args\n\ndef tup(x):\n    return (1, 2.0, True, None, float('inf'), {1: (3, 'x')})\n")
        let yaml = try write("echo.yaml", "x: 1\n")
        let hooks = LMEvalTaskHooks(worker: LMEvalPythonWorker(python: python), taskFile: yaml)
        let value: TemplateValue = .array([.int(3), .double(3), .bool(false), .none, .double(.infinity), .double(-.infinity),
                                           .array([.object([("a", .array([.double(0.1), .string("é\n\"")]))])])])
        let echoed = try hooks.call(LMEvalHook(function: "echo.echo", yamlFile: yaml, place: yaml), args: [value], key: "test")
        #expect(echoed == .array([value]))
        let nan = try hooks.call(LMEvalHook(function: "echo.echo", yamlFile: yaml, place: yaml), args: [.double(.nan)], key: "test")
        #expect(nan.iterationItems?.first?.number?.isNaN == true)
        let tuple = try hooks.each(LMEvalHook(function: "echo.tup", yamlFile: yaml, place: yaml), [.none], ids: [0], key: "test")
        #expect(tuple == [.array([.int(1), .double(2), .bool(true), .none, .double(.infinity), .object([("1", .array([.int(3), .string("x")]))])])])
    }

    @Test("process_docs gets a datasets.Dataset with the dataset card's features: ClassLabel names and all")
    func features() throws {
        guard !HookPythons.skip("a real datasets.Dataset: lm-eval's venv", HookPythons.lmEval), let python = HookPythons.lmEval else { return }
        _ = try write("feat.py", "def names(ds):\n    label = ds.features['label']\n    return ds.map(lambda d: {'name': label.int2str(d['label']), 'kind': type(ds).__module__})\n")
        let yaml = try write("feat.yaml", "x: 1\n")
        let hooks = LMEvalTaskHooks(worker: LMEvalPythonWorker(python: python), taskFile: yaml)
        let card = #"[{"name": "q", "dtype": "string"}, {"name": "label", "class_label": {"names": {"0": "no", "1": "yes"}}}]"#
        let (docs, columns) = try hooks.processDocs(LMEvalHook(function: "feat.names", yamlFile: yaml, place: yaml),
                                                    [.object([("q", .string("a")), ("label", .int(1))])], columns: ["q", "label"], features: card, key: "process_docs")
        #expect(columns == ["q", "label", "name", "kind"])
        #expect(docs.first?["name"] == .string("yes"))
        #expect(docs.first?["kind"] == .string("datasets.arrow_dataset"))
    }

    @Test("10,000 documents through process_docs and a doc_to_text hook: a few round trips")
    func manyDocuments() throws {
        guard !HookPythons.skip("hook task", HookPythons.python3), let python = HookPythons.python3 else { return }
        _ = try write("many.jsonl", (0..<10_000).map { #"{"q": "question \#($0)", "choices": ["a", "b"], "label": \#($0 % 2)}"# }.joined(separator: "\n"))
        _ = try write("many.py", "def docs(ds):\n    return ds.map(lambda d: {'q': d['q'].upper()})\n\ndef text(doc):\n    return doc['q'] + '?'\n")
        let file = try write("many.yaml", "task: many\ndataset_path: json\ndataset_kwargs: {data_files: {test: \(folder.path)/many.jsonl}}\ntest_split: test\n"
                             + "output_type: multiple_choice\nprocess_docs: !function many.docs\ndoc_to_text: !function many.text\ndoc_to_choice: choices\ndoc_to_target: label\n")
        let clock = ContinuousClock()
        let start = clock.now
        let task = try Self.build("name: lm_eval\npath: \(file)\npython: \(python)\n")
        let elapsed = clock.now - start
        print("10,000 documents, process_docs + doc_to_text hooks: task built in \(elapsed)")
        #expect(task.items.count == 10_000)
        guard case .loglikelihood(let request)? = task.plans[9_999].requests.first else { Issue.record("no request"); return }
        #expect(request.context == "QUESTION 9999?")
        #expect(elapsed < .seconds(20))
    }

    @Test("custom_dataset(**metadata, **dataset_kwargs) and a custom filter (filter_fn) on a generate_until task")
    func customDatasetAndFilter() throws {
        guard !HookPythons.skip("hook task", HookPythons.python3), let python = HookPythons.python3 else { return }
        _ = try write("gen.py", """
            def data(**kwargs):
                n = kwargs["rows"]
                return {"test": [{"q": f"Say {i}", "a": str(i)} for i in range(n)]}

            def clean(resps, docs):
                return [[r.strip().lower().replace("answer: ", "") for r in resp] for resp in resps]
            """)
        let file = try write("gen.yaml", """
            task: gen
            custom_dataset: !function gen.data
            metadata: {rows: 3}
            test_split: test
            output_type: generate_until
            doc_to_text: "{{q}}"
            doc_to_target: a
            filter_list:
              - name: cleaned
                filter:
                  - function: custom
                    filter_fn: !function gen.clean
                  - function: take_first
            """)
        let task = try Self.build("name: lm_eval\npath: \(file)\npython: \(python)\n")
        #expect(task.items.count == 3)
        let score = task.score(try task.items.item(at: 2), answers: [.generation(Generation(text: "  Answer: 2 "))])
        #expect(score.metrics["exact_match,cleaned"] == 1, "\(score.method ?? "")")
        let wrong = task.score(try task.items.item(at: 1), answers: [.generation(Generation(text: "Answer: 2"))])
        #expect(wrong.metrics["exact_match,cleaned"] == 0)
    }

    // MARK: - Errors

    @Test("a hook that raises: one error naming the task file, the document, the hook and the Python frame")
    func raises() throws {
        guard !HookPythons.skip("hook errors", HookPythons.python3), let python = HookPythons.python3 else { return }
        let file = try hookTask(extra: "doc_to_text: !function base.utils.bad\n", utils: """
            def bad(doc):
                if doc["idx"] == 1:
                    raise ValueError("no text for " + doc["question"])
                return "ok"
            """)
        let error = try #require(Self.error { _ = try Self.build("name: lm_eval\npath: \(file)\npython: \(python)\n") })
        #expect(error.place == "\(file) (doc 1)")
        #expect(error.message.hasPrefix("doc_to_text (!function base.utils.bad) raised ValueError: no text for Capital of France?"), "\(error.message)")
        #expect(error.message.contains("base/utils.py:27"), "the last frame: \(error.message)")
    }

    @Test("a missing module, function or Python: one error at the hook's line with a task.python hint")
    func missing() throws {
        guard !HookPythons.skip("hook errors", HookPythons.python3), let python = HookPythons.python3 else { return }
        let noModule = try hookTask(extra: "doc_to_text: !function nothere.text\n")
        let e1 = try #require(Self.error { _ = try Self.build("name: lm_eval\npath: \(noModule)\npython: \(python)\n") })
        #expect(e1.message.contains("no nothere.py beside \(noModule)"), "\(e1.message)")
        #expect(e1.place == "\(noModule):3:14 (doc_to_text)")
        #expect(e1.hint?.contains("task.python") == true)
        let noFunction = try hookTask(extra: "doc_to_text: !function base.utils.nope\n")
        let e2 = try #require(Self.error { _ = try Self.build("name: lm_eval\npath: \(noFunction)\npython: \(python)\n") })
        #expect(e2.message.hasSuffix("utils.py has no function 'nope'"), "\(e2.message)")
        let e3 = try #require(Self.error { _ = try Self.build("name: lm_eval\npath: \(noFunction)\npython: /nonexistent/python3\n") })
        #expect(e3.message.hasPrefix("task.python '/nonexistent/python3' is not an executable file"), "\(e3.message)")
        #expect(e3.hint?.contains("task.python=") == true)
        // Hydra composition still refuses the tag with today's message.
        #expect(throws: ConfigError.self) { _ = try YAMLLoader.load("f: !function utils.f\n", file: "conf.yaml") }
    }

    @Test("a hook that hangs is stopped after task.hook_timeout; later calls report it; no worker remains")
    func hangs() throws {
        guard !HookPythons.skip("hook errors", HookPythons.python3), let python = HookPythons.python3 else { return }
        let file = try hookTask(extra: "doc_to_text: !function base.utils.slow\n", utils: "def slow(doc):\n    import time\n    time.sleep(3600)\n")
        let worker = LMEvalPythonWorker(python: python, timeout: 1)
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(Self.error { _ = try Self.build("name: lm_eval\npath: \(file)\n", python: worker) })
        #expect(clock.now - start < .seconds(5))
        #expect(error.message.contains("did not finish within 1.0 s"), "\(error.message)")
        #expect(error.hint?.contains("task.hook_timeout") == true)
        #expect(worker.processID == nil)
        let again = try #require(Self.error { _ = try Self.build("name: lm_eval\npath: \(file)\n", python: worker) })
        #expect(again.message == error.message)
    }

    @Test("a worker killed mid-run is one error per document, and a SIGKILLed runner leaves no worker behind")
    func killed() async throws {
        guard !HookPythons.skip("hook errors", HookPythons.python3), let python = HookPythons.python3 else { return }
        let file = try hookTask()
        let worker = LMEvalPythonWorker(python: python)
        let task = try Self.build("name: lm_eval\npath: \(file)\n", python: worker)
        let pid = try #require(worker.processID)
        kill(pid, SIGKILL)
        let score = task.score(try task.items.item(at: 0), answers: answers([-2, -1]))
        #expect(score.method?.contains("the Python hook worker exited (killed by signal 9)") == true, "\(score.method ?? "")")
        #expect(!Self.alive(pid))

        // A parent that dies without a word: the worker notices within a second and exits.
        let parent = Process()
        parent.executableURL = URL(fileURLWithPath: python)
        let program = LMEvalWorkerProgram.source
        parent.arguments = ["-c", "import subprocess, sys, time\np = subprocess.Popen([sys.executable, '-c', sys.argv[1]], stdin=subprocess.PIPE)\n"
                            + "print(p.pid, flush=True)\ntime.sleep(60)\n", program]
        let out = Pipe()
        parent.standardOutput = out
        try parent.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let child = try #require(Int32(line))
        #expect(Self.alive(child))
        kill(parent.processIdentifier, SIGKILL)
        await parent.exited()
        var gone = false
        for _ in 0..<40 where !gone { await sleepFor(0.05); gone = !Self.alive(child) }
        #expect(gone, "the worker of a SIGKILLed parent exits")
    }

    @Test("the worker stops when its last task goes away")
    func noWorkerAfterRun() throws {
        guard !HookPythons.skip("hook task", HookPythons.python3), let python = HookPythons.python3 else { return }
        let file = try hookTask()
        var pid: Int32?
        do {
            let task = try Self.build("name: lm_eval\npath: \(file)\npython: \(python)\n")
            pid = task.python.processID
            #expect(Self.alive(pid))
        }
        #expect(pid != nil && !Self.alive(pid))
    }

    @Test("worker replies are parsed strictly: wrong id, broken JSON, unknown shapes are failures")
    func replies() throws {
        #expect(try LMEvalWorkerReply.parse(#"{"id": 3, "ok": [1, 2.0]}"#, id: 3) == .ok(.array([.int(1), .double(2)])))
        let error = try LMEvalWorkerReply.parse(#"{"id": 1, "error": {"kind": "raised", "type": "KeyError", "exception": "KeyError: 'x'", "frame": "u.py:3", "index": 2}}"#, id: 1)
        #expect(error == .error(.init(kind: .raised, type: "KeyError", exception: "KeyError: 'x'", message: "", frame: "u.py:3", index: 2)))
        for bad in [#"{"id": 2, "ok": 1}"#, "{", "[]", #"{"id": 1}"#, #"{"id": 1, "error": {"kind": "odd"}}"#, #"{"id": 1, "error": {"kind": "raised", "index": -1}}"#] {
            #expect(throws: LMEvalWorkerReply.Failure.self) { _ = try LMEvalWorkerReply.parse(Substring(bad), id: 1) }
        }
    }
}
