import TestSupport
import FakeLLMServer
import Foundation
import Testing

/// Whole evaluations through the built `runner` against the fault-injecting server. The
/// server's answers are set by markers in the questions (`[answer:B]`, `[prefer:C]`), so every
/// metric below is known exactly.
@Suite("evaluations end to end", .serialized, .timeLimit(.minutes(10)))
struct EvaluationTests {
    let conf = RunnerProcess.packageRoot.appendingPathComponent("conf").path

    /// A run in a fresh folder against a fresh server; returns the result and the run folder.
    final class Run {
        let folder: TemporaryDirectory
        let server: FakeLLMServer
        let conf: String

        init(conf: String, plan: FaultPlan = FaultPlan()) throws {
            folder = try TemporaryDirectory()
            server = try FakeLLMServer(port: 0, plan: plan, idleTimeout: 300)
            self.conf = conf
        }

        func arguments(model: String = "local_chat", task: String = "mcq", data: String, _ extra: [String]) -> [String] {
            ["-cp", conf, "+model=\(model)", "+task=\(task)", "model.params.base_url=http://127.0.0.1:\(server.port)/v1",
             "task.dataset.path=\(folder.url.path)/\(data)", "response.cache.path=\(folder.url.path)/cache.sqlite",
             "response.initial_wait=0.01", "response.max_wait=0.05", "hydra.run.dir=\(folder.url.path)/out"] + extra
        }

        func run(model: String = "local_chat", task: String = "mcq", data: String, _ extra: [String] = []) async throws -> RunnerResult {
            try await RunnerProcess.run(["--quiet"] + arguments(model: model, task: task, data: data, extra), in: folder.url)
        }

