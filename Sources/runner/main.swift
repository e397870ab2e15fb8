#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

// Entry point. Everything but a run (help, version, --cfg, --info, and every error found while
// composing) is answered on this thread, before Swift's concurrency runtime starts a thread.
switch RunnerCommand.prepare(Array(CommandLine.arguments.dropFirst())) {
case .exit(let code):
    exit(code)
case .launch(let launcher, let jobs):
    Task.detached {
        exit(await RunnerCommand.launch(launcher, jobs))
    }
    dispatchMain()
}
