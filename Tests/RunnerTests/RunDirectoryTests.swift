import TestSupport
import Foundation
import Testing

/// Runs and sweeps write Hydra's directory layout with the `.hydra` record.
@Suite("Run and multirun directories", .timeLimit(.minutes(10)))
struct RunDirectoryTests {
    let conf = RunnerProcess.packageRoot.appendingPathComponent("conf").path

    @Test("a run gets outputs/<date>/<time>/ with config, overrides and metadata")
    func singleRun() async throws {
        let dir = try TemporaryDirectory()
        let offline = try OfflineEvaluation()
        let result = try await RunnerProcess.run(["-cp", conf, "+model=openai_chat", "+task=mcq", "model.params.temperature=0.5"] + offline.overrides,
                                           in: dir.url, environment: offline.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let dates = try dir.folders(in: "outputs")
        #expect(dates.count == 1)
        #expect(dates[0].range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil)
        let times = try dir.folders(in: "outputs/\(dates[0])")
        #expect(times.count == 1)
        #expect(times[0].range(of: #"^\d{2}-\d{2}-\d{2}$"#, options: .regularExpression) != nil)
        let run = "outputs/\(dates[0])/\(times[0])/.hydra"
        let config = try dir.read("\(run)/config.yaml")
        #expect(config.contains("temperature: 0.5"))
        #expect(config.contains("model_name: gpt-4o"))
        #expect(try dir.read("\(run)/overrides.yaml").hasPrefix("- +model=openai_chat\n- +task=mcq\n- model.params.temperature=0.5\n"))
        let metadata = try dir.read("\(run)/hydra.yaml")
        for field in ["command_line: runner -cp", "start_time:", "version: 0.1.0", "git_revision:", "model: openai_chat", "task: mcq"] {
            #expect(metadata.contains(field), "\(field) missing from hydra.yaml:\n\(metadata)")
        }
    }

    @Test("an explicit hydra.run.dir is used as given: a second run replaces the first one's results")
    func explicitRunDirectoryIsReused() async throws {
        let dir = try TemporaryDirectory()
        let offline = try OfflineEvaluation()
        let common = ["-cp", conf, "+model=openai_chat", "hydra.run.dir=outputs/fixed"] + offline.overrides
        let first = try await RunnerProcess.run(common + ["+task=qa", "task.dataset.limit=3"], in: dir.url, environment: offline.environment)
        let second = try await RunnerProcess.run(common + ["+task=mcq"], in: dir.url, environment: offline.environment)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
        #expect(try dir.folders(in: "outputs") == ["fixed"])
        #expect(try dir.read("outputs/fixed/.hydra/overrides.yaml").contains("+task=mcq"))
        let results = try JSONSerialization.jsonObject(with: Data(dir.read("outputs/fixed/results.json").utf8)) as? [String: Any]
        #expect(results?["task"] as? String == "mcq")
        // Only the second run's two items: nothing stale from the first run's three.
        let samples = try dir.read("outputs/fixed/samples.jsonl").split(separator: "\n")
        #expect(samples.count == 2)
    }

    @Test("runs into the default dated folder never share one")
    func defaultRunDirectoriesAreUnique() async throws {
        let dir = try TemporaryDirectory()
        let offline = try OfflineEvaluation()
        let args = ["-cp", conf, "+model=openai_chat", "+task=qa"] + offline.overrides
        let first = try await RunnerProcess.run(args, in: dir.url, environment: offline.environment)
        let second = try await RunnerProcess.run(args, in: dir.url, environment: offline.environment)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
        let runs = try dir.folders(in: "outputs").flatMap { date in try dir.folders(in: "outputs/\(date)") }
        #expect(runs.count == 2, "\(runs)")
    }

    @Test("hydra.run.dir may interpolate the job config and hydra.job.name")
    func runDirInterpolation() async throws {
        let dir = try TemporaryDirectory()
        let offline = try OfflineEvaluation()
        let result = try await RunnerProcess.run(["-cp", conf, "+model=openai_chat", "+task=mcq", "hydra.job.name=nightly",
                                            "hydra.run.dir=runs/${hydra.job.name}/${model.params.model_name}"] + offline.overrides,
                                           in: dir.url, environment: offline.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.read("runs/nightly/gpt-4o/.hydra/hydra.yaml").contains("name: nightly"))
    }

    @Test("a sweep writes numbered job directories under one sweep directory")
    func multirun() async throws {
        let dir = try TemporaryDirectory()
        let offline = try OfflineEvaluation()
        let result = try await RunnerProcess.run(["-cp", conf, "-m", "+model=openai_chat,local_chat", "+task=mcq", "seed=1,2",
                                            "hydra.sweep.dir=sweeps/s1"] + offline.overrides, in: dir.url, environment: offline.environment)
        // local_chat needs base_url; openai_chat has it too, so every job composes.
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.folders(in: "sweeps/s1") == ["0", "1", "2", "3", "report.html", "summary.csv"])
        #expect(try dir.read("sweeps/s1/0/.hydra/overrides.yaml").contains("- +model=openai_chat\n"))
        #expect(try dir.read("sweeps/s1/0/.hydra/overrides.yaml").contains("- seed=1\n"))
        #expect(try dir.read("sweeps/s1/1/.hydra/overrides.yaml").contains("- seed=2\n"))
        #expect(try dir.read("sweeps/s1/3/.hydra/overrides.yaml").contains("- +model=local_chat\n"))
        #expect(try dir.read("sweeps/s1/3/.hydra/config.yaml").contains("seed: 2\n"))
        #expect(try dir.read("sweeps/s1/2/.hydra/hydra.yaml").contains("num: 2"))
    }

