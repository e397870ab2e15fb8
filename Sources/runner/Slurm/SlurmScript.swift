/// The sbatch script of a sweep: one array task per job, each running `runner --run-job` on the
/// job folder whose config was written before submission, then leaving an exit record.
///
/// The script is kept in the Slurm folder, so the user can read it and resubmit it by hand
/// (`sbatch array.sh`, or `sbatch --array=3 array.sh` for one job).
struct SlurmScript {
    var settings: SlurmSettings
    /// Absolute paths.
    var folder: String
    var workingDirectory: String
    var runner: String
    /// Extra runner flags for every task (`--config-path DIR`).
    var runnerArguments: [String]
    var taskCount: Int
    var version: String

    var jobListPath: String { folder + "/jobs.txt" }
    var logPattern: String { folder + "/logs/%A_%a" }
    static func exitRecordPath(folder: String, task: Int) -> String { folder + "/exit/\(task).json" }
    static func logPath(folder: String, jobID: String, task: Int, errors: Bool) -> String {
        folder + "/logs/\(jobID)_\(task)" + (errors ? ".err" : ".out")
    }

    var text: String {
        var lines = ["#!/bin/bash",
                     "# Written by runner \(version): one array task per job of the sweep.",
                     "# Resubmit by hand with: sbatch \(quote(folder + "/array.sh")) (or --array=N for one job)"]
        typealias Option = SlurmSettings.Option
        var options = [Option(name: "array", value: "0-\(taskCount - 1)%\(settings.arrayParallelism)")]
        options += settings.sbatchOptions
        options.append(Option(name: "output", value: logPattern + ".out"))
        if !settings.stderrToStdout { options.append(Option(name: "error", value: logPattern + ".err")) }
        // Appended, so a requeued task's log keeps the earlier attempt; requeueable, so a
        // preempted task runs again and resumes from the cache.
        options += [Option(name: "open-mode", value: "append"), Option(name: "requeue", value: ""), Option(name: "chdir", value: workingDirectory)]
        if settings.signalDelaySeconds > 0 { options.append(Option(name: "signal", value: "B:USR2@\(settings.signalDelaySeconds)")) }
        for option in options {
            lines.append("#SBATCH --" + option.name + (option.value.isEmpty ? "" : "=" + option.value))
        }
        lines.append("")
        if !settings.setup.isEmpty {
            lines.append("# hydra.launcher.setup")
            lines.append(contentsOf: settings.setup)
            lines.append("")
        }
        let command = ([runner, "--run-job", "$dir"] + runnerArguments).map { $0 == "$dir" ? "\"$dir\"" : quote($0) }.joined(separator: " ")
        lines.append(contentsOf: [
            "task=\"${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task}\"",
            "dir=\"$(sed -n \"$((task + 1))p\" \(quote(jobListPath)))\"",
            "restarts=\"${SLURM_RESTART_COUNT:-0}\"",
            "record=\(quote(folder + "/exit"))/\"$task.json\"",
            "rm -f \"$record\"",
            "echo \"[runner] array task $task (attempt $((restarts + 1))) on $(hostname): $dir\" >&2",
            "requeued=0",
            "# SIGUSR2 comes signal_delay_s before the time limit: requeue while max_num_timeout allows,",
            "# the runner stops on SIGTERM keeping every answer, and the next attempt resumes from the cache.",
            "on_time_limit() {",
            "    if [ \"$restarts\" -lt \(settings.maxNumTimeout) ]; then",
            "        echo \"[runner] time limit near: requeueing array task $task\" >&2",
            "        requeued=1",
            "        scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${task}\"",
            "    fi",
            "}",
            "trap on_time_limit USR2",
            "trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT",
            command + " &",
            "child=$!",
            "# wait returns early when a trapped signal arrives; go on until the runner has ended.",
            "while kill -0 \"$child\" 2>/dev/null; do wait \"$child\"; done",
            "wait \"$child\"; code=$?",
            "[ \"$requeued\" = 1 ] && exit 0",
            "printf '{\"task\": %d, \"exit_code\": %d, \"attempt\": %d, \"host\": \"%s\"}\\n' \"$task\" \"$code\" \"$((restarts + 1))\" \"$(hostname)\" > \"$record.tmp\"",
            "mv -f \"$record.tmp\" \"$record\"",
            "exit \"$code\"",
        ])
        return lines.joined(separator: "\n") + "\n"
    }

    /// Single quotes for the shell.
    func quote(_ word: String) -> String {
        "'" + word.replacingAll("'", with: "'\\''") + "'"
    }
}
