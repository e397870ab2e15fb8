import Config
import Foundation

/// Waits for a submitted array and gathers it as a local sweep ends: one report per job from
/// its `results.json`, a failed task named with its exit code and the end of its log, and
/// `summary.csv` in the sweep folder. Used when the launcher waits and by `runner --collect`.
enum SlurmCollector {
    /// How many lines of a failed task's log are shown.
    static let logTailLines = 15

    /// - Returns: the worst exit code of the tasks; 130 when interrupted while waiting.
    static func collect(_ submission: SlurmSubmission, quiet: Bool) async -> Int32 {
        var monitor = SlurmArrayMonitor(submission: submission)
        guard let states = await monitor.waitForEnd(quiet: quiet) else {
            Output.error("[runner] stopped waiting; Slurm array \(submission.jobID) keeps running. "
                         + "Gather it later with: runner --collect \(submission.sweepDirectory) (or cancel it: scancel \(submission.jobID))")
            return 130
        }
        var reports: [JobReport] = []
        var worst: Int32 = 0
        for task in submission.tasks {
            let state = states[task.task] ?? .lost
            var exitCode: Int32
            switch state {
            case .finished(let code): exitCode = code
            default: exitCode = 1
            }
            let outcome = JobOutcome(resultsFile: task.directory + "/results.json")
            if exitCode != 0 {
                Output.error(failure(task, state: state, submission: submission).description)
            } else if outcome == nil {
                // Exit 0 but nothing written: count it as failed, never as a silent success.
                exitCode = Output.fail(UserError(.runtime, "job #\(task.job) (array task \(submission.jobID)_\(task.task)) ended without writing \(task.directory)/results.json"))
            }
            worst = max(worst, exitCode)
            reports.append(JobReport(number: task.job, overrides: task.overrides, directory: task.directory, outcome: outcome, exitCode: exitCode))
        }
        let summary = SweepSummary(reports: reports)
        summary.write(to: submission.sweepDirectory + "/summary.csv")
        if !quiet { Output.out(summary.table() + "[runner] summary: \(submission.sweepDirectory)/summary.csv\n") }
        if submission.report ?? true { ReportCommand.afterSweep(submission.sweepDirectory, quiet: quiet) }
        return worst
    }

    /// Why a job of the array failed, with the last lines of its log as the snippet.
    static func failure(_ task: SlurmSubmission.Task, state: SlurmArrayMonitor.TaskState, submission: SlurmSubmission) -> UserError {
        let name = "job #\(task.job) (array task \(submission.jobID)_\(task.task))"
        let message: String
        switch state {
        case .finished(let code): message = "\(name) failed with exit code \(code)"
        default: message = "\(name) ended without an exit record: Slurm stopped it (time limit, memory, node failure or scancel)"
        }
        var snippet: String?
        let errors = SlurmScript.logPath(folder: submission.slurmFolder, jobID: submission.jobID, task: task.task, errors: true)
        let output = SlurmScript.logPath(folder: submission.slurmFolder, jobID: submission.jobID, task: task.task, errors: false)
        for path in submission.stderrToStdout ? [output] : [errors, output] {
            guard let log = try? String(contentsOfFile: path, encoding: .utf8), !log.isEmpty else { continue }
            let tail = log.split(separator: "\n", omittingEmptySubsequences: false).suffix(logTailLines + 1)
            snippet = "last lines of \(path):\n" + tail.map { "  | " + $0 }.joined(separator: "\n")
            break
        }
        return UserError(.runtime, message, hint: "the job's folder is \(task.directory); run it again by hand with: runner --run-job \(task.directory)",
                         snippet: snippet)
    }

    /// `runner --collect SWEEP_DIR`.
    static func collect(directory: String, quiet: Bool) async -> Int32 {
        let submission: SlurmSubmission
        do {
            submission = try SlurmSubmission.read(from: directory)
        } catch {
            let problem = FileManager.default.fileExists(atPath: directory + "/" + SlurmSubmission.fileName)
                ? "cannot read \(directory)/\(SlurmSubmission.fileName): \(error)"
                : "\(directory) holds no \(SlurmSubmission.fileName): it is not a sweep submitted to Slurm"
            return Output.fail(UserError(.usage, problem, hint: "--collect takes the sweep folder that 'runner -m hydra/launcher=slurm ...' printed"))
        }
        Interrupt.shared.install()
        return await collect(submission, quiet: quiet)
    }
}