    @Test("hydra.sweep.subdir names job directories")
    func sweepSubdir() async throws {
        let dir = try TemporaryDirectory()
        let offline = try OfflineEvaluation()
        let result = try await RunnerProcess.run(["-cp", conf, "-m", "+model=openai_chat", "+task=mcq", "seed=7,8",
                                            "hydra.sweep.dir=sw", "hydra.sweep.subdir=${hydra.job.override_dirname}",
                                            "hydra.job.config.override_dirname.exclude_keys=[model.params.base_url,task.dataset.path,task.dataset.limit,response.cache.mode]"]
                                           + offline.overrides,
                                           in: dir.url, environment: offline.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try dir.folders(in: "sw") == ["+model=openai_chat,+task=mcq,seed=7", "+model=openai_chat,+task=mcq,seed=8", "report.html", "summary.csv"])
    }

    @Test("secrets given as overrides never reach the run directory or stdout")
    func secretsStayOut() async throws {
        let dir = try TemporaryDirectory()
        let secret = "sk-test-\(UUID().uuidString)"
        let offline = try OfflineEvaluation()
        // The override is refused (an API key never goes in config), and its value is masked in the error too.
        let result = try await RunnerProcess.run(["-cp", conf, "+model=openai_chat", "+task=mcq", "+model.params.api_key=\(secret)"] + offline.overrides,
                                           in: dir.url, environment: offline.environment)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("'+model.params.api_key=***'"))
        #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
        // The run is refused while it is set up, before its folder exists: nothing is written at all.
        let files = FileManager.default.enumerator(atPath: dir.url.path)?.compactMap { $0 as? String } ?? []
        #expect(files.isEmpty, "written: \(files)")
        let printed = try await RunnerProcess.run(["-cp", conf, "+model=openai_chat", "+model.params.api_key=\(secret)", "--cfg", "job"], in: dir.url)
        #expect(!printed.stdout.contains(secret) && printed.stdout.contains("api_key: '***'"))
    }

    @Test("a run refuses to start without a model and task, or with ??? left, and writes nothing")
    func notReady() async throws {
        let dir = try TemporaryDirectory()
        expectUserError(try await RunnerProcess.run(["-cp", conf, "+model=openai_chat"], in: dir.url), contains: ["no task chosen", "+task=<OPTION>"])
        expectUserError(try await RunnerProcess.run(["-cp", conf, "+model=local_chat", "+task=mcq"], in: dir.url),
                        contains: ["model/local_chat.yaml:", "missing mandatory value 'model.params.base_url'"])
        #expect(!FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("outputs").path))
    }
}
