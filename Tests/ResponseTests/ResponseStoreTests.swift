import TestSupport
import Foundation
import Models
@testable import Response
import Testing

/// What every kind of store promises, checked on each kind through the one chooser
/// (``ResponseStores``): answers by key and mode, claims between two owners, the batch ledger,
/// and copying. PostgreSQL keeps the same promises in PostgresCacheTests, against a real server.
@Suite("Response stores: one contract, every kind")
struct ResponseStoreTests {
    enum Kind: String, CaseIterable, Sendable { case sqlite, memory }

    /// A fresh location of `kind`, and the folder to remove after.
    static func location(_ kind: Kind) throws -> (String, TemporaryDirectory) {
        let folder = try TemporaryDirectory()
        switch kind {
        case .sqlite: return (folder.url.appendingPathComponent("responses.sqlite").path, folder)
        case .memory: return ("memory:" + UUID().uuidString, folder)
        }
    }

    let answer = ModelAnswer.generation(Generation(text: "B", usage: TokenUsage(promptTokens: 3, completionTokens: 1)))
    let request = ModelRequest.generate(GenerationRequest(prompt: .text("q")))

    func isClaimed(_ state: ClaimState?) -> Bool { if case .claimed = state { true } else { false } }
    func isHeld(_ state: ClaimState?) -> Bool { if case .heldElsewhere = state { true } else { false } }
    func answerOf(_ state: ClaimState?) -> ModelAnswer? { if case .answered(let a) = state { a } else { nil } }

    @Test("the chooser: postgresql:// and memory: by prefix, anything else a SQLite file; a file in response.cache.url is refused")
    func chooser() throws {
        #expect(ObjectIdentifier(ResponseStores.kind(of: "postgresql://u@h/db")) == ObjectIdentifier(PostgresResponseCache.self))
        #expect(ObjectIdentifier(ResponseStores.kind(of: "postgres://u@h/db")) == ObjectIdentifier(PostgresResponseCache.self))
        #expect(ObjectIdentifier(ResponseStores.kind(of: "memory:x")) == ObjectIdentifier(InMemoryResponseStore.self))
        #expect(ObjectIdentifier(ResponseStores.kind(of: "/tmp/responses.sqlite")) == ObjectIdentifier(ResponseCache.self))
        #expect(ResponseStores.isFile("cache.sqlite") && !ResponseStores.isFile("memory:"))
        #expect {
            _ = try ResponseStores.open(url: "/tmp/x.sqlite", path: "/tmp/y.sqlite", options: StoreOptions())
        } throws: { ($0 as? CacheStoreError)?.keyPath == "response.cache.url" }
    }

    @Test("answers by key; refresh reads none, read_only writes none", arguments: Kind.allCases)
    func modes(kind: Kind) throws {
        let (location, folder) = try Self.location(kind)
        _ = folder
        let store = try ResponseStores.open(location, options: StoreOptions())
        try store.store(answer, forKey: "k", modelDict: ["m": "x"], request: request, latency: .milliseconds(5))
        #expect(try store.answers(forKeys: ["k", "other"]) == ["k": answer])
        #expect(try store.count() == 1)
        let refresh = try ResponseStores.open(location, options: StoreOptions(mode: .refresh))
        #expect(try refresh.answers(forKeys: ["k"]).isEmpty)
        let readOnly = try ResponseStores.open(location, options: StoreOptions(mode: .readOnly))
        try readOnly.store(answer, forKey: "k2", modelDict: ["m": "x"], request: request, latency: .zero)
        #expect(try readOnly.answers(forKeys: ["k", "k2"]) == ["k": answer])
    }

    @Test("a claim is one owner's until it stores or releases; then the other reads or claims", arguments: Kind.allCases)
    func claims(kind: Kind) throws {
        let (location, folder) = try Self.location(kind)
        _ = folder
        let a = try ResponseStores.open(location, options: StoreOptions()), b = try ResponseStores.open(location, options: StoreOptions())
        #expect(isClaimed(try a.claim(keys: ["k1", "k2"])["k1"]))
        #expect(isClaimed(try a.claim(keys: ["k1"])["k1"]), "the owner may claim again")
        #expect(isHeld(try b.claim(keys: ["k1"])["k1"]))
        #expect(try a.claimCount() == 2)
        try a.store(answer, forKey: "k1", modelDict: ["m": "x"], request: request, latency: .zero)
        #expect(answerOf(try b.claim(keys: ["k1"])["k1"]) == answer)
        try a.release(key: "k2")
        #expect(isClaimed(try b.claim(keys: ["k2"])["k2"]))
        try b.releaseAllClaims()
        #expect(try a.claimCount() == 0)
    }

    @Test("an expired lease may be taken over", arguments: Kind.allCases)
    func expiredLease(kind: Kind) async throws {
        let (location, folder) = try Self.location(kind)
        _ = folder
        let a = try ResponseStores.open(location, options: StoreOptions(claimLease: 0.05))
        let b = try ResponseStores.open(location, options: StoreOptions(claimLease: 0.05))
        #expect(isClaimed(try a.claim(keys: ["k"])["k"]))
        try await Task.sleep(for: .milliseconds(120))
        // Same process: a SQLite claim of a live pid on this host is kept only while its lease runs.
        #expect(isClaimed(try b.claim(keys: ["k"])["k"]))
    }

    @Test("the batch ledger: recorded batches by model, oldest first, until finished", arguments: Kind.allCases)
    func batches(kind: Kind) throws {
        let (location, folder) = try Self.location(kind)
        _ = folder
        let store = try ResponseStores.open(location, options: StoreOptions())
        try store.recordBatch(PendingBatch(id: "b2", model: "m", keys: ["k3"], created: 2))
        try store.recordBatch(PendingBatch(id: "b1", model: "m", keys: ["k1", "k2"], created: 1))
        try store.recordBatch(PendingBatch(id: "c", model: "other", keys: ["k9"], created: 0))
        #expect(try store.pendingBatches(model: "m").map(\.id) == ["b1", "b2"])
        #expect(try store.pendingBatches(model: "m").first?.keys == ["k1", "k2"])
        try store.finishBatch(id: "b1")
        #expect(try store.pendingBatches(model: "m").map(\.id) == ["b2"])
    }

    @Test("copying: entries in key order, insertMissing keeps what is there, summaries by model", arguments: Kind.allCases)
    func inventory(kind: Kind) throws {
        let (location, folder) = try Self.location(kind)
        _ = folder
        let store = try ResponseStores.open(location, options: StoreOptions())
        try store.store(answer, forKey: "b", modelDict: ["m": "x"], request: request, latency: .zero)
        try store.store(answer, forKey: "a", modelDict: ["m": "y"], request: request, latency: .zero)
        let entries = try store.entries(after: "", limit: 10)
        #expect(entries.map(\.key) == ["a", "b"])
        #expect(try store.entries(after: "a", limit: 10).map(\.key) == ["b"])
        let (other, otherFolder) = try Self.location(kind)
        _ = otherFolder
        let copy = try ResponseStores.open(other, options: StoreOptions())
        #expect(try copy.insertMissing(Array(entries.prefix(1))) == 1)
        #expect(try copy.insertMissing(entries) == 1, "the one it had is kept")
        #expect(try copy.answers(forKeys: ["a", "b"]) == ["a": answer, "b": answer])
        let summaries = try copy.modelSummaries()
        #expect(summaries.count == 2 && summaries.allSatisfy { $0.answers == 1 && $0.promptTokens == 3 && $0.completionTokens == 1 })
    }
}
