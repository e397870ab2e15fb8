#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a command-line tool (`sbatch`, `squeue`, `scancel`) to its end and keeps what it printed.
///
/// posix_spawnp and poll rather than Foundation's Process: Process waits for every descriptor the
/// child handed on to close, so a tool that leaves a daemon behind would hang the launcher.
struct Subprocess {
    var status: Int32
    var output: String
    var errors: String

    var succeeded: Bool { status == 0 }

    /// Starts `executable` (looked up in `PATH`) with `arguments` and waits for it.
    ///
    /// - Returns: nil when the tool cannot be started (not installed), with the reason in `problem`.
    static func run(_ executable: String, _ arguments: [String], problem: inout String) -> Subprocess? {
        var outputPipe: [Int32] = [0, 0]
        var errorPipe: [Int32] = [0, 0]
        guard pipe(&outputPipe) == 0 else { problem = "pipe: \(String(cString: strerror(errno)))"; return nil }
        guard pipe(&errorPipe) == 0 else {
            close(outputPipe[0]); close(outputPipe[1])
            problem = "pipe: \(String(cString: strerror(errno)))"
            return nil
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        for descriptor in outputPipe + errorPipe { posix_spawn_file_actions_addclose(&actions, descriptor) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, executable, &actions, nil, argv, environ)
        close(outputPipe[1])
        close(errorPipe[1])
        guard spawned == 0 else {
            close(outputPipe[0]); close(errorPipe[0])
            problem = String(cString: strerror(spawned))
            return nil
        }
        var collected: [[UInt8]] = [[], []]
        var open = [outputPipe[0], errorPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 16384)
        while open.contains(where: { $0 >= 0 }) {
            var descriptors = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in open.indices where open[index] >= 0 && descriptors[index].revents != 0 {
                let n = read(open[index], &buffer, buffer.count)
                if n > 0 {
                    collected[index].append(contentsOf: buffer[0..<n])
                } else if n == 0 || errno != EINTR {
                    close(open[index])
                    open[index] = -1
                }
            }
        }
        for descriptor in open where descriptor >= 0 { close(descriptor) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return Subprocess(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
                          output: String(decoding: collected[0], as: UTF8.self),
                          errors: String(decoding: collected[1], as: UTF8.self))
    }
}
