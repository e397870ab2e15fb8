#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Entry point: everything lives in RunnerCommand; this file only turns its result into an exit code.
exit(await RunnerCommand.main(Array(CommandLine.arguments.dropFirst())))
