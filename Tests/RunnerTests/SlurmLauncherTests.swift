import FakeLLMServer
import Foundation
import TestSupport
import Testing

/// `hydra/launcher=slurm` without a cluster: the launcher group, its settings and the checks
/// made before anything is submitted.
@Suite("Slurm launcher settings", .timeLimit(.minutes(10)))
struct SlurmLauncherSettingsTests {
    let conf = RunnerProcess.packageRoot.appendingPathComponent("conf").path

    @Test("the default launcher is the basic one; --cfg hydra shows submitit_slurm's settings once chosen")
    func launcherGroup() async throws {
        let basic = try await RunnerProcess.run(["--cfg", "hydra", "+model=openai_chat", "+task=mcq"])
        #expect(basic.status == 0)
        #expect(basic.stdout.contains("  launcher:\n    _target_: runner.launcher.basic\n"))
        for option in ["slurm", "submitit_slurm"] {
            let slurm = try await RunnerProcess.run(["--cfg", "hydra", "hydra/launcher=\(option)", "hydra.launcher.partition=debug",
                                               "+model=openai_chat", "+task=mcq"])
            #expect(slurm.status == 0, "\(slurm.stderr)")
            for line in ["_target_: runner.launcher.slurm", "timeout_min: 60", "partition: debug", "array_parallelism: 256",
                         "signal_delay_s: 120", "max_num_timeout: 0", "additional_parameters: {}", "wait: true",
                         "mem_per_cpu: null", "cpus_per_gpu: null", "setup: null", "name: ${hydra.job.name}"] {
                #expect(slurm.stdout.contains("    " + line + "\n"), "'\(line)' missing for hydra/launcher=\(option)")
            }
        }
        let help = try await RunnerProcess.run(["--help"])
        #expect(help.stdout.contains("hydra/launcher: basic, slurm, submitit_slurm\n"))
    }

