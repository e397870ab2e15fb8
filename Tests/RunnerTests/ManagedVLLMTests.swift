import Foundation
import TestSupport
import Testing

/// `+model=vllm` against a stand-in for `vllm serve`: a script the test writes, which records its
/// arguments and pid, then serves the fake server's OpenAI API (and `/health`) on the port given.
@Suite("managed vLLM server", .serialized, .timeLimit(.minutes(2)))
struct ManagedVLLMTests {
    final class StandIn {
        let dir: TemporaryDirectory
        var executable: String { dir.url.appendingPathComponent("vllm").path }

        /// `body` runs after the arguments are recorded; `serve` execs the fake server.
        init(_ body: String = "serve") throws {
            dir = try TemporaryDirectory()
            let fake = BuiltExecutable.url(named: "fake-llm-server").path
            try dir.write(["vllm": """
                #!/bin/bash
                echo "$@" >> '\(dir.url.path)/args.txt'
                echo $$ >> '\(dir.url.path)/pids.txt'
                port=; while [ $# -gt 0 ]; do [ "$1" = --port ] && port=$2; shift; done
                # The server's own output goes to a file: a closed pipe (SIGPIPE) must not be what stops it.
                serve() { echo "INFO: stand-in vllm on port $port"; exec '\(fake)' --port "$port" --idle-timeout 60 "$@" >>'\(dir.url.path)/server.log' 2>&1; }
                \(body)
                """])
            chmod(executable, 0o755)
        }

        var calls: [String] { ((try? dir.read("args.txt")) ?? "").split(separator: "\n").map(String.init) }

        /// Pids the stand-in ran as that are still alive.
        var orphans: [Int32] {
            ((try? dir.read("pids.txt")) ?? "").split(separator: "\n").compactMap { Int32($0) }.filter { kill($0, 0) == 0 }
        }
    }

    let base = ["+task=mcq", "+model=vllm", "response.cache.mode=off", "report=false"]

