import TestSupport
import Foundation
import Models
import Response
import Testing
@testable import Tasks

/// `+task=lm_eval task.tasks=[...]` against real lm-eval 0.4.13 runs of its own task library by
/// name (`recorded/lib_*`, record.sh's library section): lm-eval's task files unchanged
/// (`library/`), its datasets read from the `datasets` Arrow cache lm-eval read them from. Every
/// leaf task's sample lines as in ``LMEvalParityTests/compareSamples``, every task's and group's
/// numbers in lm-eval's results file, and its group layout (`group_subtasks`, n-shot, versions).
///
/// An extension of the file parity suite, so that the two run one after the other: each holds a
/// test thread while its runner processes run, and two such suites at once would hold both of a
/// 2-core machine's threads for minutes and starve every other test.
extension LMEvalParityTests {
    /// The recorded library runs this runner repeats.
    static let libraryRuns = ["lib_mmlu", "lib_lambada_openai", "lib_gsm8k", "lib_bbh_cot_fewshot", "lib_hellaswag", "lib_winogrande",
                       "lib_truthfulqa_mc2", "lib_leaderboard_musr", "lib_leaderboard_mmlu_pro", "lib_combined", "lib_groups"]

    /// Runs whose task files have `!function` hooks, which import lm-eval's own dependencies
    /// (datasets, numpy): they need a Python with lm-eval installed (scripts/test.sh makes one).
    static let libraryNeedsPython: Set<String> = ["lib_hellaswag", "lib_winogrande", "lib_truthfulqa_mc2", "lib_leaderboard_musr",
                                          "lib_leaderboard_mmlu_pro", "lib_combined", "lib_groups"]

    /// Tasks whose metrics are continuous functions of the loglikelihoods (truthfulqa_mc2's
    /// normalised probability mass of the true answers): float32 noise of ~1e-4 in the
    /// loglikelihoods moves them by ~1e-5 relative, so they are compared within 1e-4 relative.
    static let continuousTasks: Set<String> = ["truthfulqa_mc2"]

    /// `RUNNER_LMEVAL_PYTHON`, else the scratch venv the fixtures were recorded with.
    static let libraryPython: String? = [ProcessInfo.processInfo.environment["RUNNER_LMEVAL_PYTHON"], "/work/scratch/venv-lmeval/bin/python"]
        .compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("lm-eval's task library by name: every task and group of a recorded lm-eval run", arguments: libraryRuns)
    func library(run: String) async throws {
        let command = try String(decoding: LMEvalParityTests.recorded(run, "command.txt"), as: UTF8.self)
        let words = LMEvalParityTests.shellWords(command)
        let directory = try TemporaryDirectory()
        let out = directory.url.appendingPathComponent("out").path
        let empty = directory.url.appendingPathComponent("empty").path
        let environment = ["HF_HOME": empty, "HF_HUB_CACHE": empty, "HF_HUB_OFFLINE": "1",
                           "HF_DATASETS_CACHE": LMEvalParityTests.hub.appendingPathComponent("datasets_cache").path]
        func value(after flag: String) -> String? { words.firstIndex(of: flag).map { words[$0 + 1] } }
        var overrides = ["task.tasks='\(value(after: "--tasks")!)'", "task.library=\(Self.root.path)/library"]
        if Self.libraryNeedsPython.contains(run) {
            guard let python = Self.libraryPython else {
                print("skipped: \(run) runs !function hooks, which need a Python with lm-eval 0.4.13 (set RUNNER_LMEVAL_PYTHON)")
                return
            }
            overrides.append("task.python=\(python)")
        }
        if let shots = value(after: "--num_fewshot") { overrides.append("task.num_fewshot=\(shots)") }
        if let kwargs = value(after: "--gen_kwargs") { overrides.append("task.gen_kwargs={\(kwargs.replacingOccurrences(of: "=", with: ": "))}") }
        if let include = value(after: "--include_path") { overrides.append("task.include_path=[\(Self.root.path)/tasks/\(include)]") }
        let checkpoint = words.first { $0.hasPrefix("pretrained=") }!.split(separator: ",")[0].dropFirst("pretrained=".count)
            .replacingOccurrences(of: "<REPO>", with: RunnerProcess.packageRoot.path)
        let result = try await RunnerProcess.run(["+model=hf_local", "+task=lm_eval", "hydra.run.dir=\(out)", "response.cache.mode=off", "--quiet",
                                            "model.params.dtype=float32", "model.params.checkpoint_path=\(checkpoint)"] + overrides,
                                           environment: environment)
        try #require(result.status == 0, "\(run): \(result.stderr)")

        var ours: [String: [Int: [String: Any]]] = [:]
        for line in try LMEvalParityTests.lines(Data(contentsOf: URL(fileURLWithPath: out + "/samples.jsonl"))) {
            ours[line["task"] as! String, default: [:]][line["doc_id"] as! Int] = line
        }
        let expected = try JSONSerialization.jsonObject(with: LMEvalParityTests.recorded(run, "results.json")) as! [String: Any]
        let folder = Self.root.appendingPathComponent("recorded/\(run)")
        let sampleFiles = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("samples_") }.sorted()
        let taskNames = (expected["n-samples"] as! [String: Any]).keys.sorted()
        #expect(Set(ours.keys) == Set(taskNames), "\(run): the same tasks")
        var worst = 0.0
        for task in taskNames {
            guard let file = sampleFiles.first(where: { $0 == "samples_\(task).jsonl" }) else { Issue.record("\(run): no samples file for \(task)"); continue }
            let reference = try LMEvalParityTests.lines(Data(contentsOf: folder.appendingPathComponent(file)))
            let (hashes, gap) = LMEvalParityTests.compareSamples("\(run)/\(task)", reference: reference, ours: ours[task] ?? [:], metricPrefix: "\(task)/",
                                                                  continuous: Self.continuousTasks.contains(task))
            worst = max(worst, gap)
            let taskHash = (expected["task_hashes"] as? [String: String])?[task]
            #expect(taskHash == SHA256.hex(Array(hashes.joined().utf8)), "\(run)/\(task): doc, prompt and target hashes")
        }
        print("\(run): \(taskNames.count) tasks, max |loglikelihood - lm-eval| = \(worst)")

