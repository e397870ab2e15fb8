#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Config
import Tasks

/// One composed job, ready to run in its own output directory.
struct PreparedJob {
    var number: Int
    var overrides: [Override]
    /// The job's own overrides, without Hydra's settings: what `overrides.yaml` and
    /// `results.json` record and the sweep summary compares.
    var taskOverrides: [String] { overrides.filter { !$0.isHydraOverride }.map { Redactor.redact(override: $0.input) } }
    /// The job config with interpolations resolved.
    var resolved: ConfigNode
    var run: RunConfig
    var directory: String
}

/// Runs the jobs of a run or a sweep: one output directory each, with the `.hydra` record.
struct JobLauncher {
    let composer: Composer
    let options: RunnerOptions
    let startTime: time_t
    let commandLine: [String]

    /// - Throws: ``ConfigError`` for a job that cannot be composed, ``UserError`` for a folder
    ///   that cannot be made or a launcher that refuses.
    func launch(_ jobs: [[Override]]) async throws -> Int32 {
        let mode = options.multirun ? "MULTIRUN" : "RUN"
        // As in Hydra, the launcher only takes a sweep: a single run is always run here.
        if options.multirun {
            let base = try composer.compose(overrides: jobs.first ?? [], skipMissing: true)
            switch try LauncherKind(base.hydra) {
            case .basic: break
            case .slurm: return try await SlurmLauncher(base: self).launch(jobs)
            }
        }
        // Every job is composed, resolved and checked before any folder exists: a mistake in
        // any job of a sweep stops it with nothing written (as the Slurm launcher does).
        var composed: [(composition: Composition, hydra: ConfigNode, resolved: ConfigNode, run: RunConfig)] = []
        for (number, overrides) in jobs.enumerated() {
            composed.append(try composeJob(number: number, overrides: overrides, mode: mode))
        }
        var sweepDirectory: String?
        var explicitSweepDirectory = false
        var reportWanted = true
        var usedDirectories: Set<String> = []
        if options.multirun {
            let base = try composer.compose(overrides: jobs.first ?? [], skipMissing: true)
            let dir = try resolveHydraString("sweep.dir", base, number: 0, overrides: jobs.first ?? [], mode: mode)
            reportWanted = Self.reportWanted(base.config)
            explicitSweepDirectory = !Self.isDefault("sweep.dir", in: base.hydra)
            sweepDirectory = explicitSweepDirectory ? try RunDirectory.createOrReuse(dir) : try RunDirectory.createUnique(dir)
            if !options.quiet { Output.out("[runner] Launching \(jobs.count) job\(jobs.count == 1 ? "" : "s") locally into \(sweepDirectory!)\n") }
        }
        var worst: Int32 = 0
        var reports: [JobReport] = []
        Interrupt.shared.install()
        for (number, overrides) in jobs.enumerated() {
            if Interrupt.shared.requested { break }
            let (composition, resolvedHydra, resolved, run) = composed[number]
            let subdir = ConfigValueText.text(resolvedHydra.node(at: "sweep.subdir")?.value ?? .int(number))
            let taskOverrides = overrides.filter { !$0.isHydraOverride }.map { Redactor.redact(override: $0.input) }
            if sweepDirectory != nil, !options.quiet {
                Output.out("[runner] \t#\(number) : \(taskOverrides.joined(separator: " "))\n")
            }
            // Hydra uses an explicit folder as given, so a second run replaces the first one's
            // results there; only our default dated folder moves aside (`_1`) when it is taken,
            // and two jobs of one sweep never share a folder.
            let target: String
            let reuse: Bool
            if let sweepDirectory {
                target = sweepDirectory + "/" + subdir
                reuse = explicitSweepDirectory
            } else {
                target = ConfigValueText.text(resolvedHydra.node(at: "run.dir")?.value ?? .string("outputs"))
                reuse = !Self.isDefault("run.dir", in: composition.hydra)
            }
            func makeDirectory() throws(UserError) -> String {
                defer { usedDirectories.insert(target) }
                return reuse && !usedDirectories.contains(target) ? try RunDirectory.createOrReuse(target) : try RunDirectory.createUnique(target)
            }
            let (log, sink) = RunLogHandler.logger(verbose: options.verbose)
            // The model and the task are built before the folder exists: a run that cannot start
            // writes nothing. A sweep keeps the job as a row: its folder holds the record and a
            // results.json that says why.
            let setup: JobExecutor.Setup
            do {
                setup = try JobExecutor.prepare(run, paths: ConfigPathResolver(searchPath: composer.repository.searchPath), log: log, showBatches: !options.quiet && !options.verbose)
            } catch {
                let problem = JobExecutor.userError(error, resolved: resolved)
                Output.error(problem.description)
                var directory = ""
                if sweepDirectory != nil {
                    directory = try makeDirectory()
                    let job = PreparedJob(number: number, overrides: overrides, resolved: resolved, run: run, directory: directory)
                    try RunDirectory.writeRecord(job, composition: composition, hydra: resolvedHydra, commandLine: commandLine,
                                                 startTime: startTime, version: RunnerCommand.version)
                    FailedJobResults.write(problem, run: run, overrides: taskOverrides, directory: directory)
                }
                reports.append(JobReport(number: number, overrides: taskOverrides, directory: directory,
                                         outcome: JobOutcome(failedToStart: problem), exitCode: problem.exitCode))
                worst = max(worst, problem.exitCode)
                continue
            }
            let directory = try makeDirectory()
            let job = PreparedJob(number: number, overrides: overrides, resolved: resolved, run: run, directory: directory)
            try RunDirectory.writeRecord(job, composition: composition, hydra: resolvedHydra, commandLine: commandLine,
                                         startTime: startTime, version: RunnerCommand.version)
            sink.attach(path: directory + "/runner.log")
            let report = await JobExecutor.execute(setup, job: job, options: options, log: log)
            reports.append(report)
            worst = max(worst, report.exitCode)
        }
        if let sweepDirectory, !reports.isEmpty {
            let summary = SweepSummary(reports: reports)
            summary.write(to: sweepDirectory + "/summary.csv")
            if !options.quiet { Output.out(summary.table() + "[runner] summary: \(sweepDirectory)/summary.csv\n") }
            if reportWanted { ReportCommand.afterSweep(sweepDirectory, quiet: options.quiet) }
        }
        return worst
    }

