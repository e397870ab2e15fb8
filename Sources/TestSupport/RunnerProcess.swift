import Foundation
import Testing

/// What one run of the `runner` binary printed and returned.
public struct RunnerResult: Sendable {
    public var stdout: String
    public var stderr: String
    public var status: Int32
}

/// Runs the built `runner` binary, as a user would from a shell.
public enum RunnerProcess {
    /// The package's top folder.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let fixtures = packageRoot.appendingPathComponent("Tests/RunnerTests/Fixtures")

    /// The `runner` built next to the test executable.
    public static let executable = BuiltExecutable.url(named: "runner")

    /// - Parameter program: another program to run the same way (an installed copy, a shell).
    public static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], program: URL? = nil) async throws -> RunnerResult {
        let executable = program ?? executable, directory = directory ?? packageRoot
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        return try await offThePool { [env] in
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.currentDirectoryURL = directory
            process.environment = env
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            // Read stderr on its own thread while stdout is read here, so a child that fills
            // either pipe never blocks.
            let stderrData = ReadInBackground(err.fileHandleForReading)
            let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return RunnerResult(stdout: String(decoding: stdoutData, as: UTF8.self),
                                stderr: String(decoding: stderrData.wait(), as: UTF8.self),
                                status: process.terminationStatus)
        }
    }
}

/// Checks the shape every user error must have: one `error:` line naming the problem, a
/// `hint:` line, the exit code (2 for a mistake in what was asked, 1 for a failure while
/// running), and nothing that looks like a crash.
public func expectUserError(_ result: RunnerResult, contains fragments: [String] = [], status: Int32 = 2,
                            sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == status, "exit code \(result.status), stderr: \(result.stderr)", sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let errorLines = lines.filter { $0.hasPrefix("error: ") || $0.contains(": error: ") }
    #expect(errorLines.count == 1, "expected one error line in: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(lines.contains { $0.hasPrefix("hint: ") }, "expected a hint in: \(result.stderr)", sourceLocation: sourceLocation)
    for crash in ["Fatal error", "Stack dump", "Traceback", "SIGSEGV", "Illegal instruction"] {
        #expect(!result.stderr.contains(crash), "crash text in: \(result.stderr)", sourceLocation: sourceLocation)
    }
    for fragment in fragments {
        #expect(result.stderr.contains(fragment), "'\(fragment)' not in: \(result.stderr)", sourceLocation: sourceLocation)
    }
}