        let lmEval = try #require((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/results.json"))) as? [String: Any])?["lm_eval"] as? [String: Any])
        let theirResults = expected["results"] as! [String: [String: Any]]
        let myResults = lmEval["results"] as! [String: [String: Any]]
        #expect(Set(myResults.keys) == Set(theirResults.keys), "\(run): the same tasks and groups in results")
        for (name, theirs) in theirResults {
            let mine = myResults[name] ?? [:]
            for (key, value) in theirs {
                if let x = LMEvalParityTests.number(value), !(value is String) {
                    // A perplexity is exp(-mean loglikelihood): float32 noise of ~1e-5 in the
                    // loglikelihoods is a relative ~1e-5 in it (2e28 here), so it gets 1e-4.
                    let loose = key.contains("perplexity") || key.contains("bits_per_byte") || Self.continuousTasks.contains(name)
                    let y = LMEvalParityTests.number(mine[key]) ?? .nan
                    #expect(abs(x - y) <= (loose ? 1e-4 * abs(x) : 1e-12), "\(run): \(name) \(key) = \(y), lm-eval \(x)")
                } else if let text = value as? String {
                    #expect(mine[key] as? String == text, "\(run): \(name) \(key)")
                } else {
                    #expect(NSDictionary(dictionary: (mine[key] as? [String: Any]) ?? [:]).isEqual(to: (value as? [String: Any]) ?? [:]), "\(run): \(name) \(key)")
                }
            }
        }
        for key in ["group_subtasks", "n-shot", "n-samples", "versions", "higher_is_better"] {
            #expect(NSDictionary(dictionary: lmEval[key] as? [String: Any] ?? [:]).isEqual(to: expected[key] as? [String: Any] ?? [:]), "\(run): \(key)")
        }
        #expect(NSDictionary(dictionary: lmEval["groups"] as? [String: Any] ?? [:]).isEqual(to: expected["groups"] as? [String: Any] ?? [:]), "\(run): groups")

        // lm-eval's own files: a results file in its key order, a samples file per task, its table.
        let modelFolder = try #require(try FileManager.default.contentsOfDirectory(atPath: out + "/lm_eval").first)
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(out)/lm_eval/\(modelFolder)")
        for task in taskNames { #expect(files.contains { $0.hasPrefix("samples_\(task)_") }, "\(run): samples_\(task)_<date>.jsonl") }
        let resultsName = try #require(files.first { $0.hasPrefix("results_") })
        let ourFile = try LMEvalOutputFilesComparison.parse(Data(contentsOf: URL(fileURLWithPath: "\(out)/lm_eval/\(modelFolder)/\(resultsName)")))
        let theirs = try LMEvalOutputFilesComparison.parse(LMEvalParityTests.recorded(run, "results.json"))
        #expect(ourFile.objectPairs?.map(\.0) == theirs.objectPairs?.map(\.0), "\(run): results file keys in lm-eval's order")
        let table = try String(decoding: LMEvalParityTests.recorded(run, "table.md"), as: UTF8.self)
        let printed = LMEvalTable.printed(ourFile).split(separator: "\n").joined(separator: "\n") + "\n"
        if table.contains("perplexity") {
            #expect(printed.split(separator: "\n").count == table.split(separator: "\n").count, "\(run): table rows")
        } else {
            #expect(printed == table, "\(run): lm-eval's table, byte for byte")
        }
    }
}
