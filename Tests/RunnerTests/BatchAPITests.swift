import TestSupport
import FakeLLMServer
import Foundation
import Testing

/// `response.batch=true` against the fake server's files and batches endpoints (OpenAI's wire
/// format): answers equal to direct requests, failed and expired lines asked directly, the
/// batch price, and a run killed mid-batch that resumes the same batch.
@Suite("OpenAI Batch API", .serialized, .timeLimit(.minutes(2)))
struct BatchAPITests {
    /// Twelve questions; `marks` puts a fault marker in some of them.
    static func dataset(in dir: TemporaryDirectory, marks: [Int: String] = [:]) throws -> String {
        var lines: [String] = []
        for index in 0..<12 {
            let question = "Question \(index): which letter?" + (marks[index].map { " " + $0 } ?? "")
            lines.append(#"{"id": "q\#(index)", "question": "\#(question)", "choices": ["w", "x", "y", "z"], "answer": "B"}"#)
        }
        try dir.write(["data.jsonl": lines.joined(separator: "\n") + "\n"])
        return dir.url.appendingPathComponent("data.jsonl").path
    }

    static func overrides(_ server: FakeLLMServer, data: String, dir: TemporaryDirectory, run: String, batch: Bool = true) -> [String] {
        ["+model=local_chat", "+task=mcq", "model.params.base_url=http://127.0.0.1:\(server.port)/v1", "task.dataset.path=\(data)",
         "++model.pricing={input_per_million:2.0,output_per_million:8.0}",
         "response.batch=\(batch)", "response.batch_size=5", "response.poll_interval=0.05",
         "response.cache.path=\(dir.url.path)/\(run).sqlite", "hydra.run.dir=\(dir.url.path)/\(run)"]
    }

    static func results(_ dir: TemporaryDirectory, _ run: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(dir.read("\(run)/results.json").utf8)) as! [String: Any]
    }

    static func answers(_ dir: TemporaryDirectory, _ run: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for line in try dir.read("\(run)/samples.jsonl").split(separator: "\n") {
            let sample = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            out[sample["id"] as! String] = sample["raw_answer"] as? String
        }
        return out
    }

    /// Starts the run with slow polling and SIGKILLs it once its three batches are sent: it
    /// sits between looks at them, with the batches recorded and none read back.
    static func killMidBatch(_ overrides: [String], server: FakeLLMServer) async throws {
        let process = Process()
        process.executableURL = RunnerProcess.executable
        process.currentDirectoryURL = RunnerProcess.packageRoot
        process.arguments = ["--quiet"] + overrides.map { $0.hasPrefix("response.poll_interval") ? "response.poll_interval=30" : $0 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // Held, the batches stay in flight however long the waits below take on a loaded machine.
        server.holdBatches = true
        defer { server.holdBatches = false }
        try process.run()
        // Bounded waits, long enough for a loaded machine (the whole suite at once once took
        // more than 5 s here): the server holds 3 batches, then the run has recorded all 3.
        for _ in 0..<600 where server.batchesCreated < 3 { await sleepFor(0.05) }
        for _ in 0..<100 {
            let listed = try await RunnerProcess.run(["batches"] + overrides)
            if listed.stdout.split(separator: "\n").filter({ $0.hasPrefix("batch_") }).count >= 3 { break }
            await sleepFor(0.1)
        }
        kill(process.processIdentifier, SIGKILL)
        await process.exited()
    }

    @Test("a run through batches gives the answers of direct requests, at half the price, with no direct request")
    func sameAnswersAsDirect() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let data = try Self.dataset(in: dir)
        let direct = try await RunnerProcess.run(["--quiet"] + Self.overrides(server, data: data, dir: dir, run: "direct", batch: false))
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(server.requestCount("chat/completions") == 12)
        let batched = try await RunnerProcess.run(["--quiet"] + Self.overrides(server, data: data, dir: dir, run: "batched"))
        #expect(batched.status == 0, "\(batched.stderr)")
        #expect(server.requestCount("chat/completions") == 12, "the batch run sent no request directly")
        #expect(server.batchesCreated == 3, "12 requests in batches of 5")
        #expect(try Self.answers(dir, "batched") == Self.answers(dir, "direct"))
        let a = try Self.results(dir, "direct"), b = try Self.results(dir, "batched")
        #expect((a["metrics"] as! NSDictionary) == (b["metrics"] as! NSDictionary))
        let costA = (a["tokens"] as! [String: Any])["cost_usd"] as! Double, costB = (b["tokens"] as! [String: Any])["cost_usd"] as! Double
        #expect(costA > 0 && abs(costB - costA * 0.5) < 1e-6, "batch price: \(costB) against \(costA)")
        #expect(((b["counts"] as! [String: Any])["cached"] as! Int) == 0, "answers the batch brought are this run's, not cached ones")
        #expect((b["tokens"] as! [String: Any])["batched_prompt"] as? Int == (b["tokens"] as! [String: Any])["prompt"] as? Int)
        // A second run finds everything in the cache: no batch, no request.
        let again = try await RunnerProcess.run(["--quiet"] + Self.overrides(server, data: data, dir: dir, run: "batched"))
        #expect(again.status == 0)
        #expect(server.batchesCreated == 3 && server.requestCount("chat/completions") == 12)
    }