    @Test("every setting of Hydra's submitit_slurm, with its default, as hydra-submitit-launcher 1.2.0 printed it")
    func sameSettingsAsSubmitit() async throws {
        let fixture = RunnerProcess.fixtures.appendingPathComponent("hydra_submitit/expected_launcher.yaml")
        let hydra = try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        let ours = try await RunnerProcess.run(["--cfg", "hydra", "-p", "hydra.launcher", "hydra/launcher=submitit_slurm"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let lines = Set(ours.stdout.split(separator: "\n"))
        // Ours names its folder slurm_folder (written before the job has an id) and its own _target_.
        let compared = hydra.filter { !$0.hasPrefix("submitit_folder:") && !$0.hasPrefix("_target_:") }
        #expect(compared.count >= 24)
        for line in compared { #expect(lines.contains(line), "'\(line)' is not in ours") }
    }

    @Test("a config may choose the launcher with 'override hydra/launcher: slurm' and set its keys")
    func launcherFromConfig() async throws {
        let dir = try TemporaryDirectory()
        try dir.write(["conf/config.yaml": """
            defaults:
              - _self_
              - override hydra/launcher: slurm
            hydra:
              launcher:
                cpus_per_task: 4
            """])
        let result = try await RunnerProcess.run(["--cfg", "hydra", "-cp", dir.url.appendingPathComponent("conf").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("    cpus_per_task: 4\n"))
        #expect(result.stdout.contains("    _target_: runner.launcher.slurm\n"))
        let info = try await RunnerProcess.run(["--info", "defaults", "-cp", dir.url.appendingPathComponent("conf").path])
        #expect(info.stdout.contains("| hydra/launcher/slurm | hydra.launcher | False  | hydra/config |"), "\(info.stdout)")
    }

    @Test("wrong launcher settings, unknown keys and literal secrets stop the sweep before anything is written")
    func refusedBeforeSubmission() async throws {
        let dir = try TemporaryDirectory()
        let sweep = dir.url.appendingPathComponent("sweep").path
        let base = ["-m", "hydra/launcher=slurm", "+model=openai_chat", "+task=mcq", "seed=1,2", "hydra.sweep.dir=\(sweep)"]
        expectUserError(try await RunnerProcess.run(base + ["hydra.launcher.cpus_per_task=four"]),
                        contains: ["hydra.launcher.cpus_per_task must be a whole number"])
        expectUserError(try await RunnerProcess.run(base + ["hydra.launcher.partiton=debug"]), contains: ["did you mean 'hydra.launcher.partition'?"])
        expectUserError(try await RunnerProcess.run(base + ["++hydra.launcher.partiton=debug"]),
                        contains: ["unknown Slurm launcher setting 'hydra.launcher.partiton'"])
        expectUserError(try await RunnerProcess.run(base + ["hydra.launcher.comment='two\nlines'"]), contains: ["one line"])
        expectUserError(try await RunnerProcess.run(base + ["+model.params.api_key=sk-literal-secret"]),
                        contains: ["secret at 'model.params.api_key'", "${oc.env:VARIABLE}"])
        #expect(!FileManager.default.fileExists(atPath: sweep), "a refused sweep wrote \(sweep)")
        // Without the Slurm launcher its settings do not exist, as in Hydra.
        expectUserError(try await RunnerProcess.run(["--cfg", "hydra", "hydra.launcher.partition=debug", "+model=openai_chat"]),
                        contains: ["hydra.launcher.partition"])
    }

    @Test("--run-job takes a job folder and no overrides")
    func runJobErrors() async throws {
        let dir = try TemporaryDirectory()
        expectUserError(try await RunnerProcess.run(["--run-job", dir.url.path, "seed=2"]), contains: ["--run-job takes no overrides"])
        expectUserError(try await RunnerProcess.run(["--run-job", dir.url.path]), contains: ["cannot read '\(dir.url.path)/.hydra/config.yaml'"])
    }

    @Test("--collect on a folder that no Slurm sweep wrote says so")
    func collectWithoutSubmission() async throws {
        let dir = try TemporaryDirectory()
        expectUserError(try await RunnerProcess.run(["--collect", dir.url.path]), contains: ["holds no submission.json"])
    }
}

/// Sweeps on the real single-node Slurm that `scripts/test.sh` starts
/// (`../shared/recipes/slurm_local.sh`, copied as `scripts/slurm_local.sh`).
@Suite("Slurm launcher on a real Slurm", .serialized, .timeLimit(.minutes(4)), .enabled { await Slurm.isAvailable() || Slurm.isRequired })
struct SlurmClusterTests {
    @Test("a sweep as one job array gives the same summary and results as the local launcher")
    func sameAsLocal() async throws {
        try await Slurm.requireRunning()
        let server = try FakeLLMServer(plan: FaultPlan(latencyMilliseconds: 2), idleTimeout: 120)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        func sweep(_ name: String, _ extra: [String]) async throws -> RunnerResult {
            try await RunnerProcess.run(["-m", "+model=local_chat", "+task=mcq,qa", "seed=1,2",
                                   "model.params.base_url=http://127.0.0.1:\(server.port)/v1",
                                   "response.cache.mode=off", "hydra.sweep.dir=\(dir.url.path)/\(name)"] + extra)
        }
        let local = try await sweep("local", [])
        #expect(local.status == 0, "\(local.stderr)")
        let asked = server.requestCount()
        let cluster = try await sweep("cluster", ["hydra/launcher=slurm", "hydra.launcher.poll_interval_s=0.3", "hydra.launcher.cpus_per_task=1",
                                            "+hydra.launcher.additional_parameters.mail_type=NONE"])
        #expect(cluster.status == 0, "\(cluster.stderr)")
        #expect(cluster.stdout.contains("Submitted 4 jobs as Slurm array"))
        #expect(cluster.stdout.contains("0 pending, 0 running, 4 done, 0 failed"))
        // The same table, but for the folders.
        func table(_ name: String) throws -> [String] {
            try dir.read("\(name)/summary.csv").split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
        }
        #expect(try table("cluster") == table("local"))
        #expect(try table("cluster").count == 5)
        for job in 0..<4 {
            let local = try JSONSerialization.jsonObject(with: Data(dir.read("local/\(job)/results.json").utf8)) as! [String: Any]
            let cluster = try JSONSerialization.jsonObject(with: Data(dir.read("cluster/\(job)/results.json").utf8)) as! [String: Any]
            #expect((cluster["metrics"] as! NSDictionary) == (local["metrics"] as! NSDictionary), "job \(job)")
            #expect((cluster["config_hash"] as! String) == (local["config_hash"] as! String), "job \(job): the same composed config")
            #expect((cluster["overrides"] as! [String]) == (local["overrides"] as! [String]))
            #expect(try dir.read("cluster/\(job)/.hydra/config.yaml") == dir.read("local/\(job)/.hydra/config.yaml"))
        }
        let script = try dir.read("cluster/.slurm/array.sh")
        for line in ["#SBATCH --array=0-3%256", "#SBATCH --cpus-per-task=1", "#SBATCH --requeue", "#SBATCH --signal=B:USR2@120",
                     "#SBATCH --time=60", "#SBATCH --job-name=runner", "#SBATCH --mail-type=NONE"] {
            #expect(script.contains(line + "\n"), "'\(line)' missing from the job script")
        }
        #expect(try dir.read("cluster/.slurm/jobs.txt").split(separator: "\n").count == 4)
        #expect(server.requestCount() == 2 * asked, "the array asked the server itself, as often as the local sweep")
    }

    @Test("wait=false submits and returns at once; --collect waits and gathers; a failed task shows its exit code and log")
    func submitThenCollect() async throws {
        try await Slurm.requireRunning()
        let server = try FakeLLMServer(plan: FaultPlan(latencyMilliseconds: 40), idleTimeout: 120)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let sweep = dir.url.appendingPathComponent("sweep").path
        let submitted = try await RunnerProcess.run([
            "-m", "hydra/launcher=slurm", "hydra.launcher.wait=false", "hydra.launcher.poll_interval_s=0.3", "+model=local_chat", "+task=mcq",
            "model.params.base_url=http://127.0.0.1:\(server.port)/v1,http://127.0.0.1:9/v1", "response.max_concurrency=1",
            "response.cache.path=\(dir.url.path)/cache.sqlite", "hydra.sweep.dir=\(sweep)",
        ])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(submitted.stdout.contains("runner --collect \(sweep)"))
        // 40 items one at a time at 40 ms each: the array cannot have ended yet.
        #expect(!FileManager.default.fileExists(atPath: sweep + "/summary.csv"))
        let early = (try? dir.read("sweep/0/results.json")) ?? ""
        #expect(early.isEmpty || early.contains("\"running\""), "job 0 ended before the launcher returned")
        let collected = try await RunnerProcess.run(["--collect", sweep])
        #expect(collected.status == 1, "the unreachable job fails the sweep: \(collected.stderr)")
        #expect(collected.stderr.contains("job #1 (array task"))
        #expect(collected.stderr.contains("failed with exit code 1"))
        #expect(collected.stderr.contains("last lines of"))
        #expect(collected.stderr.contains("cannot reach http://127.0.0.1:9/v1"), "the log's tail names the cause: \(collected.stderr)")
        let rows = try dir.read("sweep/summary.csv").split(separator: "\n")
        #expect(rows.count == 3)
        #expect(rows[1].contains(",completed,"))
        #expect(rows[2].contains(",stopped,"))
        #expect(server.requestCount() == 40)
    }

    @Test("a sweep sbatch refuses is one error naming sbatch's reason, exit 1, and the script is kept")
    func sbatchRefuses() async throws {
        try await Slurm.requireRunning()
        let dir = try TemporaryDirectory()
        let result = try await RunnerProcess.run(["-m", "hydra/launcher=slurm", "hydra.launcher.partition=no_such_partition", "+model=local_chat",
                                            "+task=mcq", "seed=1,2", "model.params.base_url=http://127.0.0.1:9/v1", "hydra.sweep.dir=\(dir.url.path)/sweep"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: sbatch refused the sweep"), "\(result.stderr)")
        #expect(result.stderr.contains("partition"))
        #expect(result.stderr.contains("hint: check hydra.launcher"))
        #expect(FileManager.default.fileExists(atPath: dir.url.path + "/sweep/.slurm/array.sh"))
    }

    @Test("array tasks on one PostgreSQL cache ask the server once per distinct request")
    func sharedPostgresCache() async throws {
        try await Slurm.requireRunning()
        let database = try PostgresServer()
        defer { database.stop() }
        let server = try FakeLLMServer(plan: FaultPlan(latencyMilliseconds: 20), idleTimeout: 120)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        // Four jobs that send the same 40 requests, two at a time: the backend's own sampling seed
        // is pinned, so the run seed changes only the bootstrap.
        let result = try await RunnerProcess.run([
            "-m", "hydra/launcher=slurm", "hydra.launcher.poll_interval_s=0.3", "+model=local_chat", "+task=mcq", "seed=1,2,3,4",
            "model.params.seed=1234",
            "model.params.base_url=http://127.0.0.1:\(server.port)/v1", "response.cache.url=\(database.url)",
            "hydra.sweep.dir=\(dir.url.path)/sweep",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("0 pending, 0 running, 4 done, 0 failed"))
        #expect(server.requestCount() == 40, "4 tasks on one cache asked \(server.requestCount()) times for 40 answers")
        let rows = try dir.read("sweep/summary.csv").split(separator: "\n")
        #expect(rows.count == 5 && rows.dropFirst().allSatisfy { $0.contains(",completed,") })
    }

    @Test("a task told of its time limit requeues itself and the next attempt asks only for the missing answers")
    func requeuedTaskResumes() async throws {
        try await Slurm.requireRunning()
        // 40 items, 2 at a time, 0.4 s each: about 6 s left after the tenth answer for the signal
        // to find the task running (at 0.1 s a loaded CI machine once saw it finish first).
        let server = try FakeLLMServer(plan: FaultPlan(latencyMilliseconds: 400), idleTimeout: 120)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let sweep = dir.url.appendingPathComponent("sweep").path
        let process = Process()
        process.executableURL = RunnerProcess.executable
        process.currentDirectoryURL = RunnerProcess.packageRoot
        process.arguments = ["-m", "hydra/launcher=slurm", "hydra.launcher.max_num_timeout=1", "hydra.launcher.poll_interval_s=0.3",
                             "+model=local_chat", "+task=mcq", "seed=7", "response.max_concurrency=2",
                             "model.params.base_url=http://127.0.0.1:\(server.port)/v1",
                             "response.cache.path=\(dir.url.path)/cache.sqlite", "hydra.sweep.dir=\(sweep)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // Once part of the answers are in, send what Slurm sends signal_delay_s before the limit.
        try await Slurm.waitUntil("10 answers") { server.requestCount() >= 10 }
        let submission = try JSONSerialization.jsonObject(with: Data(dir.read("sweep/submission.json").utf8)) as! [String: Any]
        let task = "\(submission["job_id"] as! String)_0"
        try await Slurm.run("scancel", ["--batch", "--signal=USR2", task])
        // Slurm holds a requeued job for two minutes; let it start again now.
        try await Slurm.waitUntil("the task to be requeued") { (try? await Slurm.run("squeue", ["--noheader", "--jobs=\(task)", "--format=%T", "--array"])) == "PENDING" }
        try await Slurm.run("scontrol", ["update", "JobId=\(task)", "StartTime=now"])
        await process.exited()
        let printed = String(decoding: await output.fileHandleForReading.readAll(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(printed)")
        let results = try JSONSerialization.jsonObject(with: Data(dir.read("sweep/0/results.json").utf8)) as! [String: Any]
        #expect(results["status"] as? String == "completed")
        let counts = results["counts"] as! [String: Int]
        // 10 requests were sent before the signal; at most the 2 in flight were lost.
        #expect(counts["cached"]! >= 10 - 2, "the second attempt took the first one's answers from the cache")
        // At most the two requests in flight at the requeue were asked twice.
        #expect(server.requestCount() <= 40 + 2, "\(server.requestCount()) requests for 40 items")
        let log = try String(contentsOfFile: "\(sweep)/.slurm/logs/\(task).err", encoding: .utf8)
        #expect(log.contains("time limit near: requeueing"))
        #expect(log.contains("(attempt 2)"))
    }
}

/// The local Slurm the tests use.
enum Slurm {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// `scripts/test.sh` starts Slurm and sets this: then a missing Slurm fails the tests.
    static let isRequired = ProcessInfo.processInfo.environment["RUNNER_TEST_SLURM"] == "1"
    static func isAvailable() async -> Bool { (try? await run("sinfo", ["--noheader"])) != nil }

    static func requireRunning() async throws {
        guard await isAvailable() else {
            throw Failure(description: "RUNNER_TEST_SLURM=1 but sinfo does not answer: start it with scripts/slurm_local.sh start")
        }
    }

    /// Runs a Slurm tool and returns its trimmed output; throws when it fails.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) async throws -> String {
        let (status, data) = try await ToolProcess.run(URL(fileURLWithPath: "/usr/bin/env"), [tool] + arguments)
        guard status == 0 else { throw Failure(description: "\(tool) \(arguments) exited \(status)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls every 100 ms, for at most a minute.
    static func waitUntil(_ what: String, _ condition: () async -> Bool) async throws {
        for _ in 0..<600 {
            if await condition() { return }
            await sleepFor(0.1)
        }
        throw Failure(description: "timed out waiting for \(what)")
    }
}
