import FakeLLMServer
import Foundation
import Response
import TestSupport
import Testing

/// Runs `response-driver` as a child process, as a user's killed run would be.
enum Driver {
    static let executable = BuiltExecutable.url(named: "response-driver")

    static func start(_ arguments: [String], output: Pipe) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Reads the child's output until `count` lines starting with `prefix` have come (or it ends).
    static func waitForLines(_ pipe: Pipe, count: Int, prefix: String = "done ") {
        var buffer = Data()
        while String(decoding: buffer, as: UTF8.self).split(separator: "\n").filter({ $0.hasPrefix(prefix) }).count < count {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { return }
            buffer += chunk
        }
    }

    /// Starts one driver per argument list at once; their outputs and exit statuses.
    static func runTogether(_ argumentLists: [String]...) async throws -> ([String], [Int32]) {
        let pipes = argumentLists.map { _ in Pipe() }
        let children = try zip(argumentLists, pipes).map { try start($0, output: $1) }
        var outputs: [String] = []
        for pipe in pipes { outputs.append(String(decoding: await pipe.fileHandleForReading.readAll(), as: UTF8.self)) }
        for child in children { await child.exited() }
        return (outputs, children.map(\.terminationStatus))
    }

    static func run(_ arguments: [String]) async throws -> String {
        let pipe = Pipe()
        let process = try start(arguments, output: pipe)
        let data = await pipe.fileHandleForReading.readAll()
        await process.exited()
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite("Runs in separate processes", .timeLimit(.minutes(2)))
struct ProcessTests {
    func temporaryCache() -> (URL, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("driver-\(UUID().uuidString)")
        return (dir, dir.appendingPathComponent("responses.sqlite").path)
    }

    @Test("a run killed with SIGKILL and started again asks only for the answers not yet stored")
    func killAndResume() async throws {
        let server = try FakeLLMServer(plan: FaultPlan(latencyMilliseconds: 20), idleTimeout: 300)
        defer { server.stop() }
        let (dir, cache) = temporaryCache()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["--base-url", "http://127.0.0.1:\(server.port)/v1", "--cache", cache, "--items", "200", "--concurrency", "4"]
        let pipe = Pipe()
        let child = try Driver.start(args, output: pipe)
        Driver.waitForLines(pipe, count: 60)
        kill(child.processIdentifier, SIGKILL)
        await child.exited()
        #expect(child.terminationReason == .uncaughtSignal)
        let stored = try ResponseCache(path: cache).count()
        #expect(stored >= 60 && stored < 200, "stored \(stored)")
        let before = server.requestCount()
        let output = try await Driver.run(args)
        #expect(output.contains("answered=200 cached=\(stored) failed=0"), "\(output.suffix(200))")
        #expect(server.requestCount() - before == 200 - stored)
        #expect(try ResponseCache(path: cache).count() == 200)
    }

    @Test("two processes write one cache file at the same time")
    func twoProcesses() async throws {
        let server = try FakeLLMServer(plan: FaultPlan(latencyMilliseconds: 2), idleTimeout: 300)
        defer { server.stop() }
        let (dir, cache) = temporaryCache()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = ["--base-url", "http://127.0.0.1:\(server.port)/v1", "--cache", cache, "--items", "150", "--concurrency", "8", "--quiet"]
        let a = Pipe(), b = Pipe()
        let first = try Driver.start(base + ["--prefix", "alpha"], output: a)
        let second = try Driver.start(base + ["--prefix", "beta"], output: b)
        let outA = String(decoding: await a.fileHandleForReading.readAll(), as: UTF8.self)
        let outB = String(decoding: await b.fileHandleForReading.readAll(), as: UTF8.self)
        await first.exited()
        await second.exited()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        #expect(outA.contains("answered=150 cached=0 failed=0") && outB.contains("answered=150 cached=0 failed=0"))
        #expect(try ResponseCache(path: cache).count() == 300)
    }

    @Test("two processes asking for the same answers at once send each request once")
    func sameAnswersTwoProcesses() async throws {
        let server = try FakeLLMServer(plan: FaultPlan(latencyMilliseconds: 5), idleTimeout: 300)
        defer { server.stop() }
        let (dir, cache) = temporaryCache()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["--base-url", "http://127.0.0.1:\(server.port)/v1", "--cache", cache, "--items", "150", "--concurrency", "8", "--quiet"]
        let (outputs, statuses) = try await Driver.runTogether(args, args)
        #expect(statuses == [0, 0])
        #expect(outputs.allSatisfy { $0.contains("answered=150 ") && $0.contains("failed=0") }, "\(outputs)")
        #expect(server.requestCount() == 150, "each distinct request sent once, not \(server.requestCount())")
        #expect(try ResponseCache(path: cache).claimCount() == 0)
    }

    @Test("two processes on one PostgreSQL cache send each request once")
    func sameAnswersOnPostgres() async throws {
        let database = try PostgresServer()
        defer { database.stop() }
        let server = try FakeLLMServer(plan: FaultPlan(latencyMilliseconds: 5), idleTimeout: 300)
        defer { server.stop() }
        let args = ["--base-url", "http://127.0.0.1:\(server.port)/v1", "--cache", database.url, "--items", "150", "--concurrency", "8", "--quiet"]
        let (outputs, statuses) = try await Driver.runTogether(args, args)
        #expect(statuses == [0, 0])
        #expect(outputs.allSatisfy { $0.contains("answered=150 ") && $0.contains("failed=0") }, "\(outputs)")
        #expect(server.requestCount() == 150, "each distinct request sent once, not \(server.requestCount())")
        #expect(try PostgresResponseCache(url: database.url).count() == 150)
    }

    @Test("claims left by a killed process are taken over at once, not after their lease")
    func killedOwnersClaims() async throws {
        let server = try FakeLLMServer(plan: FaultPlan(latencyMilliseconds: 20), idleTimeout: 300)
        defer { server.stop() }
        let (dir, cache) = temporaryCache()
        defer { try? FileManager.default.removeItem(at: dir) }
        // An hour's lease: only noticing that the owner died lets the second run finish in time.
        let args = ["--base-url", "http://127.0.0.1:\(server.port)/v1", "--cache", cache, "--items", "200",
                    "--concurrency", "4", "--claim-lease", "3600"]
        let pipe = Pipe()
        let child = try Driver.start(args, output: pipe)
        Driver.waitForLines(pipe, count: 20)
        kill(child.processIdentifier, SIGKILL)
        await child.exited()
        let stored = try ResponseCache(path: cache).count()
        #expect(try ResponseCache(path: cache).claimCount() > 0, "the killed run held claims")
        let before = server.requestCount()
        let output = try await Driver.run(args)
        #expect(output.contains("answered=200 cached=\(stored) failed=0"), "\(output.suffix(200))")
        #expect(server.requestCount() - before == 200 - stored)
    }
}