    /// Composes and resolves one job, and checks that it can run: nothing is written yet.
    func composeJob(number: Int, overrides: [Override], mode: String) throws(ConfigError)
        -> (composition: Composition, hydra: ConfigNode, resolved: ConfigNode, run: RunConfig) {
        let composition = try composer.compose(overrides: overrides)
        let hydra = hydraNode(composition.hydra, number: number, overrides: overrides, mode: mode)
        var resolver = Resolver(root: withHydra(composition.config, hydra), hydraNode: hydra, now: { [startTime] in startTime })
        var resolved = try resolver.resolveAll()
        let resolvedHydra = resolved.removeNode(at: "hydra") ?? hydra
        let run = try ConfigDecoder().decode(RunConfig.self, from: resolved)
        try checkReadyToRun(run, resolved: resolved)
        return (composition, resolvedHydra, resolved, run)
    }

    /// `report: false` at the top of the config turns off the sweep's report.html.
    static func reportWanted(_ config: ConfigNode) -> Bool {
        if case .bool(let wanted)? = config.node(at: "report")?.value { return wanted }
        return true
    }

    /// True when the config leaves `hydra.<key>` at our default (the dated folder).
    static func isDefault(_ key: String, in hydra: ConfigNode) -> Bool {
        let path = KeyPath(parsing: key)
        return hydra.node(at: path)?.value == HydraSettings.defaults.node(at: path)?.value
    }