        func results(_ dir: String = "out") throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(folder.read(dir + "/results.json").utf8)) as! [String: Any]
        }

        func samples(_ dir: String = "out") throws -> [[String: Any]] {
            try folder.read(dir + "/samples.jsonl").split(separator: "\n").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            }
        }

        deinit { server.stop() }
    }

    static func mcq(_ rows: [(question: String, gold: String)]) -> String {
        rows.enumerated().map { i, row in
            "{\"id\": \"q\(i)\", \"question\": \"\(row.question)\", \"choices\": [\"red\", \"green\", \"blue\", \"black\"], \"answer\": \"\(row.gold)\"}"
        }.joined(separator: "\n") + "\n"
    }

    static func metric(_ results: [String: Any], _ name: String) -> Double? {
        ((results["metrics"] as? [String: Any])?[name] as? [String: Any])?["value"] as? Double
            ?? (results["metrics"] as? [String: Any])?[name] as? Double
    }

    static func count(_ results: [String: Any], _ name: String) -> Int? {
        (results["counts"] as? [String: Any])?[name] as? Int
    }

    @Test("generate: parsed letters, a null answer, exact accuracy, confusion matrix and samples")
    func generate() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": Self.mcq([
            ("one [answer:A]", "A"), ("two [answer:(B)]", "B"), ("three [answer:The answer is C.]", "C"),
            ("four [answer:D]", "D"), ("five [answer:green]", "B"), ("six [answer:B]", "A"),
            ("seven [answer:D]", "C"), ("eight [answer:no idea]", "D"),
        ])])
        let result = try await run.run(data: "mcq.jsonl")
        #expect(result.status == 0, "\(result.stderr)")
        let results = try run.results()
        #expect(Self.metric(results, "acc") == 5.0 / 8)
        #expect(Self.count(results, "null") == 1)
        #expect(Self.metric(results, "null_rate") == 0.125)
        #expect(results["status"] as? String == "completed")
        let matrix = (results["confusion_matrix"] as? [String: Any])?["rows"] as? [[Int]]
        #expect(matrix == [[1, 1, 0, 0, 0], [0, 2, 0, 0, 0], [0, 0, 1, 1, 0], [0, 0, 0, 1, 1]])
        let samples = try run.samples()
        #expect(samples.count == 8)
        let eight = try #require(samples.first { $0["id"] as? String == "q7" })
        #expect(eight["parsed_answer"] is NSNull && eight["raw_answer"] as? String == "no idea" && eight["score"] as? Double == 0)
        #expect(eight["messages"] != nil && eight["cached"] as? Bool == false)
        #expect(try run.folder.read("out/runner.log").contains("job 0 completed"))
    }

    @Test("loglikelihood: acc and acc_norm from echoed logprobs of each choice")
    func loglikelihood() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": Self.mcq([("one [prefer:A]", "A"), ("two [prefer:C]", "C"), ("three [prefer:B]", "B"), ("four [prefer:A]", "D")])])
        let result = try await run.run(model: "local_completions", data: "mcq.jsonl", ["task.scoring.mode=loglikelihood"])
        #expect(result.status == 0, "\(result.stderr)")
        let results = try run.results()
        #expect(Self.metric(results, "acc") == 0.75)
        #expect(Self.metric(results, "acc_norm") == 0.75)
        let first = try #require(try run.samples().first { $0["id"] as? String == "q0" })
        #expect((first["logprobs"] as? [String: Double])?["A"] == -0.1)
        #expect((first["logprobs"] as? [String: Double])?["B"] == -2.0)
        #expect((first["continuations"] as? [String]) == [" A", " B", " C", " D"])
        #expect(run.server.requestCount("completions") == 16)
    }

    @Test("chat_logprobs: the best first-token option, falling back to the text without logprobs")
    func chatLogprobs() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": Self.mcq([("one [answer:B]", "B"), ("two [answer:C]", "A"), ("three [answer:D] [nologprobs]", "D")])])
        let result = try await run.run(data: "mcq.jsonl", ["task.scoring.mode=chat_logprobs"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.metric(try run.results(), "acc") == 0.666667)
        let samples = try run.samples()
        #expect(samples.first { $0["id"] as? String == "q0" }?["method"] as? String == "logprobs")
        #expect(samples.first { $0["id"] as? String == "q2" }?["method"] as? String == "generate_fallback")
        #expect(samples.first { $0["id"] as? String == "q2" }?["parsed_answer"] as? String == "D")
    }

    @Test("qa: exact match, F1 and contains after normalisation")
    func qa() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["qa.jsonl": """
        {"id": "a", "question": "Capital of France? [answer:The Paris.]", "answers": ["Paris"]}
        {"id": "b", "question": "Capital of France again? [answer:It is Paris]", "answers": "Paris"}
        {"id": "c", "question": "Capital of Italy? [answer:London]", "answers": ["Rome", "Roma"]}

        """])
        let result = try await run.run(task: "qa", data: "qa.jsonl")
        #expect(result.status == 0, "\(result.stderr)")
        let results = try run.results()
        #expect(Self.metric(results, "exact_match") == 0.333333)
        #expect(Self.metric(results, "f1") == 0.5)
        #expect(Self.metric(results, "contains") == 0.666667)
        #expect(results["per_class"] == nil)
    }

    @Test("a sweep writes numbered job folders, summary.csv and a table of the overrides that differ")
    func sweep() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": Self.mcq([("one [answer:A]", "A"), ("two [answer:B]", "A")])])
        let args = ["-m"] + run.arguments(data: "mcq.jsonl", ["seed=1,2", "task.scoring.mode=generate,chat_logprobs", "hydra.sweep.dir=\(run.folder.url.path)/multi"])
        let result = try await RunnerProcess.run(args, in: run.folder.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try run.folder.folders(in: "multi").filter { !$0.hasSuffix(".csv") } == ["0", "1", "2", "3", "report.html"])
        let csv = try run.folder.read("multi/summary.csv").split(separator: "\n")
        #expect(csv.first == "job,seed,task.scoring.mode,metric,value,ci_low,ci_high,n,items,null,skipped,errored,status,reason,directory")
        #expect(csv.count == 5)
        #expect(csv[1].hasPrefix("0,1,generate,acc,0.5000,"))
        #expect(result.stdout.contains("job  seed  task.scoring.mode  metric  value"))
        #expect(try run.results("multi/3")["status"] as? String == "completed")
    }

    @Test("a second identical run is answered from the cache without a single request")
    func cachedRerun() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": Self.mcq([("one [answer:A]", "A"), ("two [answer:B]", "A"), ("three", "C")])])
        await #expect(try run.run(data: "mcq.jsonl").status == 0)
        #expect(run.server.requestCount() == 3)
        let second = try await run.run(data: "mcq.jsonl", ["hydra.run.dir=\(run.folder.url.path)/again"])
        #expect(second.status == 0)
        #expect(run.server.requestCount() == 3)
        #expect(Self.count(try run.results("again"), "cached") == 3)
        #expect(Self.metric(try run.results("again"), "acc") == Self.metric(try run.results(), "acc"))
    }

    @Test("more errors than max_error_rate: exit 1 with a summary; retried items then succeed from the same command")
    func errorRate() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": Self.mcq([("one [answer:A] [fault:500x1]", "A"), ("two [answer:B]", "B"), ("three [answer:C]", "C")])])
        let failed = try await run.run(data: "mcq.jsonl", ["response.max_retries=0", "model.params.max_retries=0"])
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains("error: 1 of 3 items errored (33.3%), more than response.max_error_rate=0.05"))
        #expect(try run.results()["status"] as? String == "failed")
        #expect(try run.samples().first { $0["id"] as? String == "q0" }?["status"] as? String == "error")
        // The run stopped sending at the first error (1 of 3 is past 5%), but the two answers in
        // flight were awaited and recorded: paid for, scored, cached.
        #expect(try run.samples().filter { $0["status"] as? String == "scored" }.count == 2)
        #expect(run.server.requestCount() == 3)
        let again = try await run.run(data: "mcq.jsonl", ["hydra.run.dir=\(run.folder.url.path)/again"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(Self.count(try run.results("again"), "cached") == 2)
        #expect(run.server.requestCount() == 4, "only the failed item is asked again")
        #expect(Self.metric(try run.results("again"), "acc") == 1)
    }

    @Test("once max_error_rate cannot be met the run stops, keeping what was answered")
    func errorRateStopsEarly() async throws {
        let run = try Run(conf: conf)
        // One at a time, in order: items 0 to 2 always fail; 2 errors of 20 is past 5%.
        let rows = (0..<20).map { i in (i < 3 ? "item \(i) [answer:A] [fault:500]" : "item \(i) [answer:A]", "A") }
        try run.folder.write(["mcq.jsonl": Self.mcq(rows)])
        let result = try await run.run(data: "mcq.jsonl", ["response.max_retries=0", "model.params.max_retries=0", "response.max_concurrency=1",
                                                     "response.run_async=false", "model.params.num_concurrent=1"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("error: 2 of 20 items errored (10.0%), more than response.max_error_rate=0.05; stopped after 2 of 20 items"),
                "\(result.stderr)")
        let results = try run.results()
        #expect(results["status"] as? String == "failed")
        #expect(Self.count(results, "finished") == 2)
        #expect(try run.samples().count == 2)
        // Nothing was asked after the second error.
        #expect(run.server.requestCount() == 2)
    }

    @Test("bad task input: one clear error each, exit 2", arguments: [
        ("missing.jsonl", [String](), ["missing.jsonl: error: dataset file not found"]),
        ("bad.jsonl", [], ["bad.jsonl:2:25: error: line is not valid JSON: expecting a value, found the end"]),
        ("good.jsonl", ["task.prompt.template='{question} {colour}'"], ["error: the template uses field '{colour}'", "task.prompt.template"]),
        ("nogold.jsonl", [], ["nogold.jsonl:1 (item x): error: item has no gold answer"]),
        ("good.jsonl", ["task.scoring.mode=loglikelihood"], ["cannot score continuations"]),
        ("good.jsonl", ["task.scoring.metrics=[acc,macro_f2]"], ["unknown metric 'macro_f2'", "did you mean 'macro_f1'?"]),
        ("good.jsonl", ["task.prompt.few_shot=-1"], ["'task.prompt.few_shot' must be zero or more, not -1"]),
    ])
    func badInput(data: String, extra: [String], fragments: [String]) async throws {
        let run = try Run(conf: conf)
        try run.folder.write([
            "bad.jsonl": "{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": \"A\"}\n{\"id\": \"y\", \"question\": \n",
            "good.jsonl": Self.mcq([("one", "A")]),
            "nogold.jsonl": "{\"id\": \"x\", \"question\": \"q\", \"choices\": [\"a\", \"b\"]}\n",
        ])
        let result = try await run.run(data: data, extra)
        expectUserError(result, contains: fragments)
        #expect(run.server.requestCount() == 0)
    }

    /// The run's stderr lines starting with `prefix`.
    static func lines(_ result: RunnerResult, _ prefix: String) -> [Substring] {
        result.stderr.split(separator: "\n").filter { $0.hasPrefix(prefix) }
    }

    /// With 5 items the first error is past max_error_rate already: the stop must still say why.
    @Test("a server that cannot be reached stops the run at once: one line naming the URL and the cause, a hint, exit 1",
          arguments: [40, 5])
    func unreachable(items: Int) async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["good.jsonl": Self.mcq((0..<items).map { ("q\($0) [answer:A]", "A") })])
        let port = run.server.port
        run.server.stop()
        let started = Date()
        let result = try await run.run(data: "good.jsonl")
        let seconds = Date().timeIntervalSince(started)
        #expect(result.status == 1)
        #expect(seconds < 15, "took \(seconds) s")
        let errors = Self.lines(result, "error: ")
        #expect(errors.count == 1, "\(result.stderr)")
        #expect(errors.first?.hasPrefix("error: run stopped: cannot reach http://127.0.0.1:\(port)/v1/chat/completions: Connection refused") == true,
                "\(result.stderr)")
        #expect(Self.lines(result, "hint: ").first?.contains("nothing listens on 127.0.0.1:\(port)") == true, "\(result.stderr)")
    }

    @Test("https:// to a plain-HTTP server stops at once, saying so")
    func httpsToPlainHTTP() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["good.jsonl": Self.mcq((0..<5).map { ("q\($0) [answer:A]", "A") })])
        let port = run.server.port
        let arguments = run.arguments(data: "good.jsonl", []).map {
            $0.hasPrefix("model.params.base_url=") ? "model.params.base_url=https://127.0.0.1:\(port)/v1" : $0
        }
        let started = Date()
        let result = try await RunnerProcess.run(["--quiet"] + arguments, in: run.folder.url)
        let seconds = Date().timeIntervalSince(started)
        #expect(result.status == 1)
        #expect(seconds < 10, "took \(seconds) s")
        let errors = Self.lines(result, "error: ")
        #expect(errors.count == 1, "\(result.stderr)")
        #expect(errors.first?.contains("https://127.0.0.1:\(port)/v1/chat/completions: the server at 127.0.0.1:\(port) speaks plain HTTP, not HTTPS") == true,
                "\(result.stderr)")
        #expect(Self.lines(result, "hint: ").first?.contains("use http:// instead of https://") == true, "\(result.stderr)")
    }

    @Test("an error retrying cannot fix is asked once; the console shows the URL, the status and the server's message",
          arguments: ["501", "400"])
    func notRetried(fault: String) async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["mcq.jsonl": Self.mcq((0..<5).map { ("q\($0) [answer:A] [fault:\(fault)]", "A") })])
        let result = try await run.run(data: "mcq.jsonl", ["response.max_concurrency=1", "model.params.num_concurrent=1"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(run.server.requestCount() == 1, "asked \(run.server.requestCount()) times")
        #expect(Self.lines(result, "first error: ")
            == ["first error: http://127.0.0.1:\(run.server.port)/v1/chat/completions answered \(fault): injected \(fault)"], "\(result.stderr)")
    }

    @Test("a base_url the server has no route for: the 404 names the URL asked and the base_url mistake", arguments: [
        ("", "/chat/completions", "does base_url end in /v1?"),
        ("/v1/chat/completions", "/v1/chat/completions/chat/completions", "base_url must stop before /chat/completions"),
    ])
    func wrongBaseURL(path: String, asked: String, hint: String) async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["good.jsonl": Self.mcq((0..<5).map { ("q\($0) [answer:A]", "A") })])
        let root = "http://127.0.0.1:\(run.server.port)"
        let arguments = run.arguments(data: "good.jsonl", []).map { $0.hasPrefix("model.params.base_url=") ? "model.params.base_url=\(root)\(path)" : $0 }
        let result = try await RunnerProcess.run(["--quiet"] + arguments, in: run.folder.url)
        #expect(result.status == 1)
        #expect(Self.lines(result, "first error: ").first == "first error: \(root)\(asked) answered 404: Invalid URL (POST \(asked))", "\(result.stderr)")
        #expect(Self.lines(result, "hint: ").first?.contains(hint) == true, "\(result.stderr)")
        #expect(run.server.requestCount() == 0, "nothing answered")
    }

    @Test("model_name is looked up where huggingface_hub keeps it: HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE", arguments: [
        (["HUGGINGFACE_HUB_CACHE": "old"], "old"),
        (["HF_HUB_CACHE": "new", "HUGGINGFACE_HUB_CACHE": "old", "HF_HOME": "home"], "new"),
        (["HF_HOME": "home"], "home/hub"),
    ])
    func hubCache(environment: [String: String], folder: String) async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["good.jsonl": Self.mcq([("q", "A")])])
        let root = run.folder.url.path
        let result = try await RunnerProcess.run(["--quiet", "-cp", conf, "+model=hf_local", "+task=mcq", "model.params.model_name=org/absent",
                                            "task.dataset.path=\(root)/good.jsonl", "hydra.run.dir=\(root)/out"],
                                           in: run.folder.url,
                                           environment: ["HF_HUB_CACHE": "", "HUGGINGFACE_HUB_CACHE": "", "HF_HOME": "", "XDG_CACHE_HOME": ""]
                                               .merging(environment.mapValues { "\(root)/\($0)" }) { $1 })
        expectUserError(result, contains: ["model 'org/absent' is not in the Hugging Face cache (\(root)/\(folder)/models--org--absent)"])
    }

    @Test("proxies come from the environment, and no_proxy is honoured")
    func proxies() async throws {
        let run = try Run(conf: conf)
        try run.folder.write(["good.jsonl": Self.mcq([("q [answer:A]", "A")])])
        // A proxy nobody listens on: every request through it fails; no_proxy sends loopback direct.
        let dead = ["http_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"]
        let bypassed = try await RunnerProcess.run(["--quiet"] + run.arguments(data: "good.jsonl", ["response.cache.mode=off"]), in: run.folder.url,
                                             environment: dead.merging(["no_proxy": "127.0.0.1"]) { $1 })
        #expect(bypassed.status == 0, "\(bypassed.stderr)")
        let proxied = try await RunnerProcess.run(["--quiet"] + run.arguments(data: "good.jsonl", ["hydra.run.dir=\(run.folder.url.path)/out2", "response.cache.mode=off"]),
                                            in: run.folder.url, environment: dead.merging(["no_proxy": ""]) { $1 })
        #expect(proxied.status == 1)
        #expect(proxied.stderr.contains("cannot reach"))
    }

    @Test("a killed run leaves complete samples; the re-run asks only for what was not answered")
    func killAndResume() async throws {
        let run = try Run(conf: conf, plan: FaultPlan(latencyMilliseconds: 150))
        try run.folder.write(["mcq.jsonl": Self.mcq((0..<24).map { ("item \($0) [answer:A]", "A") })])
        let process = Process()
        process.executableURL = RunnerProcess.executable
        process.arguments = ["--quiet"] + run.arguments(data: "mcq.jsonl", ["response.max_concurrency=2", "model.params.num_concurrent=2"])
        process.currentDirectoryURL = run.folder.url
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let folder = run.folder
        await signal(process.processIdentifier, SIGKILL, when: { ((try? folder.read("out/samples.jsonl"))?.split(separator: "\n").count ?? 0) >= 6 }, timeout: 30)
        await process.exited()
        let kept = try run.samples().count
        #expect(kept >= 6 && kept < 24)
        #expect(try run.results()["status"] as? String == "running")
        let before = run.server.requestCount()
        let again = try await run.run(data: "mcq.jsonl", ["hydra.run.dir=\(run.folder.url.path)/again"])
        #expect(again.status == 0, "\(again.stderr)")
        let cached = try #require(Self.count(try run.results("again"), "cached"))
        #expect(cached >= kept)
        #expect(run.server.requestCount() - before == 24 - cached)
        #expect(Self.metric(try run.results("again"), "acc") == 1)
    }

    @Test("Ctrl-C stops cleanly: exit 130, the folder says interrupted, and the next run resumes")
    func interrupt() async throws {
        let run = try Run(conf: conf, plan: FaultPlan(latencyMilliseconds: 150))
        try run.folder.write(["mcq.jsonl": Self.mcq((0..<24).map { ("item \($0) [answer:B]", "B") })])
        let process = Process()
        process.executableURL = RunnerProcess.executable
        process.arguments = run.arguments(data: "mcq.jsonl", ["response.max_concurrency=2", "model.params.num_concurrent=2"])
        process.currentDirectoryURL = run.folder.url
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let folder = run.folder
        await signal(process.processIdentifier, SIGINT, when: { ((try? folder.read("out/samples.jsonl"))?.split(separator: "\n").count ?? 0) >= 4 }, timeout: 30)
        let stderr = String(decoding: await err.fileHandleForReading.readAll(), as: UTF8.self)
        await process.exited()
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("run the same command again to resume"))
        let results = try run.results()
        #expect(results["status"] as? String == "interrupted")
        let finished = try #require(Self.count(results, "finished"))
        #expect(try run.samples().count == finished)
        let again = try await run.run(data: "mcq.jsonl", ["hydra.run.dir=\(run.folder.url.path)/again"])
        #expect(again.status == 0)
        #expect(try #require(Self.count(try run.results("again"), "cached")) >= finished)
    }

    @Test("Ctrl-C ends the embedded model's generations too: the queued items are not answered",
          .enabled(if: SmolLM2.available(in: RunnerProcess.packageRoot), SmolLM2.missing))
    func interruptLocalEngine() async throws {
        let folder = try TemporaryDirectory()
        let process = Process()
        process.executableURL = RunnerProcess.executable
        // 40 items, 32 generated at once: 8 wait for a free slot when the first answer lands.
        process.arguments = ["-cp", conf, "+model=smollm2", "+task=mcq", "response.cache.mode=off",
                             "hydra.run.dir=\(folder.url.path)/out"]
        process.currentDirectoryURL = RunnerProcess.packageRoot
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        await signal(process.processIdentifier, SIGINT, when: { !((try? folder.read("out/samples.jsonl"))?.isEmpty ?? true) }, timeout: 120)
        let stderr = String(decoding: await err.fileHandleForReading.readAll(), as: UTF8.self)
        await process.exited()
        #expect(process.terminationStatus == 130, "\(stderr)")
        let results = try JSONSerialization.jsonObject(with: Data(folder.read("out/results.json").utf8)) as! [String: Any]
        #expect(results["status"] as? String == "interrupted")
        // Before the engine honoured cancellation it finished its batch and the queue: 40 of 40.
        let finished = try #require(Self.count(results, "finished"))
        #expect(finished < 40, "the engine kept generating after Ctrl-C")
    }

    @Test("the embedded model: SmolLM2 answers mcq offline, by generation and by loglikelihood", .enabled(if: SmolLM2.available(in: RunnerProcess.packageRoot), SmolLM2.missing),
          arguments: ["generate", "loglikelihood"])
    func smollm2(mode: String) async throws {
        let folder = try TemporaryDirectory()
        let result = try await RunnerProcess.run(["-cp", conf, "--quiet", "+model=smollm2", "+task=mcq", "task.dataset.limit=6", "task.scoring.mode=\(mode)",
                                            "response.cache.path=\(folder.url.path)/cache.sqlite", "hydra.run.dir=\(folder.url.path)/out"],
                                           in: RunnerProcess.packageRoot)
        #expect(result.status == 0, "\(result.stderr)")
        let results = try JSONSerialization.jsonObject(with: Data(folder.read("out/results.json").utf8)) as! [String: Any]
        #expect(results["status"] as? String == "completed")
        #expect(Self.count(results, "scored") == 6)
        #expect((results["model_dict"] as? [String: Any])?["checkpoint"] as? String == "SmolLM2-135M-Instruct.Q4_1")
        let samples = try folder.read("out/samples.jsonl").split(separator: "\n")
        #expect(samples.count == 6)
        if mode == "generate" {
            // The model answers in words: every answer is read as a letter or counted as null.
            #expect(samples.allSatisfy { $0.contains("\"raw_answer\":\"") })
        }
    }
}
