import TestSupport
import Foundation
import Response
import Testing

/// `+task=lm_eval` against real lm-evaluation-harness 0.4.13 runs (`Tests/TasksTests/Fixtures/
/// lm_eval/recorded`, recorded by its `record.sh` with lm-eval's `hf` backend on the tiny
/// checkpoints transformers wrote): for every document the same requests byte for byte, the
/// same loglikelihoods within 1e-3 (float32 on both sides: measured up to 1e-4), the same
/// greedy generations and filtered answers, the same per-document metrics, and lm-eval's own
/// `results.json` numbers, standard errors included.
@Suite("lm-eval parity: recorded lm-eval runs, repeated with hf_local", .serialized, .timeLimit(.minutes(10)))
struct LMEvalParityTests {
    static let root = RunnerProcess.packageRoot.appendingPathComponent("Tests/TasksTests/Fixtures/lm_eval")

    /// Every recorded run made with lm-eval's hf backend on our own task files (`hub_*` runs are
    /// lm-eval's task files on hub data, below; `lib_*` runs name tasks of lm-eval's library).
    static let runs: [String] = {
        let folder = root.appendingPathComponent("recorded")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().filter { name in
            let command = (try? String(contentsOf: folder.appendingPathComponent("\(name)/command.txt"), encoding: .utf8)) ?? ""
            return command.contains("--model hf ") && !name.hasPrefix("hub_") && !name.hasPrefix("lib_")
        }
    }()

    /// lm-eval's command line as this runner's overrides.
    static func overrides(_ command: String) throws -> [String] {
        let words = shellWords(command)
        var out: [String] = []
        var i = words.firstIndex(of: "lm_eval").map { $0 + 1 } ?? 0
        func next() -> String { i + 1 < words.count ? words[i + 1] : "" }
        while i < words.count {
            switch words[i] {
            case "--model_args":
                let pretrained = next().split(separator: ",").first { $0.hasPrefix("pretrained=") }!.dropFirst("pretrained=".count)
                out.append("model.params.checkpoint_path=" + pretrained.replacingOccurrences(of: "<REPO>", with: RunnerProcess.packageRoot.path))
                i += 2
            case "--tasks": out.append("task.path=\(root.path)/tasks/\(next()).yaml"); i += 2
            case "--apply_chat_template": out.append("task.apply_chat_template=true"); i += 1
            case "--fewshot_as_multiturn":
                if next() == "false" || next() == "true" { out.append("task.fewshot_as_multiturn=\(next())"); i += 2 } else { out.append("task.fewshot_as_multiturn=true"); i += 1 }
            case "--limit": out.append("task.limit=\(next())"); i += 2
            case "--num_fewshot": out.append("task.num_fewshot=\(next())"); i += 2
            case "--system_instruction": out.append("task.system_instruction='\(next())'"); i += 2
            case "--include_path", "--batch_size", "--device", "--output_path", "--model": i += 2
            default: i += 1
            }
        }
        return out
    }

