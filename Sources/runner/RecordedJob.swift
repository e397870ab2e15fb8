#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Config
import Tasks

/// `runner --run-job DIR`: runs the job recorded in `DIR/.hydra` (what a Slurm array task does).
///
/// The config is the one composed when the sweep was submitted, read from `.hydra/config.yaml`
/// with Hydra's settings from `.hydra/hydra.yaml`; only its interpolations are resolved here, so
/// `${oc.env:...}` reads the task's environment. Running it again (a requeued task, or by hand)
/// resumes from the cache and asks only for the answers still missing.
enum RecordedJob {
    static func run(_ directory: String, options: RunnerOptions) async -> Int32 {
        do {
            let job = try load(directory, options: options)
            let (log, sink) = RunLogHandler.logger(verbose: options.verbose)
            let setup: JobExecutor.Setup
            do {
                // Relative paths as the sweep's command line found them (its -cp and -cd).
                let searchPath = (try? RunnerCommand.makeRepository(options))?.searchPath ?? []
                setup = try JobExecutor.prepare(job.run, paths: ConfigPathResolver(searchPath: searchPath), log: log, showBatches: !options.quiet && !options.verbose)
            } catch {
                let problem = JobExecutor.userError(error, resolved: job.resolved)
                Output.error(problem.description)
                // The sweep's summary and page show the job as failed, with why.
                FailedJobResults.write(problem, run: job.run, overrides: job.taskOverrides, directory: directory)
                return problem.exitCode
            }
            sink.attach(path: directory + "/runner.log")
            Interrupt.shared.install()
            return await JobExecutor.execute(setup, job: job, options: options, log: log).exitCode
        } catch {
            Output.error(error.description)
            return error.userError.exitCode
        }
    }

    static func load(_ directory: String, options: RunnerOptions) throws(ConfigError) -> PreparedJob {
        let record = directory + "/.hydra"
        func read(_ name: String) throws(ConfigError) -> ConfigNode {
            let path = record + "/" + name
            guard let text = FileSystem.readText(path) else {
                throw ConfigError(.fileNotFound, "cannot read '\(path)'",
                                  hint: "--run-job takes a job folder that a sweep wrote (it holds .hydra/config.yaml, hydra.yaml and overrides.yaml)")
            }
            return try YAMLLoader.load(text, file: path)
        }
        let config = try read("config.yaml")
        guard config.mapping != nil || config.value == .null else {
            throw ConfigError(.invalidValue, "'\(record)/config.yaml' does not hold a config mapping", location: config.location,
                              hint: "the file is written by the sweep; submit the sweep again")
        }
        guard let hydra = try read("hydra.yaml").node(at: "hydra"), hydra.mapping != nil else {
            throw ConfigError(.invalidValue, "'\(record)/hydra.yaml' has no 'hydra' mapping", hint: "the file is written by the sweep; submit the sweep again")
        }
        let overrides = try (read("overrides.yaml").sequence ?? []).map { (item) throws(ConfigError) -> Override in
            guard case .string(let text) = item.value else {
                throw ConfigError(.invalidValue, "'\(record)/overrides.yaml' holds \(item.kindDescription), not an override", location: item.location,
                                  hint: "the file is written by the sweep; submit the sweep again")
            }
            return try OverrideParser.parse(text)
        }
        var root = config.mapping != nil ? config : ConfigNode(.mapping(ConfigMapping()))
        root.setNode(hydra, at: "hydra")
        let now = time(nil)
        var resolver = Resolver(root: root, hydraNode: hydra, now: { now })
        var resolved = try resolver.resolveAll()
        resolved.removeNode(at: "hydra")
        let run = try ConfigDecoder().decode(RunConfig.self, from: resolved)
        if let (path, node) = resolved.firstMissing() {
            throw ConfigError(.missingValue, "missing mandatory value '\(path)'", keyPath: path.description, location: node.location,
                              hint: "the sweep was submitted without it; submit it again with \(path)=VALUE")
        }
        if let task = run.task { try TaskRegistry.default.check(task) }
        let number: Int
        if case .int(let n)? = hydra.node(at: "job.num")?.value { number = n } else { number = 0 }
        return PreparedJob(number: number, overrides: overrides, resolved: resolved, run: run, directory: directory)
    }
}