    @Test("failed lines and an expired batch's unanswered lines are asked directly")
    func failedAndExpiredLines() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        // Batches of five: q2 fails in the first; the second (q5-q9) expires at q7.
        let data = try Self.dataset(in: dir, marks: [2: "[batch:fail]", 7: "[batch:expire]"])
        let result = try await RunnerProcess.run(["--quiet"] + Self.overrides(server, data: data, dir: dir, run: "run"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.batchesCreated == 3)
        #expect(server.requestCount("chat/completions") == 1 + 3, "q2, then q7, q8, q9 asked directly")
        let results = try Self.results(dir, "run")
        #expect(results["status"] as? String == "completed")
        #expect(((results["counts"] as! [String: Any])["scored"] as! Int) == 12)
        let log = try dir.read("run/runner.log")
        #expect(log.contains("ended expired"))
    }

    @Test("a run killed while its batches are in flight resumes the same batches and sends nothing again")
    func killedMidBatch() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let data = try Self.dataset(in: dir)
        try await Self.killMidBatch(Self.overrides(server, data: data, dir: dir, run: "run"), server: server)
        #expect(server.batchesCreated == 3)
        let resumed = try await RunnerProcess.run(["--quiet", "--verbose"] + Self.overrides(server, data: data, dir: dir, run: "run"))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(server.batchesCreated == 3, "the resumed run created no batch")
        #expect(server.filesUploaded == 3, "and uploaded nothing again")
        #expect(server.requestCount("chat/completions") == 0)
        #expect(resumed.stderr.contains("sent by an earlier run"), "\(resumed.stderr)")
        let counts = try Self.results(dir, "run")["counts"] as! [String: Any]
        #expect(counts["scored"] as? Int == 12)
    }

    @Test("runner batches lists a killed run's batches in flight; cancel cancels and forgets them")
    func listAndCancel() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let data = try Self.dataset(in: dir)
        let run = Self.overrides(server, data: data, dir: dir, run: "run")
        try await Self.killMidBatch(run, server: server)
        let listed = try await RunnerProcess.run(["batches"] + run)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.split(separator: "\n").filter { $0.hasPrefix("batch_") }.count == 3, "\(listed.stdout)")
        let cancelled = try await RunnerProcess.run(["batches", "cancel"] + run)
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        #expect(cancelled.stdout.components(separatedBy: ": cancelled").count - 1 == 3, "\(cancelled.stdout)")
        #expect(try await RunnerProcess.run(["batches"] + run).stdout.contains("no batches in flight"))
        // The cancelled requests are sent again by the next run.
        let next = try await RunnerProcess.run(["--quiet"] + run)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(server.batchesCreated == 6)
    }

    @Test("a batch API that cannot be reached stops the run with one error naming it")
    func unreachable() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let data = try Self.dataset(in: dir)
        let overrides = Self.overrides(server, data: data, dir: dir, run: "run").map {
            $0.hasPrefix("model.params.base_url") ? "model.params.base_url=http://127.0.0.1:9/v1" : $0
        }
        let result = try await RunnerProcess.run(overrides)
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: run stopped: the batch API: cannot reach http://127.0.0.1:9/v1/files"), "\(result.stderr)")
        #expect(result.stderr.contains("batches already sent are kept in the cache"))
    }

    @Test("response.batch needs a cache it can write")
    func needsCache() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let data = try Self.dataset(in: dir)
        let result = try await RunnerProcess.run(Self.overrides(server, data: data, dir: dir, run: "run") + ["response.cache.mode=off"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("response.batch keeps the answers in the cache"))
    }
}