    /// Splits a command line as a POSIX shell would, for the quoting `record.sh` writes.
    static func shellWords(_ text: String) -> [String] {
        var words: [String] = [], word = ""
        var quote: Character?
        var inWord = false
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { word.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c; inWord = true
            } else if c == " " || c == "\n" {
                if inWord { words.append(word); word = ""; inWord = false }
            } else {
                word.append(c); inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// A recorded file, following `X.same_as` to the run it names.
    static func recorded(_ run: String, _ file: String) throws -> Data {
        let url = root.appendingPathComponent("recorded/\(run)/\(file)")
        if FileManager.default.fileExists(atPath: url.path) { return try Data(contentsOf: url) }
        let other = try String(contentsOf: url.appendingPathExtension("same_as"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return try recorded(other, file)
    }

    static func lines(_ data: Data) throws -> [[String: Any]] {
        try String(decoding: data, as: UTF8.self).split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    static func number(_ value: Any?) -> Double? {
        if let s = value as? String { return Double(s) }
        return (value as? NSNumber)?.doubleValue
    }

    /// The loglikelihood of a stringified response: `["-1.5", "False"]` or `"-1.5"`.
    static func loglikelihood(_ response: Any) -> Double? {
        if let pair = response as? [Any] { return number(pair.first) }
        return number(response)
    }

    @Test("prompts, loglikelihoods, generations, filters and metrics as lm-eval recorded them", arguments: runs)
    func matchesRecordedRun(run: String) async throws {
        let command = try String(decoding: Self.recorded(run, "command.txt"), as: UTF8.self)
        let directory = try TemporaryDirectory()
        let out = directory.url.appendingPathComponent("out").path
        // lm-eval's hf model ran in float32: so do we (dtype auto would pick bfloat16 on some CPUs).
        let result = try await RunnerProcess.run(["+model=hf_local", "+task=lm_eval", "hydra.run.dir=\(out)", "response.cache.mode=off", "--quiet",
                                            "model.params.dtype=float32"] + Self.overrides(command))
        try #require(result.status == 0, "\(run): \(result.stderr)")
        try Self.compare(run, out: out)
    }

    /// Where a hub-data run reads its data from: the four places the runner looks, each alone.
    enum HubSource: String, CaseIterable, Sendable {
        /// `datasets`' own Arrow cache (HF_DATASETS_CACHE), which lm-eval read for the recording.
        case datasetsCache
        /// huggingface_hub's cache of the repo's files (HF_HUB_CACHE): Parquet and README.md.
        case hubCache
        /// The repo downloaded to a folder, named by `dataset_path`.
        case localFolder
        /// lm-eval's packaged form: `dataset_path: parquet` with `dataset_kwargs.data_files`.
        case parquetFiles
    }

    static let hub = root.appendingPathComponent("hub")

    /// The recorded runs of lm-eval's own task files on hub data (`record.sh`, hub section).
    static let hubRuns: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("recorded").path)) ?? []
        return names.sorted().filter { $0.hasPrefix("hub_") }
    }()

    /// Each run's task: its file in lm-eval's library (copied unchanged), its repo and config,
    /// and its splits' files in the repo.
    static func hubTask(_ run: String) -> (file: String, repo: String, config: String, splits: [String]) {
        switch run {
        case "hub_arc_easy": return ("arc/arc_easy.yaml", "allenai/ai2_arc", "ARC-Easy", ["train", "validation", "test"])
        case "hub_mmlu_abstract_algebra": return ("mmlu/default/mmlu_abstract_algebra.yaml", "cais/mmlu", "abstract_algebra", ["test", "validation", "dev"])
        default: return ("gsm8k/gsm8k.yaml", "openai/gsm8k", "main", ["train", "test"])
        }
    }

    @Test("lm-eval's own task files on hub data, from each place the data can be: lm-eval's requests, answers and numbers",
          arguments: hubRuns, HubSource.allCases)
    func hubData(run: String, source: HubSource) async throws {
        let command = try String(decoding: Self.recorded(run, "command.txt"), as: UTF8.self)
        let directory = try TemporaryDirectory()
        let out = directory.url.appendingPathComponent("out").path
        let task = Self.hubTask(run)
        let repoFolder = Self.hub.appendingPathComponent("repos/\(task.repo)").path
        // Only the source under test exists: the other caches point at an empty folder, and
        // HF_HOME too, so nothing of this machine's own caches is read.
        let empty = directory.url.appendingPathComponent("empty").path
        var environment = ["HF_HOME": empty, "HF_DATASETS_CACHE": empty, "HF_HUB_CACHE": empty, "HF_HUB_OFFLINE": "1"]
        var overrides = ["task.path=\(Self.root.path)/library/\(task.file)"]
        switch source {
        case .datasetsCache: environment["HF_DATASETS_CACHE"] = Self.hub.appendingPathComponent("datasets_cache").path
        case .hubCache: environment["HF_HUB_CACHE"] = Self.hub.appendingPathComponent("hub_cache").path
        case .localFolder: overrides.append("++task.dataset_path=\(repoFolder)")
        case .parquetFiles:
            let files = task.splits.map { "\($0): \(repoFolder)/\(task.config)/\($0)-00000-of-00001.parquet" }.joined(separator: ", ")
            overrides += ["++task.dataset_path=parquet", "++task.dataset_name=null", "++task.dataset_kwargs={data_files: {\(files)}}"]
        }
        for word in Self.shellWords(command) where word.hasPrefix("max_gen_toks=") { overrides.append("task.gen_kwargs={\(word.replacingOccurrences(of: "=", with: ": "))}") }
        if let shots = Self.shellWords(command).split(separator: "--num_fewshot").dropFirst().first?.first { overrides.append("task.num_fewshot=\(shots)") }
        let checkpoint = Self.shellWords(command).first { $0.hasPrefix("pretrained=") }!.split(separator: ",")[0].dropFirst("pretrained=".count)
            .replacingOccurrences(of: "<REPO>", with: RunnerProcess.packageRoot.path)
        let result = try await RunnerProcess.run(["+model=hf_local", "+task=lm_eval", "hydra.run.dir=\(out)", "response.cache.mode=off", "--quiet",
                                            "model.params.dtype=float32", "model.params.checkpoint_path=\(checkpoint)"] + overrides,
                                           environment: environment)
        try #require(result.status == 0, "\(run) from \(source): \(result.stderr)")
        try Self.compare(run, out: out)
    }

    /// One task's sample lines against lm-eval's: requests, target, loglikelihoods or
    /// generations, filtered answers, per-document metrics (ours keyed `metricPrefix` + name).
    /// - Returns: the documents' hash texts in lm-eval's order, and the worst loglikelihood gap.
    /// - Parameter continuous: the task's per-document metrics are continuous functions of the
    ///   loglikelihoods (truthfulqa_mc2's probability mass), so they carry the loglikelihoods'
    ///   float32 noise: compared within 1e-3 relative, not exactly.
    static func compareSamples(_ run: String, reference: [[String: Any]], ours: [Int: [String: Any]], metricPrefix: String,
                               continuous: Bool = false) -> ([String], Double) {
        #expect(Set(reference.map { $0["doc_id"] as! Int }) == Set(ours.keys), "\(run) \(metricPrefix): the same documents")
        var worst = 0.0
        var hashes: [String] = []
        for expected in reference {
            let docID = expected["doc_id"] as! Int
            let filter = expected["filter"] as! String
            guard let line = ours[docID] else { continue }
            #expect(NSDictionary(dictionary: line["arguments"] as! [String: Any]).isEqual(to: expected["arguments"] as! [String: Any]),
                    "\(run) doc \(docID): lm-eval's requests, byte for byte")
            #expect(line["target"] as? String == expected["target"] as? String, "\(run) doc \(docID): target")
            let responses = expected["resps"] as! [[Any]]
            if let lls = line["loglikelihoods"] as? [Double] {
                let theirs = responses.map { Self.loglikelihood($0[0])! }
                #expect(lls.count == theirs.count)
                for (a, b) in zip(lls, theirs) {
                    // A rolling score sums up to 1,748 tokens' logprobs here: its float32 noise grows with the sum.
                    worst = max(worst, abs(a - b))
                    #expect(abs(a - b) <= 1e-3 + 1e-6 * abs(b), "\(run) doc \(docID): loglikelihood \(a) against lm-eval's \(b)")
                }
                let greedy = responses.compactMap { ($0[0] as? [Any])?.last as? String }.map { $0 == "True" }
                if !greedy.isEmpty { #expect(line["is_greedy"] as? [Bool] == greedy, "\(run) doc \(docID): is_greedy") }
            } else {
                #expect((line["resps"] as? [[String]]) == responses as? [[String]], "\(run) doc \(docID): greedy generations")
                let filtered = (line["filtered_resps"] as? [String: Any])?[filter] as? [String]
                #expect(filtered == expected["filtered_resps"] as? [String], "\(run) doc \(docID): filter \(filter)")
            }
            let metrics = line["metrics"] as! [String: Any]
            for name in expected["metrics"] as! [String] {
                let key = metricPrefix + (filter == "none" ? name : "\(name),\(filter)")
                let theirs = (expected[name] as? [Any]).map { Self.number($0[0])! } ?? Self.number(expected[name])!
                guard let mine = Self.number(metrics[key]) else { Issue.record("\(run) doc \(docID): no \(key)"); continue }
                let tolerance = ["perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte"].contains(name) ? 1e-3 + 1e-6 * abs(theirs)
                    : continuous ? 1e-3 * abs(theirs) : 0
                #expect(abs(mine - theirs) <= tolerance,
                        "\(run) doc \(docID): \(key) \(mine) against lm-eval's \(theirs)")
            }
            hashes.append((line["doc_hash"] as! String) + (line["prompt_hash"] as! String) + (line["target_hash"] as! String))
        }
        return (hashes, worst)
    }

    /// Our samples.jsonl and results.json in `out` against lm-eval's recording of `run`.
    static func compare(_ run: String, out: String) throws {
        var ours: [Int: [String: Any]] = [:]
        for line in try Self.lines(Data(contentsOf: URL(fileURLWithPath: out + "/samples.jsonl"))) { ours[line["doc_id"] as! Int] = line }
        let reference = try Self.lines(Self.recorded(run, "samples.jsonl"))
        let (hashes, worst) = Self.compareSamples(run, reference: reference, ours: ours, metricPrefix: "")
        print("\(run): \(reference.count) sample lines, max |loglikelihood - lm-eval| = \(worst)")

        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/results.json"))) as! [String: Any]
        let lmEval = results["lm_eval"] as! [String: Any]
        let expected = try JSONSerialization.jsonObject(with: Self.recorded(run, "results.json")) as! [String: Any]
        let task = (expected["results"] as! [String: Any]).keys.first!
        let theirs = (expected["results"] as! [String: [String: Any]])[task]!
        let mine = (lmEval["results"] as! [String: [String: Any]])[task]!
        for (key, value) in theirs {
            if let text = value as? String {
                #expect(mine[key] as? String == text, "\(run): results \(key)")
            } else if let x = Self.number(value) {
                // Means of 0/1 scores and their closed-form errors are computed in Python's order:
                // equal. Perplexities exponentiate the loglikelihoods' float32 noise, which also
                // depends on how the engine batched the requests (up to ~1e-4 on a mean): 1e-4.
                let loose = key.contains("perplexity") || key.contains("bits_per_byte")
                let y = Self.number(mine[key]) ?? .nan
                #expect(abs(x - y) <= (loose ? 1e-4 * abs(x) : 1e-12), "\(run): results \(key) = \(y), lm-eval \(x)")
            }
        }
        #expect(NSDictionary(dictionary: lmEval["n-shot"] as! [String: Any]).isEqual(to: expected["n-shot"] as! [String: Any]), "\(run): n-shot")
        #expect(NSDictionary(dictionary: lmEval["n-samples"] as! [String: Any]).isEqual(to: expected["n-samples"] as! [String: Any]), "\(run): n-samples")
        // lm-eval's task hash covers every document's doc, prompt and target hashes.
        let taskHash = (expected["task_hashes"] as? [String: String])?[task]
        #expect(taskHash == SHA256.hex(Array(hashes.joined().utf8)), "\(run): doc_hash, prompt_hash and target_hash as lm-eval computes them")
        try LMEvalOutputFilesComparison.compare(run, out: out, recordedResults: Self.recorded(run, "results.json"),
                                                recordedSamples: Self.recorded(run, "samples.jsonl"), recordedTable: try? Self.recorded(run, "table.md"))
    }

    @Test("a sweep over task files runs each file as its own job")
    func sweepOverTaskFiles() async throws {
        let directory = try TemporaryDirectory()
        let tasks = Self.root.appendingPathComponent("tasks").path
        let checkpoint = RunnerProcess.packageRoot.appendingPathComponent("Tests/ModelsTests/Fixtures/hf_tiny/llama").path
        let result = try await RunnerProcess.run(["-m", "+model=hf_local", "+task=lm_eval", "model.params.checkpoint_path=\(checkpoint)",
                                            "task.path=\(tasks)/mc_mutual_info.yaml,\(tasks)/ll_plain.yaml", "task.limit=3",
                                            "hydra.sweep.dir=\(directory.url.path)/sweep", "response.cache.mode=off", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try directory.read("sweep/summary.csv")
        #expect(summary.split(separator: "\n").count == 3, "a header and two jobs: \(summary)")
        for (job, task) in [("0", "mc_mutual_info"), ("1", "ll_plain")] {
            let results = try JSONSerialization.jsonObject(with: Data(directory.read("sweep/\(job)/results.json").utf8)) as! [String: Any]
            #expect(results["task"] as? String == "lm_eval/\(task)")
            #expect((results["counts"] as! [String: Any])["scored"] as? Int == 3)
        }
    }

    @Test("a broken task file stops the run before anything is written: one error with file:line and a hint, exit 2")
    func brokenFile() async throws {
        let directory = try TemporaryDirectory()
        try directory.write(["bad.yaml": "task: bad\ndataset_path: json\ndoc_to_txt: x\n"])
        let result = try await RunnerProcess.run(["+model=local_chat", "+task=lm_eval", "task.path=\(directory.url.path)/bad.yaml",
                                            "model.params.base_url=http://127.0.0.1:9/v1", "hydra.run.dir=\(directory.url.path)/out"])
        expectUserError(result, contains: ["bad.yaml:3:13", "unknown lm-eval task key 'doc_to_txt'", "did you mean 'doc_to_text'?"])
        #expect(!FileManager.default.fileExists(atPath: directory.url.path + "/out"), "nothing written")
    }
}
