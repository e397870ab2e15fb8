#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Config
import Foundation

/// `hydra/launcher=slurm`: a sweep as one Slurm job array.
///
/// Every job is composed, resolved and checked first, so a bad job submits nothing; then each
/// job folder gets its `.hydra` record, the job list and the script go into the Slurm folder,
/// and one `sbatch` submits the array. An array task runs `runner --run-job` on its folder:
/// it reads the config written here and never composes again from a tree that may have changed.
struct SlurmLauncher {
    let base: JobLauncher

    func launch(_ jobs: [[Override]]) async throws -> Int32 {
        let clock = ContinuousClock()
        let began = clock.now
        let mode = "MULTIRUN"
        guard !jobs.isEmpty else { return 0 }
        let first = try base.composer.compose(overrides: jobs[0], skipMissing: true)
        let wantedDirectory = try base.resolveHydraString("sweep.dir", first, number: 0, overrides: jobs[0], mode: mode)
        let explicitDirectory = !JobLauncher.isDefault("sweep.dir", in: first.hydra)

        var prepared: [(number: Int, overrides: [Override], composition: Composition, hydra: ConfigNode, resolved: ConfigNode, run: RunConfig)] = []
        for (number, overrides) in jobs.enumerated() {
            let job = try base.composeJob(number: number, overrides: overrides, mode: mode)
            if let path = Redactor.firstSecretPath(in: job.composition.config) {
                throw ConfigError(.invalidValue, "job #\(number) holds a secret at '\(path)': an array task reads its config from .hydra/config.yaml, where secrets are masked",
                                  keyPath: path.description, location: job.composition.config.node(at: path)?.location,
                                  hint: "pass it through the environment, which sbatch hands on to the tasks: \(path)='${oc.env:VARIABLE}'")
            }
            prepared.append((number, overrides, job.composition, job.hydra, job.resolved, job.run))
        }
        guard let launcherNode = prepared[0].hydra.node(at: "launcher") else {
            throw ConfigError(.keyNotFound, "no hydra.launcher settings", keyPath: "hydra.launcher", hint: "choose hydra/launcher=slurm")
        }
        var settings = try SlurmSettings(launcherNode)
        for job in prepared.dropFirst() {
            guard try SlurmSettings(job.hydra.node(at: "launcher") ?? launcherNode) != settings else { continue }
            throw ConfigError(.sweep, "job #\(job.number) has other hydra.launcher settings than job #0: one array has one set",
                              keyPath: "hydra.launcher", hint: "sweep over the launcher's settings in separate sweeps")
        }

        let sweepDirectory = explicitDirectory ? try RunDirectory.createOrReuse(wantedDirectory) : try RunDirectory.createUnique(wantedDirectory)
        // `${hydra.sweep.dir}/.slurm` was resolved before the dated folder moved aside (`_1`).
        if sweepDirectory != wantedDirectory, settings.folder.hasPrefix(wantedDirectory + "/") {
            settings.folder = sweepDirectory + settings.folder.dropFirst(wantedDirectory.count)
        }
        let cwd = FileSystem.currentDirectory()
        let absolute: (String) -> String = { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 }
        let folder = absolute(settings.folder)
        for sub in ["", "/logs", "/exit"] { _ = try RunDirectory.createOrReuse(folder + sub) }

        var tasks: [SlurmSubmission.Task] = []
        for (index, job) in prepared.enumerated() {
            let subdir = ConfigValueText.text(job.hydra.node(at: "sweep.subdir")?.value ?? .int(job.number))
            let directory = try explicitDirectory ? RunDirectory.createOrReuse(sweepDirectory + "/" + subdir)
                                                  : RunDirectory.createUnique(sweepDirectory + "/" + subdir)
            guard !directory.contains("\n") else {
                throw ConfigError(.invalidValue, "job #\(job.number)'s folder name holds a line break", keyPath: "hydra.sweep.subdir",
                                  hint: "choose hydra.sweep.subdir without line breaks")
            }
            let record = PreparedJob(number: job.number, overrides: job.overrides, resolved: job.resolved, run: job.run, directory: directory)
            try RunDirectory.writeRecord(record, composition: job.composition, hydra: job.hydra, commandLine: base.commandLine,
                                         startTime: base.startTime, version: RunnerCommand.version)
            // A job folder reused by a second submission starts without the first one's results.
            unlink(directory + "/results.json")
            unlink(SlurmScript.exitRecordPath(folder: folder, task: index))
            tasks.append(SlurmSubmission.Task(task: index, job: job.number, directory: absolute(directory), overrides: record.taskOverrides))
        }
        var runnerArguments: [String] = []
        if let path = base.options.configPath { runnerArguments += ["--config-path", absolute(path)] }
        if base.options.verbose { runnerArguments.append("--verbose") }
        let script = SlurmScript(settings: settings, folder: folder, workingDirectory: cwd, runner: Self.executablePath(),
                                 runnerArguments: runnerArguments, taskCount: tasks.count, version: RunnerCommand.version)
        try RunDirectory.write(tasks.map(\.directory).joined(separator: "\n") + "\n", to: script.jobListPath)
        let scriptPath = folder + "/array.sh"
        try RunDirectory.write(script.text, to: scriptPath)
        chmod(scriptPath, 0o755)

        let jobID = try Self.submit(scriptPath)
        let submission = SlurmSubmission(jobID: jobID, slurmFolder: folder, sweepDirectory: absolute(sweepDirectory),
                                         submitted: Resolver.strftime("%Y-%m-%dT%H:%M:%S%z", time: time(nil)),
                                         pollInterval: settings.pollInterval, stderrToStdout: settings.stderrToStdout,
                                         report: JobLauncher.reportWanted(first.config), tasks: tasks)
        do {
            try submission.write(to: sweepDirectory)
        } catch {
            Output.error("warning: cannot write \(sweepDirectory)/\(SlurmSubmission.fileName): \(error); the array \(jobID) runs anyway")
        }
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        Output.out("[runner] Submitted \(tasks.count) job\(tasks.count == 1 ? "" : "s") as Slurm array \(jobID) in "
                   + String(format: "%.2f s (%.1f ms a job)", seconds, seconds * 1000 / Double(tasks.count))
                   + " into \(sweepDirectory)\n[runner] job script: \(scriptPath)\n")
        for task in tasks where !base.options.quiet {
            Output.out("[runner] \t#\(task.job) : \(task.overrides.joined(separator: " "))\n")
        }
        guard settings.wait else {
            Output.out("[runner] not waiting (hydra.launcher.wait=false). Follow it with: squeue --jobs=\(jobID)\n"
                       + "[runner] gather the results with: runner --collect \(sweepDirectory)\n")
            return 0
        }
        Interrupt.shared.install()
        return await SlurmCollector.collect(submission, quiet: base.options.quiet)
    }

    /// `sbatch --parsable SCRIPT`: the job id, or one clear error.
    static func submit(_ scriptPath: String) throws(UserError) -> String {
        var problem = ""
        guard let result = Subprocess.run("sbatch", ["--parsable", scriptPath], problem: &problem) else {
            throw UserError(.runtime, "cannot run sbatch: \(problem)",
                              hint: "hydra/launcher=slurm needs Slurm's sbatch on PATH (Debian: apt-get install slurm-client); the job script is kept in \(scriptPath)")
        }
        let output = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        // `--parsable` prints `id` or `id;cluster`.
        let jobID = String(output.split(separator: ";").first ?? "")
        guard result.succeeded, !jobID.isEmpty, jobID.allSatisfy({ $0.isNumber }) else {
            let message = result.errors.trimmingCharacters(in: .whitespacesAndNewlines)
            throw UserError(.runtime, "sbatch refused the sweep: \(message.isEmpty ? output : message)",
                              hint: "check hydra.launcher (partition, account, qos, time) against 'sinfo'; the job script is \(scriptPath)")
        }
        return jobID
    }

    /// This runner's own binary, so every task runs the version that composed the sweep.
    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }
}
