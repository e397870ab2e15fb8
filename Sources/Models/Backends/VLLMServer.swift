#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A `vllm serve` process the runner started, on a free loopback port: its output goes to the
/// run's log, and it is stopped with SIGTERM, then SIGKILL after 10 s, with every process it
/// started (it runs in a process group of its own).
public final class VLLMServer: Sendable {
    public let port: Int
    public let pid: pid_t
    /// The watchdog that stops the server's group if the runner dies without stopping it
    /// (SIGKILL, a crash): it waits on a pipe only this process holds open.
    private let watchdog: ParentDeathWatchdog?
    /// The command without the port: the same command reuses the server.
    let key: [String]
    private let state: Mutex<State>

    private struct State {
        var log: (@Sendable (String) -> Void)?
        var tail: [String] = []
        var stopped = false
    }

    /// How many lines of the server's output an error shows.
    static let tailLines = 30

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Starts `arguments` (the executable first, looked up in PATH) and waits until
    /// `GET /health` answers 200.
    ///
    /// - Throws: ``ModelError`` `.environment` when the executable cannot be started, exits
    ///   before it is ready (with the end of its output), or is not ready within `timeout`.
    init(arguments: [String], key: [String], port: Int, timeout: Duration, log: (@Sendable (String) -> Void)?) throws {
        self.key = key
        self.port = port
        self.state = Mutex(State(log: log))
        var output: [Int32] = [0, 0]
        guard pipe(&output) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ModelError(.environment, "cannot start vllm: pipe: \(reason)", cause: reason)
        }
        // The read end stays in this process only: a watchdog or any other child spawned later
        // must not hold it, or the server's output never ends when this process dies.
        _ = fcntl(output[0], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, output[1], 2)
        posix_spawn_file_actions_addclose(&actions, output[0])
        posix_spawn_file_actions_addclose(&actions, output[1])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so stopping it stops the workers it forks as well.
        ownGroupWithDefaultSignals(&attributes)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawnp(&child, arguments[0], &actions, &attributes, argv, environ)
        close(output[1])
        guard spawned == 0 else {
            close(output[0])
            let reason = String(cString: strerror(spawned))
            throw ModelError(.environment, "cannot start '\(arguments[0])': \(reason)",
                             hint: "install vLLM (pip install vllm) or set model.params.executable to the vllm command",
                             keyPath: "model.params.executable", cause: reason)
        }
        pid = child
        watchdog = ParentDeathWatchdog(processGroup: child)
        startReading(output[0])
        try waitUntilHealthy(timeout: timeout, command: arguments.joined(separator: " "))
    }

    /// Where the server's output goes from now on (the next job's log, when a sweep reuses it).
    func setLog(_ log: (@Sendable (String) -> Void)?) { state.withLock { $0.log = log } }

    var outputTail: String { state.withLock { $0.tail.joined(separator: "\n") } }

    private func startReading(_ descriptor: Int32) {
        let thread = Thread { [self] in
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 8192)
            while true {
                let n = read(descriptor, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                pending += buffer[0..<n]
                while let newline = pending.firstIndex(of: 10) {
                    self.take(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { self.take(String(decoding: pending, as: UTF8.self)) }
            close(descriptor)
        }
        thread.start()
    }

    private func take(_ line: String) {
        let log = state.withLock { state -> (@Sendable (String) -> Void)? in
            state.tail.append(line)
            if state.tail.count > Self.tailLines { state.tail.removeFirst(state.tail.count - Self.tailLines) }
            return state.log
        }
        log?("vllm: " + line)
    }

    /// The exit status when the process has ended (reaping it), else nil.
    private func exitStatus() -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        // ECHILD: someone else reaped it (or it is gone); either way it has ended.
        if result < 0 && errno == ECHILD { return kill(pid, 0) == 0 ? nil : 1 }
        guard result == pid else { return nil }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    private func waitUntilHealthy(timeout: Duration, command: String) throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if let status = exitStatus() {
                state.withLock { $0.stopped = true }
                // The reader may still be taking the last lines.
                Thread.sleep(forTimeInterval: 0.1)
                throw ModelError(.environment, "vllm serve exited with status \(status) before it was ready (\(command))"
                                 + (outputTail.isEmpty ? "" : "; its last lines:\n" + outputTail),
                                 hint: "see the lines above (out of memory? an unknown model or flag in model.params.extra_args?)")
            }
            if Self.healthAnswers(port: port) { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        stop()
        throw ModelError(.environment, "vllm serve was not ready within \(timeout) (\(command))"
                         + (outputTail.isEmpty ? "" : "; its last lines:\n" + outputTail),
                         hint: "a large model takes minutes to load: raise model.params.startup_timeout (seconds)", keyPath: "model.params.startup_timeout")
    }

    /// `GET /health` on loopback, with a plain socket: true for a 200 answer.
    static func healthAnswers(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = LoopbackPort.address(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return false }
        let request = Array("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, buffer.count)
        guard n > 12 else { return false }
        let statusLine = String(decoding: buffer[0..<n], as: UTF8.self)
        return statusLine.hasPrefix("HTTP/1.") && statusLine.dropFirst(9).hasPrefix("200")
    }

    /// SIGTERM to its process group, SIGKILL after 10 s; waits for it. Safe to call twice.
    public func stop() {
        let alreadyStopped = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return state.stopped
        }
        guard !alreadyStopped else { return }
        defer { watchdog?.dismiss() }
        kill(-pid, SIGTERM)
        for _ in 0..<200 {
            if exitStatus() != nil { kill(-pid, SIGKILL); return }
            usleep(50_000)
        }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

/// A small shell process that stops a process group when this process dies: it reads a pipe
/// whose only writer is this process (close-on-exec, so no child inherits it), and the kernel
/// closes that end however this process ends, SIGKILL included. Then it sends the group SIGTERM,
/// and SIGKILL 10 s later if anything is left. PR_SET_PDEATHSIG cannot do this from Swift: it
/// must be set between fork and exec, and it fires when the spawning *thread* ends.
final class ParentDeathWatchdog: Sendable {
    private let writeEnd: Int32
    private let pid: pid_t

    init?(processGroup: pid_t) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        // Only this process may hold the write end: no child it spawns later inherits it.
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own: the terminal's Ctrl-C reaches the runner, which stops the server itself.
        ownGroupWithDefaultSignals(&attributes)
        // `read` returns at end of file; a group already gone ends it at once. `kill -TERM -PGID`
        // without `--`: Debian's /bin/sh (dash) reads `--` as the pid and signals nothing.
        let script = "read line; kill -TERM -$1 2>/dev/null || exit 0; sleep 10; kill -KILL -$1 2>/dev/null; exit 0"
        let arguments = ["/bin/sh", "-c", script, "runner-vllm-watchdog", String(processGroup)]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, environ)
        close(ends[0])
        guard spawned == 0 else { close(ends[1]); return nil }
        writeEnd = ends[1]
        pid = child
    }

    /// The server was stopped: the watchdog ends (and is reaped) at once.
    func dismiss() {
        close(writeEnd)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

/// The one vLLM server of this process: reused while jobs ask for the same command (a sweep over
/// sampling settings, tasks or seeds), replaced when the command changes (another checkpoint),
/// and stopped when the process exits, is interrupted, or fails.
public enum VLLMServers {
    private static let current = Mutex<VLLMServer?>(nil)
    private static let exitHookInstalled = Mutex(false)

    /// The server for `command` (without `--port`), started when needed.
    static func acquire(command: [String], timeout: Duration, log: (@Sendable (String) -> Void)?) throws -> VLLMServer {
        if let running = current.withLock({ $0 }), running.key == command {
            running.setLog(log)
            log?("reusing vllm serve on port \(running.port) (pid \(running.pid))")
            return running
        }
        stopAll()
        installExitHook()
        let port = try LoopbackPort.free()
        log?("starting: \(command.joined(separator: " ")) --port \(port)")
        let server = try VLLMServer(arguments: command + ["--port", String(port)], key: command, port: port, timeout: timeout, log: log)
        current.withLock { $0 = server }
        return server
    }

    /// Stops the server, if one runs (at exit, on a second Ctrl-C, before starting another).
    public static func stopAll() {
        let server = current.withLock { server -> VLLMServer? in
            defer { server = nil }
            return server
        }
        server?.stop()
    }

    private static func installExitHook() {
        let install = exitHookInstalled.withLock { installed -> Bool in
            defer { installed = true }
            return !installed
        }
        if install { atexit { VLLMServers.stopAll() } }
    }
}

/// A child in a process group of its own, with default signal handling and an empty mask: the
/// runner ignores SIGINT and SIGTERM (it handles them itself), and a child would inherit that
/// and ignore the SIGTERM that stops it.
private func ownGroupWithDefaultSignals(_ attributes: inout posix_spawnattr_t) {
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    posix_spawnattr_setpgroup(&attributes, 0)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
}
