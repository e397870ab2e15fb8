#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

// Entry point. Everything but a run (help, version, --cfg, --info, and every error found while
// composing) is answered on this thread, before Swift's concurrency runtime starts a thread.
let arguments = Array(CommandLine.arguments.dropFirst())
// `runner cache ...` reads or copies a response cache; it composes no config.
if arguments.first == "cache" { exit(CacheCommand.run(Array(arguments.dropFirst()))) }
// `runner lm-eval list [PATTERN]` lists lm-eval's task, group and tag names.
if arguments.first == "lm-eval" { exit(LMEvalCommand.run(Array(arguments.dropFirst()))) }
// `runner report PATH` writes report.html for a run or a sweep folder.
if arguments.first == "report" { exit(ReportCommand.run(Array(arguments.dropFirst()))) }
// `runner batches [cancel] OVERRIDES...` lists or cancels a run's batches in flight.
if arguments.first == "batches" {
    let rest = Array(arguments.dropFirst())
    Task.detached { exit(await BatchesCommand.run(rest)) }
    dispatchMain()
}
switch RunnerCommand.prepare(arguments) {
case .exit(let code):
    exit(code)
case .launch(let launcher, let jobs):
    Task.detached {
        exit(await RunnerCommand.launch(launcher, jobs))
    }
    dispatchMain()
case .run(let work):
    Task.detached {
        exit(await work())
    }
    dispatchMain()
}
