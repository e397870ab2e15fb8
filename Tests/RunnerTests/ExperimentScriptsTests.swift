import FakeLLMServer
import Foundation
import TestSupport
import Testing

/// The sweep scripts under `experiments/` run as a user would run them, against the fake
/// server, and leave one folder per job and a summary.
@Suite("experiment scripts", .timeLimit(.minutes(10)))
struct ExperimentScriptsTests {
    func runScript(_ name: String, sweepDirectory: URL, server: FakeLLMServer?) async throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [RunnerProcess.packageRoot.appendingPathComponent("experiments/\(name)").path, "--quiet",
                             "response.cache.path=\(sweepDirectory.path)/cache.sqlite", "task.dataset.limit=3"]
        var environment = ProcessInfo.processInfo.environment
        environment["RUNNER"] = RunnerProcess.executable.path
        environment["FAKE_LLM_SERVER"] = BuiltExecutable.url(named: "fake-llm-server").path
        if let server { environment["BASE_URL"] = "http://127.0.0.1:\(server.port)/v1" } else { environment["BASE_URL"] = nil }
        environment["SWEEP_DIR"] = sweepDirectory.path
        process.environment = environment
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let stderr = String(decoding: await err.fileHandleForReading.readAll(), as: UTF8.self)
        await process.exited()
        return (process.terminationStatus, stderr)
    }

    @Test("each script runs its sweep: one folder per job and summary.csv", arguments: [
        ("compare_models_temperatures.sh", 6, "job,+model,model.params.temperature,metric"),
        ("tasks_x_seeds.sh", 9, "job,+task,seed,metric"),
    ])
    func script(name: String, jobs: Int, header: String) async throws {
        let folder = try TemporaryDirectory()
        let server = try FakeLLMServer(port: 0, idleTimeout: 300)
        defer { server.stop() }
        let sweep = folder.url.appendingPathComponent("sweep")
        let result = try await runScript(name, sweepDirectory: sweep, server: server)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try folder.read("sweep/summary.csv").split(separator: "\n")
        #expect(summary.count == jobs + 1)
        #expect(summary.first?.hasPrefix(header) == true, "\(summary.first ?? "")")
        #expect(summary.dropFirst().allSatisfy { $0.contains(",completed,") })
        #expect(try folder.folders(in: "sweep").filter { Int($0) != nil }.count == jobs)
    }

    @Test("without BASE_URL a script starts its own fake server and stops it when the sweep ends")
    func ownServerIsStopped() async throws {
        let folder = try TemporaryDirectory()
        let result = try await runScript("tasks_x_seeds.sh", sweepDirectory: folder.url.appendingPathComponent("sweep"), server: nil)
        #expect(result.status == 0, "\(result.stderr)")
        let marker = "using the fake test server at http://127.0.0.1:"
        let port = try #require(result.stderr.components(separatedBy: marker).dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) })
        #expect(!Self.isListening(port: port), "the fake server on port \(port) outlived the script")
    }

    static func isListening(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }
}
