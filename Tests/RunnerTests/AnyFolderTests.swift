import FakeLLMServer
import Foundation
import Testing
import TestSupport

/// The runner used where users use it: from another folder, with `--config-dir`, and installed
/// apart from the repository (`scripts/install.sh`'s layout) (issue 25, section 4).
@Suite("running from any folder", .serialized, .timeLimit(.minutes(10)))
struct AnyFolderTests {
    @Test("outside the repository: --help, --version and the built-in configs work, and +model=smollm2 finds its weights",
          .enabled(if: SmolLM2.available(in: RunnerProcess.packageRoot), SmolLM2.missing))
    func otherFolder() async throws {
        let elsewhere = try TemporaryDirectory()
        let help = try await RunnerProcess.run(["--help"], in: elsewhere.url)
        #expect(help.status == 0, "\(help.stderr)")
        #expect(help.stdout.contains("model: aleph_alpha, anthropic, hf_local"), "the repository's groups: \(help.stdout.prefix(400))")
        #expect(try await RunnerProcess.run(["--version"], in: elsewhere.url).status == 0)
        let printed = try await RunnerProcess.run(["--cfg", "job", "+model=smollm2", "+task=mcq"], in: elsewhere.url)
        #expect(printed.status == 0, "\(printed.stderr)")
        let run = try await RunnerProcess.run(["--quiet", "+model=smollm2", "+task=mcq", "task.dataset.limit=2", "response.cache.mode=off",
                                         "hydra.run.dir=\(elsewhere.url.path)/out"], in: elsewhere.url)
        #expect(run.status == 0, "\(run.stderr)")
        let results = try TrustedNumbersTests.json(try elsewhere.read("out/results.json"))
        #expect(results["status"] as? String == "completed")
    }

    @Test("--config-dir: a project's relative data paths are read beside its config folder")
    func configDirData() async throws {
        let project = try TemporaryDirectory(), elsewhere = try TemporaryDirectory()
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        try project.write([
            "conf/task/mine.yaml": "defaults:\n  - mcq\n  - _self_\ndataset:\n  path: data/mine.jsonl\n",
            "data/mine.jsonl": EvaluationTests.mcq([("one [answer:A]", "A"), ("two [answer:B]", "A")]),
        ])
        let result = try await RunnerProcess.run(["--quiet", "-cd", project.url.path + "/conf", "+model=local_chat", "+task=mine",
                                            "model.params.base_url=http://127.0.0.1:\(server.port)/v1", "response.cache.mode=off",
                                            "hydra.run.dir=\(elsewhere.url.path)/out"], in: elsewhere.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(EvaluationTests.metric(try TrustedNumbersTests.json(try elsewhere.read("out/results.json")), "acc") == 0.5)
    }

    @Test("installed apart from the repository: share/runner's configs, data and models beside bin/runner")
    func installedLayout() async throws {
        let prefix = try TemporaryDirectory(), elsewhere = try TemporaryDirectory()
        let manager = FileManager.default
        try manager.createDirectory(at: prefix.url.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try manager.createDirectory(at: prefix.url.appendingPathComponent("share/runner"), withIntermediateDirectories: true)
        let binary = prefix.url.appendingPathComponent("bin/runner")
        try manager.copyItem(at: RunnerProcess.executable, to: binary)
        for folder in ["conf", "data"] {
            try manager.copyItem(at: RunnerProcess.packageRoot.appendingPathComponent(folder), to: prefix.url.appendingPathComponent("share/runner/" + folder))
        }
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        // The bundled data/mcq_example.jsonl, found beside the installed conf/.
        let result = try await RunnerProcess.run(["--quiet", "+model=local_chat", "+task=mcq", "task.dataset.limit=3", "response.cache.mode=off",
                                            "model.params.base_url=http://127.0.0.1:\(server.port)/v1", "hydra.run.dir=\(elsewhere.url.path)/out"],
                                           in: elsewhere.url, program: binary)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(EvaluationTests.count(try TrustedNumbersTests.json(try elsewhere.read("out/results.json")), "items") == 3)
        #expect(server.requestCount() == 3)
    }

    @Test("RUNNER_MODELS: a models/ path in a config is found there when no config folder holds it")
    func modelsFolder() async throws {
        let project = try TemporaryDirectory(), elsewhere = try TemporaryDirectory()
        try FileManager.default.copyItem(at: RunnerProcess.packageRoot.appendingPathComponent("conf"), to: project.url.appendingPathComponent("conf"))
        try FileManager.default.copyItem(at: RunnerProcess.packageRoot.appendingPathComponent("data"), to: project.url.appendingPathComponent("data"))
        let arguments = ["--quiet", "-cp", project.url.path + "/conf", "+model=smollm2", "+task=mcq", "task.dataset.limit=1",
                         "response.cache.mode=off", "hydra.run.dir=\(elsewhere.url.path)/out"]
        let missing = try await RunnerProcess.run(arguments, in: elsewhere.url)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("checkpoint not found: models/smollm2/"), "\(missing.stderr)")
        // Placed at the key's file and line, with where the runner looked and the variable that adds a place.
        #expect(missing.stderr.contains("smollm2.yaml:") && missing.stderr.contains("$RUNNER_MODELS"), "\(missing.stderr)")
        let found = try await RunnerProcess.run(arguments, in: elsewhere.url,
                                          environment: ["RUNNER_MODELS": RunnerProcess.packageRoot.appendingPathComponent("models").path])
        #expect(found.status == 0, "\(found.stderr)")
    }
}
