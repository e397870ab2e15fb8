import Foundation
import Models
import Synchronization

/// The one Python process of a run that runs the task files' `!function` hooks, started on
/// the first hook call (tasks without hooks need no Python), speaking JSON lines over pipes
/// (``LMEvalWorkerProgram``). Several ``LMEvalTask`` values may share one worker; calls from
/// several threads take turns (one request in flight at a time).
///
/// A message that takes longer than `timeout` seconds stops the worker, and every later call
/// reports that; the worker also stops when this object goes away, and exits by itself when
/// the runner dies (its stdin closes, or its parent is gone).
public final class LMEvalPythonWorker: Sendable {
    /// `task.python` as configured (`nil`: `$VIRTUAL_ENV/bin/python`, then `python3`).
    public let python: String?
    /// Seconds one message may take.
    public let timeout: Double
    private let state = Mutex(State())

    private struct State {
        var running: Running?
        /// Set once the worker failed for good (timed out, crashed, cannot start).
        var broken: TaskError?
        var nextID = 1
        /// `probe`'s answer: the Python's version and whether `datasets` and `lm_eval` import.
        var probe: TemplateValue?
    }

    public init(python: String?, timeout: Double = 600) {
        self.python = python
        self.timeout = timeout
    }

    public convenience init(_ settings: LMEvalSettings) {
        self.init(python: settings.python, timeout: settings.hookTimeout)
    }

    deinit { shutdown() }

    /// Stops the worker (idempotent); a later call fails with the reason.
    public func shutdown() {
        state.withLock { state in
            state.running?.stop()
            state.running = nil
            if state.broken == nil { state.broken = TaskError("the Python hook worker was shut down") }
        }
    }

    /// The worker's process id while it runs (tests check that it is gone afterwards).
    public var processID: Int32? { state.withLock { $0.running?.process.processIdentifier } }

    /// What the worker's Python has: `datasets` (a real `Dataset` for `process_docs`), `lm_eval`.
    func has(_ module: String) -> Bool {
        state.withLock { $0.probe?[module].isTruthy ?? false }
    }

    /// Where a call's failure is reported.
    struct Context {
        /// `process_docs`, `doc_to_text`, ...
        var key: String
        /// The task file.
        var taskFile: String
        /// The document id of each item of a batch (`nil`: not about documents).
        var documents: [Int]?
    }

    /// One request; the reply's `ok` value.
    ///
    /// - Throws: ``TaskError``: the hook raised (naming the document, the hook and the last
    ///   frame of the traceback), the function or module is missing, there is no Python, or
    ///   the worker timed out or died.
    func request(_ op: String, hook: LMEvalHook, _ fields: [(String, TemplateValue)], context: Context) throws(TaskError) -> TemplateValue {
        let reply: LMEvalWorkerReply = try state.withLock { state throws(TaskError) in
            if let broken = state.broken { throw broken }
            if state.running == nil {
                do throws(TaskError) {
                    let running = try Running.start(python: python, hook: hook)
                    state.running = running
                    state.probe = try exchange(&state, running, [("op", .string("probe"))], context: context, hook: hook).okValue
                } catch {
                    state.running?.stop()
                    state.running = nil
                    state.broken = error
                    throw error
                }
            }
            let message: [(String, TemplateValue)] = [("op", .string(op)), ("file", .string(hook.yamlFile)), ("hook", .string(hook.function))] + fields
            return try exchange(&state, state.running!, message, context: context, hook: hook)
        }
        switch reply {
        case .ok(let value): return value
        case .error(let failure): throw Self.taskError(failure, hook: hook, context: context, python: python)
        }
    }

    /// Sends one message and reads its reply, stopping the worker on a timeout, a crash or a
    /// reply that breaks the protocol.
    private func exchange(_ state: inout State, _ running: Running, _ fields: [(String, TemplateValue)], context: Context,
                          hook: LMEvalHook) throws(TaskError) -> LMEvalWorkerReply {
        let id = state.nextID
        state.nextID += 1
        let line = JSONText.dump(.object([("id", .int(id))] + fields), indent: nil) + "\n"
        let outcome = running.send(line, timeout: timeout)
        func fail(_ message: String, _ hint: String) -> TaskError {
            running.stop()
            state.running = nil
            let error = TaskError(message, at: context.taskFile, hint: hint)
            state.broken = error
            return error
        }
        switch outcome {
        case .line(let text):
            do {
                return try LMEvalWorkerReply.parse(text, id: id)
            } catch {
                throw fail("the Python hook worker answered \(context.key) with a reply that breaks the protocol: \(error.message)",
                           "the worker writes its replies on its own descriptor; report this with the task file")
            }
        case .timedOut:
            throw fail("\(context.key) (!function \(hook.function)) did not finish within \(timeout) s, so the Python worker was stopped",
                       "a hook that hangs is stopped after task.hook_timeout seconds; raise it (task.hook_timeout=...) if the hook is only slow")
        case .exited(let status):
            let tail = running.stderrTail()
            throw fail("the Python hook worker exited (\(status)) while running \(context.key) (!function \(hook.function))" + (tail.isEmpty ? "" : ":\n" + tail),
                       "its standard error is shown above; check task.python (\(running.executable))")
        }
    }

