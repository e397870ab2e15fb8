import TestSupport
import FakeLLMServer
import Foundation
import Testing

/// `runner +model=anthropic` end to end against the fake server's Messages API persona: the
/// README's "add a backend" recipe followed once, proved by runs, not only by unit tests.
@Suite("Anthropic backend: runs", .serialized, .timeLimit(.minutes(2)))
struct AnthropicRunTests {
    static let key = ["ANTHROPIC_API_KEY": "sk-ant-fake-for-tests", "OPENAI_API_KEY": "sk-fake-for-tests"]

    static func overrides(_ server: FakeLLMServer, data: String, dir: TemporaryDirectory, run: String, batch: Bool) -> [String] {
        ["+model=anthropic", "+task=mcq", "model.params.base_url=http://127.0.0.1:\(server.port)", "task.dataset.path=\(data)",
         "response.batch=\(batch)", "response.batch_size=5", "response.poll_interval=0.05",
         "response.cache.path=\(dir.url.path)/\(run).sqlite", "hydra.run.dir=\(dir.url.path)/\(run)"]
    }

    @Test("+model=anthropic scores mcq with the same answers as an OpenAI-compatible chat server, and costs at its price")
    func direct() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let data = try BatchAPITests.dataset(in: dir)
        let run = try await RunnerProcess.run(["--quiet"] + Self.overrides(server, data: data, dir: dir, run: "anthropic", batch: false),
                                              environment: Self.key)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(server.requestCount("messages") == 12)
        let chat = try await RunnerProcess.run(["--quiet"] + BatchAPITests.overrides(server, data: data, dir: dir, run: "chat", batch: false))
        #expect(chat.status == 0, "\(chat.stderr)")
        #expect(try BatchAPITests.answers(dir, "anthropic") == BatchAPITests.answers(dir, "chat"))
        let results = try BatchAPITests.results(dir, "anthropic")
        #expect(results["status"] as? String == "completed")
        #expect((results["metrics"] as! NSDictionary) == (try BatchAPITests.results(dir, "chat")["metrics"] as! NSDictionary))
        let tokens = results["tokens"] as! [String: Any]
        let prompt = tokens["prompt"] as! Int, completion = tokens["completion"] as! Int
        #expect(prompt > 0 && abs((tokens["cost_usd"] as! Double) - (Double(prompt) * 3 + Double(completion) * 15) / 1e6) < 1e-9)
        // The key reaches the server and nothing the run writes.
        for file in ["anthropic/results.json", "anthropic/samples.jsonl", "anthropic/runner.log", "anthropic/.hydra/config.yaml"] {
            #expect(!((try? dir.read(file)) ?? "").contains("sk-ant-fake"), "\(file)")
        }
    }

    @Test("response.batch=true goes through Message Batches: no direct request, half the price; failed and expired requests asked directly")
    func batches() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let data = try BatchAPITests.dataset(in: dir)
        let direct = try await RunnerProcess.run(["--quiet"] + Self.overrides(server, data: data, dir: dir, run: "direct", batch: false),
                                                 environment: Self.key)
        #expect(direct.status == 0, "\(direct.stderr)")
        let batched = try await RunnerProcess.run(["--quiet"] + Self.overrides(server, data: data, dir: dir, run: "batched", batch: true),
                                                  environment: Self.key)
        #expect(batched.status == 0, "\(batched.stderr)")
        #expect(server.requestCount("messages") == 12, "the batch run sent no request directly")
        #expect(server.batchesCreated == 3, "12 requests in batches of 5")
        #expect(try BatchAPITests.answers(dir, "batched") == BatchAPITests.answers(dir, "direct"))
        let a = try BatchAPITests.results(dir, "direct"), b = try BatchAPITests.results(dir, "batched")
        let costA = (a["tokens"] as! [String: Any])["cost_usd"] as! Double, costB = (b["tokens"] as! [String: Any])["cost_usd"] as! Double
        #expect(costA > 0 && abs(costB - costA * 0.5) < 1e-9, "batch price: \(costB) against \(costA)")

        // q2 errors in its batch; the second batch (q5-q9) expires from q7 on: four asked directly.
        let marked = try BatchAPITests.dataset(in: dir, marks: [2: "[batch:fail]", 7: "[batch:expire]"])
        let faults = try await RunnerProcess.run(["--quiet"] + Self.overrides(server, data: marked, dir: dir, run: "faults", batch: true),
                                                 environment: Self.key)
        #expect(faults.status == 0, "\(faults.stderr)")
        #expect(server.batchesCreated == 6)
        #expect(server.requestCount("messages") == 12 + 4, "q2, then q7, q8, q9 asked directly")
        #expect(((try BatchAPITests.results(dir, "faults")["counts"] as! [String: Any])["scored"] as! Int) == 12)
    }
}
