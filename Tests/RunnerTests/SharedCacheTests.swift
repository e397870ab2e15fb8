import TestSupport
import FakeLLMServer
import Foundation
import Testing

/// Sweeps started together on one response cache, as a user runs them by hand or a cluster does.
@Suite("Sweeps sharing a cache", .timeLimit(.minutes(2)))
struct SharedCacheTests {
    @Test("two sweeps started at once on one SQLite cache send each distinct request once")
    func twoSweepsOneCache() async throws {
        let server = try FakeLLMServer(plan: FaultPlan(latencyMilliseconds: 5), idleTimeout: 120)
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        func sweep(_ name: String, cache: String) throws -> Process {
            let process = Process()
            process.executableURL = RunnerProcess.executable
            process.currentDirectoryURL = RunnerProcess.packageRoot
            process.arguments = ["--quiet", "-m", "+model=local_chat", "+task=mcq,qa", "seed=1,2",
                                 "model.params.base_url=http://127.0.0.1:\(server.port)/v1",
                                 "response.cache.path=\(folder.url.path)/\(cache)", "hydra.sweep.dir=\(folder.url.path)/\(name)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        // One sweep alone on its own cache: how many distinct requests the sweep makes.
        let alone = try sweep("alone", cache: "alone.sqlite")
        await alone.exited()
        #expect(alone.terminationStatus == 0)
        let distinct = server.requestCount()
        #expect(distinct > 0)
        let first = try sweep("first", cache: "shared.sqlite"), second = try sweep("second", cache: "shared.sqlite")
        await first.exited()
        await second.exited()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        #expect(server.requestCount() - distinct == distinct, "two sweeps on one cache asked \(server.requestCount() - distinct) times for \(distinct) answers")
        for name in ["first", "second"] {
            let summary = try String(contentsOfFile: "\(folder.url.path)/\(name)/summary.csv", encoding: .utf8)
            #expect(summary.split(separator: "\n").count == 5, "\(name): a header and four jobs")
        }
    }
}
