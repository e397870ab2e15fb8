import TestSupport
import FakeLLMServer
import Foundation
import Testing

/// `+safety=moderation` and `+safety=llama_guard` against the fake server: its /v1/moderations
/// flags marked inputs, and asked as Llama Guard it answers in Llama Guard's format.
@Suite("safety checks", .serialized, .timeLimit(.minutes(2)))
struct SafetyTests {
    /// q1's prompt is unsafe; q2's prompt is safe but the model's answer to it is unsafe.
    static func dataset(_ dir: TemporaryDirectory) throws -> String {
        try dir.write(["data.jsonl": """
            {"id": "q0", "question": "Plain question 0?", "choices": ["w", "x", "y", "z"], "answer": "B"}
            {"id": "q1", "question": "A bad question [unsafe]?", "choices": ["w", "x", "y", "z"], "answer": "B"}
            {"id": "q2", "question": "Plain question 2 [answer:UNSAFE: B]", "choices": ["w", "x", "y", "z"], "answer": "B"}
            {"id": "q3", "question": "Plain question 3?", "choices": ["w", "x", "y", "z"], "answer": "B"}

            """])
        return dir.url.appendingPathComponent("data.jsonl").path
    }

    static func run(_ safety: [String], server: FakeLLMServer, dir: TemporaryDirectory, name: String, quiet: Bool = true) async throws -> (RunnerResult, [String: Any], [[String: Any]]) {
        let url = "http://127.0.0.1:\(server.port)/v1"
        let result = try await RunnerProcess.run((quiet ? ["--quiet"] : []) + ["+model=local_chat", "+task=mcq", "model.params.base_url=\(url)",
                                            "task.dataset.path=\(try dataset(dir))", "response.cache.path=\(dir.url.path)/cache.sqlite",
                                            "hydra.run.dir=\(dir.url.path)/\(name)"] + safety.map { $0.replacingOccurrences(of: "URL", with: url) },
                                           environment: ["OPENAI_API_KEY": "sk-fake-for-tests"])
        let results = (try? JSONSerialization.jsonObject(with: Data(dir.read("\(name)/results.json").utf8))) as? [String: Any] ?? [:]
        let samples = ((try? dir.read("\(name)/samples.jsonl")) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        return (result, results, samples.sorted { ($0["id"] as! String) < ($1["id"] as! String) })
    }

    static func verdicts(_ sample: [String: Any]) -> [String: Bool] {
        Dictionary(((sample["safety"] as? [[String: Any]]) ?? []).map { ($0["stage"] as! String, $0["flagged"] as! Bool) }, uniquingKeysWith: { $1 })
    }

    @Test("moderation records verdicts on prompts and outputs, with flagged rates, intervals and categories; checks are cached")
    func moderationRecords() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let (result, results, samples) = try await Self.run(["+safety=moderation", "safety.base_url=URL"], server: server, dir: dir, name: "run")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(samples.map(Self.verdicts) == [["prompt": false, "output": false], ["prompt": true, "output": false],
                                                ["prompt": false, "output": true], ["prompt": false, "output": false]])
        let safety = try #require(results["safety"] as? [String: Any])
        for stage in ["prompt", "output"] {
            let s = safety[stage] as! [String: Any]
            #expect(s["checked"] as? Int == 4 && s["flagged"] as? Int == 1)
            #expect(s["flagged_rate"] as? Double == 0.25)
            // Wilson 95% for 1 of 4 (statsmodels' proportion_confint(1, 4, method="wilson")).
            #expect(abs((s["ci_low"] as! Double) - 0.045587) < 1e-6 && abs((s["ci_high"] as! Double) - 0.699358) < 1e-6)
            #expect((s["categories"] as? [String: Int]) == ["hate": 1, "violence": 1])
        }
        #expect(server.requestCount("moderations") == 8)
        // The same run again: model answers and verdicts come from the cache; the console shows the rates.
        let (again, _, _) = try await Self.run(["+safety=moderation", "safety.base_url=URL"], server: server, dir: dir, name: "again", quiet: false)
        #expect(server.requestCount("moderations") == 8 && server.requestCount("chat/completions") == 4)
        #expect(again.stdout.contains("safety prompts flagged 1 of 4 (25.0%, [4.6, 69.9]%)"), "\(again.stdout)")
        #expect(again.stdout.contains("safety outputs flagged 1 of 4 (25.0%, [4.6, 69.9]%)"))
    }

