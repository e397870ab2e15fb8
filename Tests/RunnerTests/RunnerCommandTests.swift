import TestSupport
import Foundation
import Testing

/// The command line itself: help, info, printing, flags and their errors.
@Suite("runner command line", .timeLimit(.minutes(10)))
struct RunnerCommandTests {
    let conf = RunnerProcess.packageRoot.appendingPathComponent("conf").path

    @Test("--help lists every config group with its options and the override syntax")
    func help() async throws {
        let result = try await RunnerProcess.run(["-cp", conf, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("model: aleph_alpha, anthropic, hf_local, local_chat, local_completions, openai_chat, openai_completion, smollm2, vllm\n"))
        #expect(result.stdout.contains("task: lm_eval, mcq, mmlu_style, qa, yes_no_maybe\n"))
        for syntax in ["+key=value", "++key=value", "~key", "group@pkg=option", "range(", "glob(", "--config-dir"] {
            #expect(result.stdout.contains(syntax), "\(syntax) missing from --help")
        }
    }

    @Test("--help shows the config the overrides compose, resolved with --resolve, as Hydra's help does")
    func helpWithOverrides() async throws {
        let tree = RunnerProcess.fixtures.appendingPathComponent("hydra/interp_missing_in_group_help_resolved_error/conf").path
        let raw = try await RunnerProcess.run(["-cp", tree, "+model=vllm", "--help"])
        #expect(raw.status == 0)
        #expect(raw.stdout.contains("app: demo\nmodel:\n  model_name: ???\n  served_as: vllm:${.model_name}\n"))
        let resolved = try await RunnerProcess.run(["-cp", tree, "+model=vllm", "model.model_name=m", "--help", "--resolve"])
        #expect(resolved.status == 0)
        #expect(resolved.stdout.contains("  served_as: vllm:m\n"))
        // A `???` reached by an interpolation fails (the recorded case checks the message).
        #expect(try await RunnerProcess.run(["-cp", tree, "+model=vllm", "--help", "--resolve"]).status == 2)
        let typo = try await RunnerProcess.run(["-cp", tree, "+model=vlm", "--help"])
        #expect(typo.status == 2 && typo.stderr.contains("did you mean 'vllm'?"))
    }

    @Test("--help on a recorded tree names the same groups as Hydra's help")
    func helpMatchesHydraGroups() async throws {
        let fixture = RunnerProcess.fixtures.appendingPathComponent("hydra/help_output")
        let ours = try await RunnerProcess.run(["-cp", fixture.appendingPathComponent("conf").path, "--help"]).stdout
        let hydra = try String(contentsOf: fixture.appendingPathComponent("expected.help"), encoding: .utf8)
        let groupLines = hydra.split(separator: "\n").filter { $0.contains(": ") && !$0.hasPrefix(" ") && !$0.contains("(") && !$0.contains("==") }
        #expect(!groupLines.isEmpty)
        for line in groupLines where !line.hasPrefix("Use ") && !line.hasPrefix("Powered") {
            let group = line.split(separator: ":")[0]
            if hydra.contains("== Configuration groups ==") && hydra.components(separatedBy: "== Config ==")[0].contains(line) {
                #expect(ours.contains(String(line) + "\n"), "group line '\(line)' (\(group)) missing")
            }
        }
    }

    @Test("--info defaults prints the final defaults list in Hydra's table form")
    func infoDefaults() async throws {
        let result = try await RunnerProcess.run(["-cp", conf, "--info", "defaults", "+model=openai_chat", "+task=mcq"])
        #expect(result.status == 0)
        #expect(result.stdout == """
        Defaults List
        *************
        | Config path          | Package        | _self_ | Parent       |
        -----------------------------------------------------------------
        | hydra/launcher/basic | hydra.launcher | False  | hydra/config |
        | config               |                | True   | <root>       |
        | model/openai_chat    | model          | False  | config       |
        | task/mcq             | task           | False  | config       |
        -----------------------------------------------------------------

        """)
    }

    @Test("--info defaults on a nested tree lists the same rows as Hydra (without Hydra's own)")
    func infoDefaultsMatchesHydra() async throws {
        let fixture = RunnerProcess.fixtures.appendingPathComponent("hydra/info_defaults")
        var args = try String(contentsOf: fixture.appendingPathComponent("args"), encoding: .utf8).split(separator: "\n").map(String.init)
        args = ["-cp", fixture.appendingPathComponent("conf").path] + args
        let ours = try await RunnerProcess.run(args)
        #expect(ours.status == 0, "\(ours.stderr)")
        let hydra = try String(contentsOf: fixture.appendingPathComponent("expected.info"), encoding: .utf8)
        let normalize: (String) -> [String] = { text in
            text.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.contains("hydra/") && !$0.contains("Config path") }
                .map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "|") }
        }
        #expect(normalize(ours.stdout) == normalize(hydra))
        #expect(!normalize(hydra).isEmpty)
    }

    @Test("--info defaults-tree shows where each config came from")
    func infoTree() async throws {
        let result = try await RunnerProcess.run(["-cp", conf, "-i", "defaults-tree", "+model=openai_chat"])
        #expect(result.stdout.contains("<root>:\n  hydra/config:\n    hydra/launcher: basic\n  config:\n    _self_\n    model: openai_chat\n"))
    }

    @Test("-m --cfg job prints every job's config as a YAML stream in sweep order and runs nothing")
    func multirunCfg() async throws {
        let dir = try TemporaryDirectory()
        let result = try await RunnerProcess.run(["-cp", conf, "-m", "--cfg", "job", "+model=openai_chat", "seed=1,2", "model.params.n=range(1,3)"], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        let docs = result.stdout.components(separatedBy: "---\n").dropFirst()
        #expect(docs.count == 4)
        let pairs = docs.map { doc -> String in
            let seed = doc.split(separator: "\n").first { $0.hasPrefix("seed: ") } ?? ""
            let n = doc.split(separator: "\n").first { $0.hasPrefix("    'n': ") } ?? ""
            return "\(seed) \(n.trimmingCharacters(in: .whitespaces))"
        }
        #expect(pairs == ["seed: 1 'n': 1", "seed: 1 'n': 2", "seed: 2 'n': 1", "seed: 2 'n': 2"])
        #expect(!FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("multirun").path))
    }

    @Test("--cfg job --resolve resolves interpolations in the project's task config")
    func resolve() async throws {
        let plain = try await RunnerProcess.run(["-cp", conf, "--cfg", "job", "+task=mcq", "seed=99"])
        #expect(plain.stdout.contains("seed: ${seed}"))
        let resolved = try await RunnerProcess.run(["-cp", conf, "--cfg", "job", "--resolve", "+task=mcq", "seed=99"])
        #expect(resolved.stdout.contains("    seed: 99\n"))
    }

    @Test("-cd searches another tree first; -cn picks another primary config")
    func configDirAndName() async throws {
        let dir = try TemporaryDirectory()
        try dir.write(["extra/model/mine.yaml": "name: mine\nparams: {}\n", "alt/other.yaml": "x: 1\n"])
        let withDir = try await RunnerProcess.run(["-cp", conf, "-cd", dir.url.appendingPathComponent("extra").path, "--cfg", "job", "+model=mine"])
        #expect(withDir.status == 0, "\(withDir.stderr)")
        #expect(withDir.stdout.contains("model:\n  name: mine\n"))
        let withName = try await RunnerProcess.run(["-cp", dir.url.appendingPathComponent("alt").path, "-cn", "other", "--cfg", "job"])
        #expect(withName.stdout == "x: 1\n")
        expectUserError(try await RunnerProcess.run(["-cp", conf, "-cn", "nope", "--cfg", "job"]),
                        contains: ["cannot find the primary config 'nope'"])
    }

    @Test("usage errors: unknown flag with did-you-mean, bad --cfg value, missing flag value")
    func usageErrors() async throws {
        expectUserError(try await RunnerProcess.run(["-cp", conf, "--cfgg", "job"]), contains: ["unknown option '--cfgg'", "did you mean '--cfg'?"])
        expectUserError(try await RunnerProcess.run(["-cp", conf, "--cfg", "jobs"]), contains: ["--cfg takes job, hydra or all, not 'jobs'"])
        expectUserError(try await RunnerProcess.run(["-cp", conf, "--config-name"]), contains: ["option '--config-name' needs a value"])
        expectUserError(try await RunnerProcess.run(["-cp", "/nonexistent/conf", "--cfg", "job"]), contains: ["config directory '/nonexistent/conf' not found"])
    }

    @Test("config errors name the place and suggest the fix", arguments: [
        (["+model=openai_chatt", "--cfg", "job"], ["could not find 'model/openai_chatt'", "did you mean 'openai_chat'?"]),
        (["+modle=openai_chat", "+task=mcq"], ["unknown key 'modle' at the top level", "did you mean 'model'?"]),
        (["+model=openai_chat", "model.params.temprature=1", "--cfg", "job"], ["could not override 'model.params.temprature'", "did you mean 'model.params.temperature'?"]),
        (["+model=openai_chat", "+model.params.model_name=x", "--cfg", "job"], ["could not add 'model.params.model_name'", "'++model.params.model_name=x'"]),
        (["+model=../../etc/passwd", "--cfg", "job"], ["'../../etc/passwd' is not an option of group 'model'", "stay inside the config tree"]),
        (["+modle=local_chat", "+task=mcq", "model.params.base_url=http://127.0.0.1:9/v1"],
         ["no 'model' was chosen (in override '+modle=local_chat')", "did you mean '+model=local_chat'?"]),
        (["--info", "defalts"], ["--info takes one of all, config, defaults", "did you mean 'defaults'?"]),
        (["-m", "--cfg", "job", "+x=range(0,10000000)"], ["gives more than 1000000 values"]),
        (["--cfg", "job", "s=héllo"], ["only ASCII is allowed", "quote the value: s='héllo'"]),
        (["+model=openai_chat", "+task=mcq", "task.scoring.mode=generat"], ["'task.scoring.mode' must be one of", "did you mean 'generate'?"]),
        (["+model=openai_chat", "+task=mcq", "task.dataset.limit=abc"], ["'task.dataset.limit' must be an integer, not a string ('abc')"]),
        (["+model=openai_chat", "+task=qa", "response.max_concurrency=0"], ["'response.max_concurrency' must be at least 1"]),
        (["model=openai_chat", "--cfg", "job"], ["could not override 'model'", "+model=openai_chat"]),
        // Each of these once trapped (exit 132, no message) or was accepted silently.
        (["--cfg", "job", "+x=int(inf)"], ["cannot convert float infinity to integer"]),
        (["--cfg", "job", "+x=int(nan)"], ["cannot convert float NaN to integer"]),
        (["+model=local_chat", "+task=mcq", "model.params.base_url=http://127.0.0.1:9/v1", "model.params.timeout=inf"],
         ["'model.params.timeout' must be a positive, finite number, not inf"]),
        (["+model=local_chat", "+task=mcq", "model.params.base_url=URL"], ["'model.params.base_url' must be an http:// or https:// URL"]),
        (["+model=local_chat", "+task=mcq", "model.params.base_url=http://127.0.0.1:9/v1", "model.params.temperature=-1"],
         ["'model.params.temperature' must be a finite number of zero or more, not -1"]),
        (["+model=smollm2", "+task=mcq", "model.params.batch_size=0"], ["'model.params.batch_size' must be a whole number of at least 1, not 0"]),
        (["+model=smollm2", "+task=mcq", "model.params.max_new_tokens=0"], ["'model.params.max_new_tokens' must be a whole number of at least 1, not 0"]),
        (["+model=openai_chat", "+task=mcq", "task.scoring.letters=[]"], ["task.scoring.letters needs at least two letters"]),
    ] as [([String], [String])])
    func configErrors(arguments: [String], fragments: [String]) async throws {
        let dir = try TemporaryDirectory()
        expectUserError(try await RunnerProcess.run(["-cp", conf] + arguments, in: dir.url), contains: fragments)
        #expect(!FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("outputs").path), "nothing written on error")
    }

    @Test("a YAML syntax error names file:line:column and shows the line")
    func yamlError() async throws {
        let dir = try TemporaryDirectory()
        try dir.write(["conf/config.yaml": "a: 1\nb: [1, 2\nc: 3\n"])
        let result = try await RunnerProcess.run(["--cfg", "job"], in: dir.url)
        // The unclosed list is reported where it opened, naming where it was noticed.
        expectUserError(result, contains: ["conf/config.yaml:2:4:", "invalid YAML", " | b: [1, 2", "at line 3, column 2"])
    }

    @Test("the project's own configs compose and decode for every model and task")
    func projectConfigs() async throws {
        let offline = try OfflineEvaluation()
        for model in ["openai_chat", "openai_completion", "local_chat", "local_completions", "aleph_alpha"] {
            for task in ["mcq", "qa", "yes_no_maybe"] {
                let dir = try TemporaryDirectory()
                // Aleph Alpha's base_url is the API's root: it has no /v1.
                let overrides = offline.overrides.map { $0.hasPrefix("model.params.base_url") ? "++" + $0 : $0 }
                    .map { model == "aleph_alpha" && $0.hasSuffix("/v1") ? String($0.dropLast(3)) : $0 }
                    .map { $0.hasPrefix("task.dataset.path") ? "task.dataset.path=\(RunnerProcess.packageRoot.path)/data/\(task)_example.jsonl" : $0 }
                let result = try await RunnerProcess.run(["-cp", conf, "--quiet", "+model=\(model)", "+task=\(task)"] + overrides,
                                                   in: dir.url, environment: offline.environment.merging(["AA_TOKEN": "fake"]) { $1 })
                #expect(result.status == 0, "\(model) x \(task): \(result.stderr)")
            }
        }
    }
}
