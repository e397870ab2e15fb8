#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Config

/// The `runner` command: compose configs Hydra's way, then print them, describe them, or run.
enum RunnerCommand {
    static let version = "0.1.0"

    /// What the command comes to: an exit code now, or a run to launch.
    enum Action {
        case exit(Int32)
        case launch(JobLauncher, [[Override]])
        /// Work on a recorded job or sweep: `--run-job`, `--collect`.
        case run(@Sendable () async -> Int32)
    }

    /// Parses the command line and does what needs no run (help, version, `--cfg`, `--info`)
    /// on the calling thread, without starting Swift's concurrency runtime or its threads:
    /// those paths start in a few milliseconds. Errors are printed here.
    static func prepare(_ arguments: [String]) -> Action {
        do {
            return try plan(arguments)
        } catch {
            Output.error(error.description)
            return .exit(error.userError.exitCode)
        }
    }

    static func plan(_ arguments: [String]) throws(ConfigError) -> Action {
        let options = try RunnerOptions.parse(arguments)
        if options.version {
            Output.out("runner \(version)\n")
            return .exit(0)
        }
        // These read what a sweep recorded and compose nothing.
        if let directory = options.runJob {
            guard options.overrides.isEmpty else {
                throw ConfigError(.usage, "--run-job takes no overrides: the job runs the config recorded in \(directory)/.hydra",
                                  hint: "change the sweep's command line and submit it again")
            }
            return .run { await RecordedJob.run(directory, options: options) }
        }
        if let directory = options.collect {
            return .run { await SlurmCollector.collect(directory: directory, quiet: options.quiet) }
        }
        // Help needs no config tree: without one it lists the flags and the syntax.
        let repository = (options.help || options.hydraHelp) ? ((try? makeRepository(options)) ?? ConfigRepository(searchPath: []))
            : try makeRepository(options)
        let configName = try primaryConfigName(options, repository: repository)
        let composer = Composer(repository: repository, configName: configName)

        let overrides = try options.overrides.map { (text) throws(ConfigError) in try OverrideParser.parse(text) }
        if options.help || options.hydraHelp {
            // Sweeps are left out: help shows one config.
            Output.out(try Help.text(composer: composer, overrides: overrides.filter { !$0.isSweep }, resolve: options.resolve))
            return .exit(0)
        }

        let jobs: [[Override]]
        if options.multirun {
            // As Hydra, compose once without the sweeps to read a sweep the config defines. Only
            // group and hydra overrides can change it; leaving the others out keeps
            // `+model=a,b model.params.x=1` working, which Hydra refuses here.
            let settingsOverrides = overrides.filter { override in
                !override.isSweep && (override.key == "hydra" || override.key.hasPrefix("hydra.") || repository.groupExists(override.key))
            }
            let settings = try composer.compose(overrides: settingsOverrides, skipMissing: true)
            let configured = try SweepExpander.configuredSweep(settings.hydra)
            jobs = try SweepExpander.expand(configured + overrides, repository: repository)
            if jobs.isEmpty {
                Output.error("warning: the sweep selects no jobs (an empty range or a glob that matches no option); nothing to do")
            }
        } else {
            if let sweep = overrides.first(where: \.isSweep) {
                throw ambiguousSweep(sweep)
            }
            jobs = [overrides]
        }

        if let topic = options.info {
            let composition = try composer.compose(overrides: jobs.first ?? [], skipMissing: options.multirun)
            Output.out(Info.text(topic, composition: composition, repository: repository, configName: configName))
            return .exit(0)
        }

        if let part = options.cfg {
            var text = ""
            for job in jobs {
                let composition = try composer.compose(overrides: job)
                if options.multirun { text += "---\n" }
                text += try ConfigPrinter.render(composition, part: part, resolve: options.resolve, package: options.package)
            }
            Output.out(text)
            return .exit(0)
        }

        let startTime = time(nil)
        let launcher = JobLauncher(composer: composer, options: options, startTime: startTime,
                                   commandLine: ["runner"] + arguments)
        return .launch(launcher, jobs)
    }

    /// Runs the jobs; the exit code of the worst.
    static func launch(_ launcher: JobLauncher, _ jobs: [[Override]]) async -> Int32 {
        do {
            return try await launcher.launch(jobs)
        } catch {
            return Output.fail(error)
        }
    }

    static func ambiguousSweep(_ override: Override) -> ConfigError {
        ConfigError(.sweep, "ambiguous value in '\(override.input)': a comma-separated value is a sweep",
                    location: override.location,
                    hint: "add --multirun (-m) to sweep; write \(override.keyElement)=[a,b] for a list, or quote it (\(override.keyElement)='\"a,b\"') for a string")
    }

    /// The search path: `--config-dir` first, then `--config-path` (``ConfigLocations``).
    static func makeRepository(_ options: RunnerOptions) throws(ConfigError) -> ConfigRepository {
        ConfigRepository(searchPath: try ConfigLocations.searchPath(options))
    }

    /// `--config-name`, else `config` when `config.yaml` exists, else an empty primary config.
    static func primaryConfigName(_ options: RunnerOptions, repository: ConfigRepository) throws(ConfigError) -> String? {
        if var name = options.configName {
            if name.hasSuffix(".yaml") { name = String(name.dropLast(5)) }
            return name
        }
        return repository.configExists("config") ? "config" : nil
    }
}

/// Writes to the standard streams without buffering surprises.
enum Output {
    static func out(_ text: String) { writeAll(text, to: 1) }

    static func error(_ text: String) { writeAll(text.hasSuffix("\n") ? text : text + "\n", to: 2) }

    /// Prints a failure in the one shape (``UserError``) and returns its exit code. An error
    /// of no part's own type is a failure while running.
    static func fail(_ failure: any Error) -> Int32 {
        let problem = (failure as? any UserFacingError)?.userError ?? UserError(.runtime, "\(failure)")
        error(problem.description)
        return problem.exitCode
    }

    /// Writes to standard error as is: a progress line redrawn with `\r`.
    static func errorRaw(_ text: String) { writeAll(text, to: 2) }

    private static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue } else { return } }
            bytes = bytes.dropFirst(n)
        }
    }
}