    @Test("llama_guard as the judge: replace swaps an unsafe answer for the message, an unsafe prompt is never sent")
    func llamaGuardReplaces() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let (result, results, samples) = try await Self.run(["+safety=llama_guard", "safety.judge.params.base_url=URL", "safety.action=replace",
                                                       "safety.message='Not answered.'"], server: server, dir: dir, name: "run")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(samples[1]["raw_answer"] as? String == "Not answered.", "the unsafe prompt got the message")
        #expect(samples[2]["raw_answer"] as? String == "Not answered.", "the unsafe output was replaced")
        #expect(samples[0]["raw_answer"] as? String != "Not answered.")
        let flagged = (samples[2]["safety"] as! [[String: Any]]).first { $0["stage"] as? String == "output" }!
        #expect(flagged["categories"] as? [String] == ["S1", "S10"])
        let safety = try #require(results["safety"] as? [String: Any])
        #expect((safety["prompt"] as! [String: Any])["flagged"] as? Int == 1)
        #expect((safety["output"] as! [String: Any])["checked"] as? Int == 3, "the unsafe prompt's item was not asked, so not checked")
        // Three items reached the model: the unsafe prompt did not.
        #expect(server.requestCount("chat/completions") == 4 + 3 + 3, "4 prompt checks, 3 answers, 3 output checks")
    }

    @Test("skip leaves unsafe items out with the reason")
    func skipAction() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let (result, _, samples) = try await Self.run(["+safety=moderation", "safety.base_url=URL", "safety.action=skip"], server: server, dir: dir, name: "run")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(samples.map { $0["status"] as! String } == ["scored", "skipped", "skipped", "scored"])
        #expect((samples[1]["reason"] as? String)?.hasPrefix("unsafe prompt") == true)
        #expect((samples[2]["reason"] as? String)?.hasPrefix("unsafe output") == true)
    }

    @Test("a local checkpoint as the judge: the wiring runs, and an answer that is no verdict is counted as a check error")
    func localJudge() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        // SmolLM2 is no Llama Guard: it answers, but not "safe" or "unsafe".
        let (result, results, samples) = try await Self.run(["+safety=llama_guard", "model@safety.judge=smollm2", "safety.check=[output]",
                                                       "response.cache.mode=off"], server: server, dir: dir, name: "run")
        #expect(result.status == 0, "\(result.stderr)")
        let output = try #require((results["safety"] as? [String: Any])?["output"] as? [String: Any])
        #expect(output["check_errors"] as? Int == 4 && output["checked"] as? Int == 0)
        let tokens = try #require((results["safety"] as? [String: Any])?["tokens"] as? [String: Int])
        #expect((tokens["prompt"] ?? 0) > 400, "the judge's prompts were counted: \(tokens)")
        let verdict = try #require((samples[0]["safety"] as? [[String: Any]])?.first)
        #expect((verdict["error"] as? String)?.contains("neither 'safe' nor 'unsafe'") == true)
        #expect(samples.allSatisfy { $0["status"] as? String == "scored" }, "a failed check changes nothing")
    }

    @Test("a checker that cannot be reached stops the run and names the safety settings")
    func checkerUnreachable() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let (result, _, _) = try await Self.run(["+safety=moderation", "safety.base_url=http://127.0.0.1:9/v1"], server: server, dir: dir, name: "run")
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: run stopped: the safety check (moderation): cannot reach http://127.0.0.1:9/v1/moderations"), "\(result.stderr)")
        #expect(result.stderr.contains("hint: check safety.base_url"))
        #expect(server.requestCount("chat/completions") == 0, "nothing was asked of the model")
    }

    @Test("a bad safety setting is one clear error")
    func badSettings() async throws {
        expectUserError(try await RunnerProcess.run(["+model=local_chat", "+task=mcq", "model.params.base_url=http://127.0.0.1:1/v1",
                                               "+safety=moderation", "safety.action=block"]), contains: ["safety.action"])
    }
}
