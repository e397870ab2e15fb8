import TestSupport
import Foundation
import GRDB
import Models
@testable import Response
import Testing

/// Claims in the SQLite cache: one asker per answer at a time, across connections and processes.
@Suite("Claims: no answer asked for twice at once", .timeLimit(.minutes(10)))
struct ClaimTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("claims-\(UUID().uuidString)")
    var path: String { folder.appendingPathComponent("responses.sqlite").path }

    let answer = ModelAnswer.generation(Generation(text: "B"))
    let request = ModelRequest.generate(GenerationRequest(prompt: .text("q")))

    func isClaimed(_ state: ClaimState?) -> Bool { if case .claimed = state { true } else { false } }
    func isHeld(_ state: ClaimState?) -> Bool { if case .heldElsewhere = state { true } else { false } }
    func isAnswered(_ state: ClaimState?) -> Bool { if case .answered = state { true } else { false } }

    /// Writes a claim as another owner would have left it.
    func plant(_ cache: ResponseCache, key: String, host: String, pid: Int32, expiresIn: Double) throws {
        try cache.queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO claim (key, owner, host, pid, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [key, "someone-else", host, pid, Date().timeIntervalSince1970 + expiresIn])
        }
    }

    @Test("a claim is one owner's until it stores the answer or releases it")
    func oneOwner() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = try ResponseCache(path: path), b = try ResponseCache(path: path)
        #expect(isClaimed(try a.claim(keys: ["k1", "k2"])["k1"]))
        #expect(isClaimed(try a.claim(keys: ["k1"])["k1"]), "the owner may claim again")
        #expect(isHeld(try b.claim(keys: ["k1"])["k1"]))
        try a.store(answer, forKey: "k1", modelDict: ["m": "x"], request: request, latency: .zero)
        #expect(isAnswered(try b.claim(keys: ["k1"])["k1"]))
        #expect(isHeld(try b.claim(keys: ["k2"])["k2"]))
        try a.release(key: "k2")
        #expect(isClaimed(try b.claim(keys: ["k2"])["k2"]))
        try b.releaseAllClaims()
        #expect(try a.claimCount() == 0)
    }

    @Test("a dead process's claim on this host is taken over at once; elsewhere it lapses with its lease")
    func takeOver() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = try ResponseCache(path: path)
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        await exited.exited()
        let host = ProcessInfo.processInfo.hostName
        try plant(cache, key: "dead", host: host, pid: exited.processIdentifier, expiresIn: 3600)
        try plant(cache, key: "alive", host: host, pid: getppid(), expiresIn: 3600)
        try plant(cache, key: "remote", host: "node-that-is-not-here", pid: 1, expiresIn: 3600)
        try plant(cache, key: "lapsed", host: "node-that-is-not-here", pid: 1, expiresIn: -1)
        let states = try cache.claim(keys: ["dead", "alive", "remote", "lapsed"])
        #expect(isClaimed(states["dead"]))
        #expect(isHeld(states["alive"]))
        #expect(isHeld(states["remote"]))
        #expect(isClaimed(states["lapsed"]))
    }

    @Test("renewing extends only this owner's leases; refresh and read_only modes claim nothing")
    func leasesAndModes() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let short = try ResponseCache(path: path, claimLease: 0.2)
        _ = try short.claim(keys: ["k"])
        try short.renewClaims()
        let other = try ResponseCache(path: path)
        #expect(isHeld(try other.claim(keys: ["k"])["k"]))
        await sleepFor(0.3)
        #expect(isClaimed(try other.claim(keys: ["k"])["k"]), "a lease not renewed lapses")
        let refresh = try ResponseCache(path: path, mode: .refresh)
        #expect(isClaimed(try refresh.claim(keys: ["k"])["k"]))
        let readOnly = try ResponseCache(path: path, mode: .readOnly)
        #expect(isClaimed(try readOnly.claim(keys: ["new"])["new"]))
        #expect(try other.claimCount() == 1, "only `other` holds a claim")
    }
}
