import FakeLLMServer
import Foundation
import TestSupport
import Testing

/// A run that produced nothing, or not what was asked, never says "completed": skipped items,
/// unreadable answers, failed jobs of a sweep and the sampling seed, through the built runner
/// against the fake server (issue 25, section 1).
@Suite("numbers a user can trust", .serialized, .timeLimit(.minutes(10)))
struct TrustedNumbersTests {
    let conf = RunnerProcess.packageRoot.appendingPathComponent("conf").path
    typealias Run = EvaluationTests.Run

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    @Test("items skipped beyond response.max_skip_rate fail the run, naming the first reason; nothing scored fails too")
    func skipped() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": EvaluationTests.mcq([("one", "A"), ("two", "B"), ("three", "C")])])
        // A generation budget larger than the 2048-token context window: every item is skipped.
        let result = try await run.run(data: "mcq.jsonl", ["task.scoring.max_tokens=1000000"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("error: 3 of 3 items were skipped, more than response.max_skip_rate=0.05"), "\(result.stderr)")
        #expect(result.stderr.contains("the first: item q0: prompt has"), "\(result.stderr)")
        #expect(result.stderr.contains("2048-token context window"))
        let results = try run.results()
        #expect(results["status"] as? String == "failed")
        #expect((results["stop_reason"] as? String)?.contains("max_skip_rate") == true)
        #expect(run.server.requestCount() == 0)

        // Allowed to skip them all, the run still scored nothing: it fails.
        let allowed = try await run.run(data: "mcq.jsonl", ["task.scoring.max_tokens=1000000", "response.max_skip_rate=1"])
        #expect(allowed.status == 1)
        #expect(allowed.stderr.contains("error: no item was scored"), "\(allowed.stderr)")

        // One long prompt of three is above 5% too; at 0.5 the run passes with the other two.
        try run.folder.write(["mixed.jsonl": EvaluationTests.mcq([("one [answer:A]", "A"), ("two [answer:B]", "B"),
                                                                   ("three " + String(repeating: "word ", count: 3000), "C")])])
        let mixed = try await run.run(data: "mixed.jsonl", ["response.max_skip_rate=0.5"])
        #expect(mixed.status == 0, "\(mixed.stderr)")
        #expect(EvaluationTests.count(try run.results(), "skipped") == 1)
        #expect(EvaluationTests.metric(try run.results(), "acc") == 1)
    }

    @Test("answers the parser cannot read: a warning above task.max_null_rate with the first raw answers; none readable fails")
    func unreadable() async throws {
        let run = try Run(conf: conf)
        try run.folder.write([
            "none.jsonl": EvaluationTests.mcq([("one [answer:Sure! Here you go]", "A"), ("two [answer:no idea]", "B")]),
            "most.jsonl": EvaluationTests.mcq([("one [answer:Sure!]", "A"), ("two [answer:no idea]", "B"), ("three [answer:C]", "C")]),
        ])
        let none = try await run.run(data: "none.jsonl")
        #expect(none.status == 1)
        // The first in the dataset's order, however the answers arrived.
        #expect(none.stderr.contains("error: none of the 2 answers could be read; the first: item q0: \"Sure! Here you go\", item q1: \"no idea\""), "\(none.stderr)")
        #expect(try run.results()["status"] as? String == "failed")

        // Two of three unreadable: the run completes, and says so on the console and in results.json.
        let most = try await RunnerProcess.run(run.arguments(data: "most.jsonl", []), in: run.folder.url)
        #expect(most.status == 0, "\(most.stderr)")
        #expect(most.stdout.contains("warning: 2 of 3 answers (66.7%) could not be read, more than task.max_null_rate=0.5"), "\(most.stdout)")
        #expect(most.stdout.contains("the first: item q0: \"Sure!\", item q1: \"no idea\""), "\(most.stdout)")
        let warnings = try run.results()["warnings"] as? [String]
        #expect(warnings?.count == 1)
        // report.html (`runner report`: one run writes none by itself) names it above the table, with the first raw answers.
        let report = try await RunnerProcess.run(["report", run.folder.url.appendingPathComponent("out").path])
        #expect(report.status == 0, "\(report.stderr)")
        let page = try run.folder.read("out/report.html")
        let notes = try #require(page.range(of: "could not be read, more than task.max_null_rate=0.5"), "no null-rate note in report.html")
        #expect(page[notes.upperBound...].prefix(300).contains("Sure!"), "\(page[notes.upperBound...].prefix(300))")
        // The limit is the user's: at 0.9 there is nothing to warn about.
        let quiet = try await run.run(data: "most.jsonl", ["task.max_null_rate=0.9"])
        #expect(quiet.status == 0)
        #expect(try run.results()["warnings"] == nil)
        let bad = try await run.run(data: "most.jsonl", ["task.max_null_rate=2"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("'task.max_null_rate' must be between 0 and 1"), "\(bad.stderr)")
    }

    @Test("a sweep's failed jobs are rows: launch line, summary.csv with the reason, a folder that exists, report.html")
    func failedJobsAreRows() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": EvaluationTests.mcq([("one [answer:A]", "A"), ("two [answer:B]", "B")])])
        let good = "\(run.folder.url.path)/mcq.jsonl", missing = "\(run.folder.url.path)/missing.jsonl"
        let sweep = "\(run.folder.url.path)/sweep"
        let args = ["-m"] + run.arguments(data: "mcq.jsonl", ["task.dataset.path=\(good),\(missing)", "hydra.sweep.dir=\(sweep)"])
        let result = try await RunnerProcess.run(args, in: run.folder.url)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stdout.contains("[runner] \t#1 : "), "\(result.stdout)")
        #expect(result.stdout.contains("job 1 failed: the job could not start: "), "\(result.stdout)")
        let csv = try run.folder.read("sweep/summary.csv").split(separator: "\n")
        #expect(csv.count == 3)
        #expect(csv[2].hasPrefix("1,\(missing),,,,,,0,0,0,0,failed,"), "\(csv[2])")
        #expect(csv[2].contains("missing.jsonl"))
        #expect(csv[2].hasSuffix(",\(sweep)/1"))
        let failed = try Self.json(try run.folder.read("sweep/1/results.json"))
        #expect(failed["status"] as? String == "failed")
        #expect(FileManager.default.fileExists(atPath: sweep + "/1/.hydra/config.yaml"))
        let page = try run.folder.read("sweep/report.html")
        #expect(page.contains("Sweep: 2 jobs over task.dataset.path"))
        #expect(page.contains("<b>#1 failed</b>: the job could not start: "))