    /// An evaluation needs a model and a task, and every `???` in them filled in.
    func checkReadyToRun(_ run: RunConfig, resolved: ConfigNode) throws(ConfigError) {
        let repository = composer.repository
        for (group, present) in [("model", run.model != nil), ("task", run.task != nil)] where !present {
            let options = repository.options(ofGroup: group)
            // `+modle=local_chat` adds a plain key `modle`: point at it.
            let keys = resolved.mapping?.keys ?? []
            if let typo = keys.first(where: { $0 != group && !repository.groupExists($0) && DidYouMean.closest(to: group, in: [$0]) != nil }) {
                let value = resolved.node(at: KeyPath([typo])).map { PythonFormat.str($0.value) } ?? "OPTION"
                throw ConfigError(.optionRequired, "no \(group) chosen: a run evaluates a model on a task",
                                  keyPath: typo, location: resolved.node(at: KeyPath([typo]))?.location,
                                  hint: "'\(typo)' is a plain key, as there is no config group '\(typo)': did you mean '+\(group)=\(value)'?")
            }
            throw ConfigError(.optionRequired, "no \(group) chosen: a run evaluates a model on a task",
                              keyPath: group,
                              hint: "add +\(group)=<OPTION>" + (options.isEmpty ? "" : "; available: \(options.joined(separator: ", "))")
                                  + "; or print the config with --cfg job")
        }
        if let (path, node) = resolved.firstMissing() {
            throw ConfigError(.missingValue, "missing mandatory value '\(path)'", keyPath: path.description,
                              location: node.location, hint: "set it on the command line: \(path)=VALUE")
        }
        // The task's own section is checked now, before a folder is made or a model built.
        if let task = run.task { try TaskRegistry.default.check(task) }
    }

    func withHydra(_ config: ConfigNode, _ hydra: ConfigNode) -> ConfigNode {
        var whole = config
        whole.setNode(hydra, at: "hydra")
        return whole
    }

    /// Hydra's per-job settings: job number, mode, the overrides and their directory name.
    func hydraNode(_ base: ConfigNode, number: Int, overrides: [Override], mode: String) -> ConfigNode {
        var hydra = base
        hydra.setNode(ConfigNode(.int(number)), at: "job.num")
        hydra.setNode(ConfigNode(.string(mode)), at: "mode")
        let taskOverrides = overrides.filter { !$0.isHydraOverride }
        let dirname = OverrideDirname(settings: base.node(at: "job.config.override_dirname")).name(taskOverrides)
        hydra.setNode(ConfigNode(.string(dirname)), at: "job.override_dirname")
        func list(_ overrides: [Override]) -> ConfigNode {
            ConfigNode(.sequence(overrides.map { ConfigNode(.string(Redactor.redact(override: $0.input))) }))
        }
        hydra.setNode(list(overrides.filter(\.isHydraOverride)), at: "overrides.hydra")
        hydra.setNode(list(taskOverrides), at: "overrides.task")
        return hydra
    }

    func resolveHydraString(_ key: String, _ composition: Composition, number: Int, overrides: [Override], mode: String) throws(ConfigError) -> String {
        let hydra = hydraNode(composition.hydra, number: number, overrides: overrides, mode: mode)
        var resolver = Resolver(root: withHydra(composition.config, hydra), hydraNode: hydra, now: { [startTime] in startTime })
        let value = try resolver.resolvedNode(at: KeyPath(parsing: "hydra." + key))
        return ConfigValueText.text(value.value)
    }
}

/// `hydra.job.override_dirname`: the job's overrides as one folder name, as Hydra builds it
/// (sorted, `kv_sep` between key and value, `item_sep` between overrides, `exclude_keys` left out).
struct OverrideDirname {
    var kvSeparator = "="
    var itemSeparator = ","
    var excludedKeys: Set<String> = []

    init(settings: ConfigNode?) {
        if case .string(let s)? = settings?.node(at: "kv_sep")?.value { kvSeparator = s }
        if case .string(let s)? = settings?.node(at: "item_sep")?.value { itemSeparator = s }
        if case .sequence(let items)? = settings?.node(at: "exclude_keys")?.value {
            excludedKeys = Set(items.map { ConfigValueText.text($0.value) })
        }
    }

    func name(_ overrides: [Override]) -> String {
        overrides.filter { !excludedKeys.contains($0.key) }
            .map { override -> String in
                let text = Redactor.redact(override: override.input)
                guard let equals = text.firstIndex(of: "=") else { return text }
                return text[..<equals] + kvSeparator + text[text.index(after: equals)...]
            }
            .sorted()
            .joined(separator: itemSeparator)
    }
}