    static func taskError(_ failure: LMEvalWorkerReply.HookFailure, hook: LMEvalHook, context: Context, python: String?) -> TaskError {
        let module = hook.function.split(separator: ".").dropLast().joined(separator: ".")
        switch failure.kind {
        case .missing:
            return TaskError("\(context.key): !function \(hook.function): \(failure.message)", at: hook.place,
                             hint: "lm-eval imports \(module).py from the folder of the YAML file that names it (\(hook.yamlFile)); "
                                + "to run it with another Python, set task.python=... (now \(python ?? "the default: $VIRTUAL_ENV/bin/python, then python3"))")
        case .raised, .unconvertible:
            var place = context.taskFile
            if let index = failure.index, let ids = context.documents, ids.indices.contains(index) {
                place += " (doc \(ids[index]))"
            } else if let ids = context.documents, ids.count == 1 {
                place += " (doc \(ids[0]))"
            }
            let at = failure.frame.map { " at \($0)" } ?? ""
            let what = failure.kind == .raised ? "raised \(failure.exception)\(at)" : "gave a value that cannot cross to the runner: \(failure.message)"
            let importing = failure.type == "ModuleNotFoundError" || failure.type == "ImportError"
            return TaskError("\(context.key) (!function \(hook.function)) \(what)", at: place,
                             hint: importing ? "the task's Python imports a package \(python.map { "task.python=\($0)" } ?? "the default Python") does not have; set task.python=... to one that has it (e.g. lm-eval's venv)"
                                : failure.kind == .raised ? "the error is in the task's Python code (\(hook.yamlFile) names it)"
                                : "a hook's result crosses as JSON: None, bool, int, float, str, lists (tuples) and dicts")
        }
    }
}

extension LMEvalWorkerReply {
    var okValue: TemplateValue? { if case .ok(let v) = self { return v } else { return nil } }
}

/// A started worker process and its pipes.
private final class Running {
    let process: Process
    let executable: String
    private let input: FileHandle
    private let output: Int32
    private let outputHandle: FileHandle
    private let errors: StderrTail
    private var buffer: [UInt8] = []

    enum Outcome { case line(Substring), timedOut, exited(String) }

    private init(process: Process, executable: String, input: FileHandle, output: FileHandle, errors: StderrTail) {
        self.process = process
        self.executable = executable
        self.input = input
        self.outputHandle = output
        self.output = output.fileDescriptor
        self.errors = errors
    }

    /// The Python to run: `task.python`, else `$VIRTUAL_ENV/bin/python`, else `python3` on the PATH.
    static func executable(_ configured: String?) -> String? {
        let environment = ProcessInfo.processInfo.environment
        func onPath(_ name: String) -> String? {
            if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
            for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            return nil
        }
        if let configured { return onPath(configured) }
        if let venv = environment["VIRTUAL_ENV"], let found = onPath(venv + "/bin/python") { return found }
        return onPath("python3")
    }

    static func start(python: String?, hook: LMEvalHook) throws(TaskError) -> Running {
        guard let path = executable(python) else {
            let what = python.map { "task.python '\($0)' is not an executable file" } ?? "no Python found ($VIRTUAL_ENV/bin/python, python3 on the PATH)"
            throw TaskError("\(what); the task's !function \(hook.function) needs one to run", at: hook.place,
                            hint: "set task.python=/path/to/python (a Python that can import what the task's .py files import, e.g. lm-eval's venv)")
        }
        signal(SIGPIPE, SIG_IGN)  // A dead worker is an error on write, not the end of the runner.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-u", "-c", LMEvalWorkerProgram.source]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let tail = StderrTail()
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }
            tail.append(data)
        }
        do {
            try process.run()
        } catch {
            throw TaskError("cannot start \(path) to run the task's Python hooks: \(error.localizedDescription)", at: hook.place,
                            hint: "set task.python=/path/to/python")
        }
        try? stdin.fileHandleForReading.close()
        try? stdout.fileHandleForWriting.close()
        try? stderr.fileHandleForWriting.close()
        return Running(process: process, executable: path, input: stdin.fileHandleForWriting, output: stdout.fileHandleForReading, errors: tail)
    }

    /// Writes one request line and waits for one reply line.
    func send(_ line: String, timeout: Double) -> Outcome {
        var bytes = Array(line.utf8)
        let fd = input.fileDescriptor
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return .exited(status())
            }
            offset += n
        }
        bytes = []
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let text = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return .line(Substring(text))
            }
            let left = deadline - ContinuousClock.now
            let ms = max(0, Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            if ms == 0 { return .timedOut }
            var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, min(ms, 1000))
            if ready < 0 { if errno == EINTR { continue }; return .exited(status()) }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(output, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return .exited(status()) }
            if n == 0 { return .exited(status()) }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// How the process ended, once it has.
    private func status() -> String {
        try? input.close()
        for _ in 0..<50 where process.isRunning { usleep(10_000) }
        guard !process.isRunning else { return "its output closed" }
        return process.terminationReason == .uncaughtSignal ? "killed by signal \(process.terminationStatus)" : "exit status \(process.terminationStatus)"
    }

    func stderrTail() -> String { errors.text() }

    /// Kills the process (it may be stuck in a hook) and reaps it.
    func stop() {
        try? input.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? outputHandle.close()
    }
}

/// The worker's standard error, passed on to the runner's and its last lines kept for errors.
private final class StderrTail: Sendable {
    private let lines = Mutex<[String]>([])
    private let partial = Mutex<[UInt8]>([])

    func append(_ data: Data) {
        FileHandle.standardError.write(data)
        partial.withLock { bytes in
            bytes += data
            while let newline = bytes.firstIndex(of: 0x0A) {
                let line = String(decoding: bytes[..<newline], as: UTF8.self)
                bytes.removeSubrange(...newline)
                lines.withLock { $0.append(line); if $0.count > 12 { $0.removeFirst($0.count - 12) } }
            }
        }
    }

    func text() -> String {
        usleep(50_000)  // Let the reader thread catch the last lines.
        return lines.withLock { $0.joined(separator: "\n") }
    }
}