    @Test("a sweep over sampling settings runs on one server started with the right flags, stopped at the end")
    func oneServerForASweep() async throws {
        let standIn = try StandIn()
        let dir = try TemporaryDirectory()
        let result = try await RunnerProcess.run(["--quiet", "-m"] + base + [
            "model.params.executable=\(standIn.executable)", "model.params.model_name=org/tiny", "model.params.checkpoint_name=tiny",
            "model.params.batch_size=8", "model.params.max_model_len=2048", "model.params.dtype=bfloat16",
            "model.params.extra_args=[--enforce-eager]", "model.params.sampling_params.temperature=0.0,0.5",
            "hydra.sweep.dir=\(dir.url.path)/sweep",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(standIn.calls.count == 1, "one server for both jobs: \(standIn.calls)")
        let call = try #require(standIn.calls.first)
        #expect(call.hasPrefix("serve org/tiny --host 127.0.0.1 --served-model-name tiny --tensor-parallel-size 1 --gpu-memory-utilization 0.9 --max-model-len 2048 --max-num-seqs 8 --dtype bfloat16 --enforce-eager --port "), "\(call)")
        #expect(standIn.orphans.isEmpty, "vllm serve left running: \(standIn.orphans)")
        for job in 0..<2 {
            let results = try JSONSerialization.jsonObject(with: Data(dir.read("sweep/\(job)/results.json").utf8)) as! [String: Any]
            #expect(results["status"] as? String == "completed")
            let identity = results["model_dict"] as! [String: Any]
            #expect(identity["backend"] as? String == "vllm" && identity["checkpoint"] as? String == "tiny")
            #expect(identity["base_url"] == nil, "the port is not part of the cache key")
            #expect(identity["temperature"] as? Double == [0.0, 0.5][job])
        }
        #expect(try dir.read("sweep/0/runner.log").contains("vllm: INFO: stand-in vllm on port"))
        #expect(try dir.read("sweep/1/runner.log").contains("reusing vllm serve"))
    }

    @Test("a sweep over checkpoints restarts the server for each")
    func serverPerCheckpoint() async throws {
        let standIn = try StandIn()
        let dir = try TemporaryDirectory()
        let result = try await RunnerProcess.run(["--quiet", "-m"] + base + ["model.params.executable=\(standIn.executable)",
                                            "model.params.model_name=a,b", "hydra.sweep.dir=\(dir.url.path)/sweep"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(standIn.calls.map { $0.split(separator: " ")[1] } == ["a", "b"])
        #expect(standIn.orphans.isEmpty)
    }

    @Test("a server that exits while starting fails at once with the end of its output")
    func startupFailure() async throws {
        let standIn = try StandIn("echo 'loading weights'; echo 'torch.OutOfMemoryError: CUDA out of memory' >&2; exit 3")
        let dir = try TemporaryDirectory()
        let started = Date()
        let result = try await RunnerProcess.run(base + ["model.params.executable=\(standIn.executable)", "model.params.model_name=big",
                                                   "hydra.run.dir=\(dir.url.path)/run"])
        #expect(Date().timeIntervalSince(started) < 20)
        // The server failing is a failure while running (exit 1), not a mistake in the config.
        expectUserError(result, contains: ["vllm serve exited with status 3 before it was ready", "CUDA out of memory"], status: 1)
        #expect(!FileManager.default.fileExists(atPath: dir.url.path + "/run"), "a run that cannot start writes no folder")
    }

    @Test("a server not ready within startup_timeout is stopped and named")
    func startupTimeout() async throws {
        let standIn = try StandIn("echo 'still loading'; sleep 60")
        let result = try await RunnerProcess.run(base + ["model.params.executable=\(standIn.executable)", "model.params.model_name=slow",
                                                   "model.params.startup_timeout=1"])
        expectUserError(result, contains: ["was not ready within", "startup_timeout", "still loading"], status: 1)
        #expect(standIn.orphans.isEmpty, "the slow server was left running")
    }

    /// A run on a slow stand-in, one request at a time, returned once its first item is done.
    func startSlowRun() async throws -> (StandIn, TemporaryDirectory, Process) {
        let standIn = try StandIn("serve --latency-ms 300")
        let dir = try TemporaryDirectory()
        let process = Process()
        process.executableURL = RunnerProcess.executable
        process.currentDirectoryURL = RunnerProcess.packageRoot
        process.arguments = ["--quiet"] + base + ["model.params.executable=\(standIn.executable)", "model.params.model_name=m",
                                                  "response.max_concurrency=1", "hydra.run.dir=\(dir.url.path)/run"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 where !((try? dir.read("run/samples.jsonl")) ?? "").contains("\n") { await sleepFor(0.1) }
        return (standIn, dir, process)
    }

    @Test("Ctrl-C stops the run and the server")
    func interrupted() async throws {
        let (standIn, dir, process) = try await startSlowRun()
        process.interrupt()
        await process.exited()
        _ = dir  // its folder lives until the run has ended
        #expect(process.terminationStatus == 130)
        #expect(standIn.calls.count == 1)
        #expect(standIn.orphans.isEmpty, "Ctrl-C left vllm serve running")
    }

    /// SIGKILL gives the runner no chance to stop the server: the watchdog it started beside the
    /// server sees the runner's end of a pipe close and stops the server's process group (a GPU
    /// is never left held by an orphaned `vllm serve`).
    @Test("a runner killed with SIGKILL does not leave vllm serve running")
    func killedRunner() async throws {
        let (standIn, dir, process) = try await startSlowRun()
        #expect(!standIn.orphans.isEmpty, "the server was running")
        kill(process.processIdentifier, SIGKILL)
        // Not `await process.exited()` first: Foundation reports the runner's end only once every
        // process holding its status pipe is gone, the server included, so waiting for it would
        // wait out the server's own 60 s idle timeout and pass whether or not the watchdog worked.
        // The stand-in serves for 60 s of idleness on its own: gone within a few seconds means stopped.
        for _ in 0..<50 where !standIn.orphans.isEmpty { await sleepFor(0.1) }
        let survivors = standIn.orphans
        #expect(survivors.isEmpty, "vllm serve outlived a SIGKILLed runner: \(survivors)")
        survivors.forEach { kill($0, SIGKILL) }
        await process.exited()
        _ = dir  // its folder lives until the run has ended
    }

    /// `vllm` on PATH, when installed.
    static let realVLLM: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { $0 + "/vllm" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("a real vllm serve, when vllm is installed (RUNNER_VLLM_MODEL names the model)",
          .enabled(if: realVLLM != nil, "vllm is not on PATH: pip install vllm (CUDA) or build its CPU version"),
          .timeLimit(.minutes(10)))
    func realServer() async throws {
        let model = ProcessInfo.processInfo.environment["RUNNER_VLLM_MODEL"]
            ?? RunnerProcess.packageRoot.appendingPathComponent("models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf").path
        let dir = try TemporaryDirectory()
        let result = try await RunnerProcess.run(["--quiet"] + base + ["model.params.model_name=\(model)", "model.params.max_model_len=2048",
                                                               "task.dataset.limit=5", "hydra.run.dir=\(dir.url.path)/run"])
        #expect(result.status == 0, "\(result.stderr)")
        let results = try JSONSerialization.jsonObject(with: Data(dir.read("run/results.json").utf8)) as! [String: Any]
        #expect(results["status"] as? String == "completed")
    }
}
