import FakeLLMServer
import Foundation
import Models
@testable import Response
import TestSupport
import Testing

/// The PostgreSQL cache against a real server started for each test.
@Suite("PostgreSQL cache on a real server", .timeLimit(.minutes(2)))
struct PostgresCacheTests {
    let answer = ModelAnswer.generation(Generation(text: "B", usage: TokenUsage(promptTokens: 3, completionTokens: 1)))
    let request = ModelRequest.generate(GenerationRequest(prompt: .text("q")))

    func isClaimed(_ state: ClaimState?) -> Bool { if case .claimed = state { true } else { false } }
    func isHeld(_ state: ClaimState?) -> Bool { if case .heldElsewhere = state { true } else { false } }

    @Test("answers and claims: one owner at a time, a dead owner's claim taken over, modes respected")
    func claims() async throws {
        let server = try PostgresServer()
        defer { server.stop() }
        let a = try PostgresResponseCache(url: server.url), b = try PostgresResponseCache(url: server.url)
        #expect(isClaimed(try a.claim(keys: ["k1", "k2"])["k1"]))
        #expect(isClaimed(try a.claim(keys: ["k1"])["k1"]), "the owner may claim again")
        #expect(isHeld(try b.claim(keys: ["k1"])["k1"]))
        try a.store(answer, forKey: "k1", modelDict: ["m": "x"], request: request, latency: .milliseconds(12))
        guard case .answered(let stored)? = try b.claim(keys: ["k1"])["k1"] else { Issue.record("k1 not answered"); return }
        #expect(stored == answer)
        #expect(try b.answers(forKeys: ["k1", "nope"]).keys.sorted() == ["k1"])
        try a.release(key: "k2")
        #expect(isClaimed(try b.claim(keys: ["k2"])["k2"]))
        // A claim left by a process of this host that has exited, and one that lapsed elsewhere.
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        await exited.exited()
        let raw = try PostgresConnection(conninfo: server.url)
        try raw.execute("INSERT INTO claim VALUES ('dead', 'x', $1, $2::integer, 1e12), ('remote', 'y', 'elsewhere', 1, 1e12), ('lapsed', 'z', 'elsewhere', 1, 0)",
                        [ProcessInfo.processInfo.hostName, String(exited.processIdentifier)])
        let states = try a.claim(keys: ["dead", "remote", "lapsed"])
        #expect(isClaimed(states["dead"]) && isHeld(states["remote"]) && isClaimed(states["lapsed"]))
        try a.releaseAllClaims()
        try b.releaseAllClaims()
        #expect(try a.claimCount() == 1, "only the remote claim is left")
        #expect(try a.count() == 1)
        let refresh = try PostgresResponseCache(url: server.url, mode: .refresh)
        #expect(isClaimed(try refresh.claim(keys: ["k1"])["k1"]), "refresh asks again")
        #expect(try PostgresResponseCache(url: server.url, mode: .readOnly).answers(forKeys: ["k1"]).count == 1)
    }

    @Test("two runs on one PostgreSQL cache ask the server once per answer; a re-run asks nothing")
    func sharedRuns() async throws {
        let server = try PostgresServer()
        defer { server.stop() }
        let fixture = try Fixture(plan: FaultPlan(latencyMilliseconds: 20))
        defer { fixture.server.stop() }
        let prompts = (0..<60).map { "same \($0)" }
        async let first = runAll(fixture.component(cache: try PostgresResponseCache(url: server.url)), prompts)
        async let second = runAll(fixture.component(cache: try PostgresResponseCache(url: server.url)), prompts)
        let (a, b) = try await (first, second)
        #expect(a.count == 60 && b.count == 60)
        #expect(fixture.server.requestCount() == 60)
        let again = try await runAll(fixture.component(cache: try PostgresResponseCache(url: server.url)), prompts)
        #expect(again.values.allSatisfy { $0.cached })
        #expect(fixture.server.requestCount() == 60)
        #expect(try PostgresResponseCache(url: server.url).claimCount() == 0)
    }

    @Test("bad settings are config errors at their key; an unreachable server names the URL")
    func errors() throws {
        func failure(_ url: String, passwordVariable: String? = nil) -> CacheStoreError? {
            do { _ = try PostgresResponseCache(url: url, passwordVariable: passwordVariable, environment: [:]); return nil } catch { return error }
        }
        let withPassword = try #require(failure("postgresql://u:hunter2@127.0.0.1:1/db"))
        #expect(withPassword.keyPath == "response.cache.url" && !withPassword.description.contains("hunter2"))
        #expect(withPassword.userError.exitCode == 2)
        #expect(failure("mysql://u@h/db")?.keyPath == "response.cache.url")
        #expect(failure("postgresql://u@127.0.0.1:1/db", passwordVariable: "MY_PG_SECRET")?.keyPath == "response.cache.password_env")
        let unreachable = try #require(failure("postgresql://u@127.0.0.1:1/db"))
        #expect(unreachable.keyPath == nil && unreachable.description.contains("127.0.0.1:1"))
        #expect(unreachable.userError.exitCode == 1)
    }
}