        // --quiet prints no launch lines.
        let quiet = try await RunnerProcess.run(["--quiet"] + args, in: run.folder.url)
        #expect(!quiet.stdout.contains("Launching"), "\(quiet.stdout)")
        #expect(!quiet.stdout.contains("#0"))
    }

    @Test("a mistake in any job of a sweep stops it before a folder is made")
    func sweepConfigMistake() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": EvaluationTests.mcq([("one [answer:A]", "A")])])
        let sweep = "\(run.folder.url.path)/sweep"
        let result = try await RunnerProcess.run(["-m"] + run.arguments(data: "mcq.jsonl", ["task.scoring.mode=generate,bogus", "hydra.sweep.dir=\(sweep)"]),
                                           in: run.folder.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("bogus"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sweep))
        #expect(run.server.requestCount() == 0)
    }

    @Test("the sampling seed follows the top-level seed: a seed sweep asks again, unless the backend sets its own")
    func seedReachesSampling() async throws {
        for model in ["smollm2", "hf_local", "local_chat", "local_completions", "openai_chat", "openai_completion"] {
            let printed = try await RunnerProcess.run(["-cp", conf, "--cfg", "job", "--resolve", "+model=\(model)", "seed=7", "-p", "model"])
            #expect(printed.stdout.contains("\n  seed: 7\n"), "\(model): \(printed.stdout)")
        }
        let vllm = try await RunnerProcess.run(["-cp", conf, "--cfg", "job", "--resolve", "+model=vllm", "seed=7", "-p", "model"])
        #expect(vllm.stdout.contains("\n    seed: 7\n"), "\(vllm.stdout)")
        let own = try await RunnerProcess.run(["-cp", conf, "--cfg", "job", "--resolve", "+model=smollm2", "seed=7", "model.params.seed=3", "-p", "model"])
        #expect(own.stdout.contains("\n  seed: 3\n"))

        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": EvaluationTests.mcq([("one [answer:A]", "A"), ("two [answer:B]", "B")])])
        let args = ["-m", "--quiet"] + run.arguments(data: "mcq.jsonl", ["model.params.temperature=0.8", "seed=1,2", "hydra.sweep.dir=\(run.folder.url.path)/s"])
        let result = try await RunnerProcess.run(args, in: run.folder.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(run.server.requestCount("chat/completions") == 4)
        #expect(EvaluationTests.count(try run.results("s/1"), "cached") == 0)
        let dict = try run.results("s/1")["model_dict"] as? [String: Any]
        #expect(dict?["seed"] as? Int == 2)
    }

    @Test("a run folder that cannot be made exits 1, as every failure to write the run's own files does")
    func unwritableRunFolder() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": EvaluationTests.mcq([("one [answer:A]", "A")]), "file": "not a folder"])
        let result = try await run.run(data: "mcq.jsonl", ["hydra.run.dir=\(run.folder.url.path)/file/out"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot create"), "\(result.stderr)")
        #expect(result.stderr.contains("Not a directory"))
    }
}

/// The run's own files when the disk fills (issue 25, section 3): a file-size limit set by the
/// kernel (`ulimit -f`, with SIGXFSZ ignored, so writes fail with EFBIG as on a full disk).
@Suite("writing the run's files on a full disk", .serialized, .timeLimit(.minutes(10)))
struct FullDiskTests {
    let conf = RunnerProcess.packageRoot.appendingPathComponent("conf").path

    @Test("samples.jsonl keeps whole lines only, results.json says failed, exit 1")
    func fileSizeLimit() async throws {
        let run = try EvaluationTests.Run(conf: conf)
        let rows = (0..<80).map { ("question \($0) " + String(repeating: "padding ", count: 20) + "[answer:A]", "A") }
        try run.folder.write(["mcq.jsonl": EvaluationTests.mcq(rows)])
        let arguments = ["--quiet"] + run.arguments(data: "mcq.jsonl", ["response.cache.mode=off"])
        let quoted = ([RunnerProcess.executable.path] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        // 16 KiB per file: the samples (about 700 bytes an item) outgrow it, results.json does not.
        let result = try await RunnerProcess.run(["-c", "trap '' XFSZ; ulimit -f 16; exec \(quoted)"], in: run.folder.url,
                                           program: URL(fileURLWithPath: "/bin/bash"))
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("could not write every sample"), "\(result.stderr)")
        let samples = try run.folder.read("out/samples.jsonl")
        #expect(samples.utf8.count <= 16 * 1024)
        #expect(samples.hasSuffix("\n"), "a line cut short at the limit")
        for line in samples.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line.prefix(80))")
        }
        let results = try TrustedNumbersTests.json(try run.folder.read("out/results.json"))
        #expect(results["status"] as? String == "failed")
        #expect((results["stop_reason"] as? String)?.contains("samples.jsonl") == true)
    }
}
