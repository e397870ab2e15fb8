import FakeLLMServer
import Foundation
import Testing

/// The sweep scripts under `experiments/` run as a user would run them, against the fake
/// server, and leave one folder per job and a summary.
@Suite("experiment scripts")
struct ExperimentScriptsTests {
    func runScript(_ name: String, sweepDirectory: URL, server: FakeLLMServer) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [RunnerProcess.packageRoot.appendingPathComponent("experiments/\(name)").path, "--quiet",
                             "response.cache.path=\(sweepDirectory.path)/cache.sqlite", "task.dataset.limit=3"]
        var environment = ProcessInfo.processInfo.environment
        environment["RUNNER"] = RunnerProcess.executable.path
        environment["BASE_URL"] = "http://127.0.0.1:\(server.port)/v1"
        environment["SWEEP_DIR"] = sweepDirectory.path
        process.environment = environment
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }

    @Test("each script runs its sweep: one folder per job and summary.csv", arguments: [
        ("compare_models_temperatures.sh", 6, "job,+model,model.params.temperature,metric"),
        ("tasks_x_seeds.sh", 9, "job,+task,seed,metric"),
    ])
    func script(name: String, jobs: Int, header: String) throws {
        let folder = try TemporaryDirectory()
        let server = try FakeLLMServer(port: 0, idleTimeout: 60)
        defer { server.stop() }
        let sweep = folder.url.appendingPathComponent("sweep")
        let result = try runScript(name, sweepDirectory: sweep, server: server)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try folder.read("sweep/summary.csv").split(separator: "\n")
        #expect(summary.count == jobs + 1)
        #expect(summary.first?.hasPrefix(header) == true, "\(summary.first ?? "")")
        #expect(summary.dropFirst().allSatisfy { $0.contains(",completed,") })
        #expect(try folder.folders(in: "sweep").filter { Int($0) != nil }.count == jobs)
    }
}
