import Foundation

/// Runs another tool (chromium, Slurm's commands) to its end: its exit status and standard
/// output; standard error is dropped.
public enum ToolProcess {
    public static func run(_ executable: URL, _ arguments: [String]) async throws -> (status: Int32, output: Data) {
        try await offThePool {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, data)
        }
    }
}
