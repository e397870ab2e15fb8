import Foundation
import Models

/// Follows a submitted job array to its end: `squeue` tells which tasks are queued or running,
/// each task's own exit record which ended and how. No `sacct`: many clusters (and a plain
/// single-node Slurm) run no accounting database, and it can report a failed task as COMPLETED.
struct SlurmArrayMonitor {
    enum TaskState: Equatable {
        case pending
        case running
        case finished(exitCode: Int32)
        /// Gone from the queue without an exit record: killed before the script could write it
        /// (time limit without requeue, out of memory, node failure, scancel).
        case lost
    }

    /// Counts for the progress line.
    struct Counts: Equatable, CustomStringConvertible {
        var pending = 0, running = 0, done = 0, failed = 0
        var finished: Bool { pending == 0 && running == 0 }
        var description: String { "\(pending) pending, \(running) running, \(done) done, \(failed) failed" }
    }

    let submission: SlurmSubmission
    /// Tasks absent from squeue without a record at the last look; lost when still so at the next.
    private var absent: Set<Int> = []

    init(submission: SlurmSubmission) {
        self.submission = submission
    }

    static func counts(_ states: [Int: TaskState]) -> Counts {
        var counts = Counts()
        for state in states.values {
            switch state {
            case .pending: counts.pending += 1
            case .running: counts.running += 1
            case .finished(let code) where code == 0: counts.done += 1
            case .finished, .lost: counts.failed += 1
            }
        }
        return counts
    }

    /// One look at the queue and the records.
    ///
    /// - Returns: every task's state, and a warning when `squeue` could not be asked (then the
    ///   tasks without a record count as running).
    mutating func poll() -> (states: [Int: TaskState], warning: String?) {
        var problem = ""
        let queue = Subprocess.run("squeue", ["--noheader", "--array", "--jobs=\(submission.jobID)", "--format=%i|%T"], problem: &problem)
        var queued: [Int: TaskState] = [:]
        var warning: String?
        if let queue, queue.succeeded {
            queued = Self.parseQueue(queue.output, jobID: submission.jobID)
        } else if let queue, queue.errors.contains("Invalid job id") {
            // The controller forgot the array (MinJobAge): every task has ended.
        } else {
            warning = "cannot ask squeue about job \(submission.jobID): " + (queue.map { $0.errors.trimmingCharacters(in: .whitespacesAndNewlines) } ?? problem)
        }
        var states: [Int: TaskState] = [:]
        var nowAbsent: Set<Int> = []
        for task in submission.tasks.map(\.task) {
            if let state = queued[task] {
                states[task] = state
            } else if let code = Self.exitCode(folder: submission.slurmFolder, task: task) {
                states[task] = .finished(exitCode: code)
            } else if warning != nil {
                states[task] = .running
            } else {
                // A task between its last squeue line and its record, or one that was killed.
                states[task] = absent.contains(task) ? .lost : .running
                nowAbsent.insert(task)
            }
        }
        absent = nowAbsent
        return (states, warning)
    }

    /// `12_3|RUNNING` lines; a pending range may still show as `12_[4-7%2]|PENDING`.
    static func parseQueue(_ text: String, jobID: String) -> [Int: TaskState] {
        var states: [Int: TaskState] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].hasPrefix(jobID + "_") else { continue }
            let state: TaskState
            switch parts[1] {
            case "RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT", "RESIZING": state = .running
            default: state = .pending  // PENDING, CONFIGURING, REQUEUED, REQUEUE_HOLD, ...
            }
            for task in taskIndices(String(parts[0].dropFirst(jobID.count + 1))) { states[task] = state }
        }
        return states
    }

    /// `3`, or `[4-7%2]` / `[1,3,5-6]`.
    static func taskIndices(_ text: String) -> [Int] {
        if let single = Int(text) { return [single] }
        guard text.hasPrefix("["), text.hasSuffix("]") else { return [] }
        let body = text.dropFirst().dropLast().split(separator: "%").first ?? ""
        var indices: [Int] = []
        for part in body.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            if bounds.count == 1 { indices.append(bounds[0]) }
            if bounds.count == 2, bounds[0] <= bounds[1], bounds[1] - bounds[0] < 1_000_000 { indices += Array(bounds[0]...bounds[1]) }
        }
        return indices
    }

    /// The exit code the task's script recorded, if it has ended.
    static func exitCode(folder: String, task: Int) -> Int32? {
        let path = SlurmScript.exitRecordPath(folder: folder, task: task)
        guard let data = FileManager.default.contents(atPath: path), let record = try? JSONValue.parse(data),
              let code = record["exit_code"]?.intValue, let code32 = Int32(exactly: code) else { return nil }
        return code32
    }

    /// Polls until every task has ended, printing a progress line whenever the counts change.
    ///
    /// - Returns: the final states, or nil when interrupted (the array keeps running).
    mutating func waitForEnd(quiet: Bool) async -> [Int: TaskState]? {
        var last: Counts?
        var warned = false
        while true {
            let (states, warning) = poll()
            if let warning, !warned {
                Output.error("warning: \(warning); still waiting")
                warned = true
            }
            let counts = Self.counts(states)
            if counts != last, !quiet {
                Output.out("[runner] slurm job \(submission.jobID): \(counts)\n")
                last = counts
            }
            if counts.finished, warning == nil { return states }
            if Interrupt.shared.requested { return nil }
            try? await Task.sleep(for: .milliseconds(Int(submission.pollInterval * 1000)))
            if Interrupt.shared.requested { return nil }
        }
    }
}
