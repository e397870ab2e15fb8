import Foundation
import Models
import Synchronization

/// A store kept in this process's memory (`response.cache.url=memory:NAME`): the same keys,
/// modes and claims as the SQLite and PostgreSQL stores, gone when the process ends. Stores
/// opened with one name share their answers (as two runs share a file), each its own claim
/// owner. For tests of everything above the store, with no file and no server.
public final class InMemoryResponseStore: CacheInventory, ResponseStoreKind {
    /// What every store of one name sees.
    final class Contents: Sendable {
        struct State {
            var entries: [String: CacheEntry] = [:]
            var answers: [String: ModelAnswer] = [:]
            /// Key to (owner, lease end).
            var claims: [String: (owner: String, expires: Double)] = [:]
            var batches: [String: PendingBatch] = [:]
        }
        let state = Mutex(State())
    }

    private static let named = Mutex<[String: Contents]>([:])

    public let mode: CacheMode
    public let claimLease: Double
    public let location: String
    let owner = UUID().uuidString
    let contents: Contents

    /// A store of its own, or the one named `name` in this process.
    public init(name: String? = nil, mode: CacheMode = .use, claimLease: Double = 60) {
        self.mode = mode
        self.claimLease = claimLease
        self.location = "memory:" + (name ?? "")
        if let name {
            contents = Self.named.withLock { table in
                if let existing = table[name] { return existing }
                let made = Contents()
                table[name] = made
                return made
            }
        } else {
            contents = Contents()
        }
    }

    public static func names(_ location: String) -> Bool { location.hasPrefix("memory:") }

    public static func make(_ location: String, options: StoreOptions) throws -> any CacheInventory {
        InMemoryResponseStore(name: String(location.dropFirst("memory:".count)), mode: options.mode, claimLease: options.claimLease)
    }

    private var now: Double { Date().timeIntervalSince1970 }

    public func answers(forKeys keys: [String]) throws -> [String: ModelAnswer] {
        guard mode.reads else { return [:] }
        return contents.state.withLock { state in
            var found: [String: ModelAnswer] = [:]
            for key in keys { found[key] = state.answers[key] }
            return found
        }
    }

    public func store(_ answer: ModelAnswer, forKey key: String, modelDict: JSONValue, request: ModelRequest, latency: Duration) throws {
        guard mode.writes else { return }
        let text = String(decoding: try JSONEncoder().encode(answer), as: UTF8.self)
        let entry = CacheEntry(key: key, model: modelDict.canonicalString, kind: request.kind, request: request.json.canonicalString, answer: text,
                               promptTokens: answer.usage?.promptTokens, completionTokens: answer.usage?.completionTokens,
                               latencyMilliseconds: latency.wholeMilliseconds, createdAt: now)
        contents.state.withLock { state in
            state.answers[key] = answer
            state.entries[key] = entry
            state.claims[key] = nil
        }
    }

    public func claim(keys: [String]) throws -> [String: ClaimState] {
        let stored = try answers(forKeys: keys)
        guard mode == .use else {
            return Dictionary(uniqueKeysWithValues: keys.map { ($0, stored[$0].map(ClaimState.answered) ?? .claimed) })
        }
        let (owner, lease, now) = (self.owner, claimLease, self.now)
        return contents.state.withLock { state in
            var states: [String: ClaimState] = [:]
            for key in keys {
                if let answer = stored[key] { states[key] = .answered(answer); continue }
                if let held = state.claims[key], held.owner != owner, held.expires > now { states[key] = .heldElsewhere; continue }
                state.claims[key] = (owner, now + lease)
                states[key] = .claimed
            }
            return states
        }
    }

    public func release(key: String) throws {
        let owner = self.owner
        contents.state.withLock { state in if state.claims[key]?.owner == owner { state.claims[key] = nil } }
    }

    public func releaseAllClaims() throws {
        let owner = self.owner
        contents.state.withLock { state in state.claims = state.claims.filter { $0.value.owner != owner } }
    }

    public func renewClaims() throws {
        let (owner, expires) = (self.owner, now + claimLease)
        contents.state.withLock { state in
            for (key, claim) in state.claims where claim.owner == owner { state.claims[key] = (owner, expires) }
        }
    }

    public func count() throws -> Int { contents.state.withLock { $0.answers.count } }
    public func claimCount() throws -> Int { contents.state.withLock { $0.claims.count } }

    public func recordBatch(_ batch: PendingBatch) throws { contents.state.withLock { $0.batches[batch.id] = batch } }

    public func pendingBatches(model: String) throws -> [PendingBatch] {
        contents.state.withLock { state in state.batches.values.filter { $0.model == model }.sorted { ($0.created, $0.id) < ($1.created, $1.id) } }
    }

    public func finishBatch(id: String) throws { contents.state.withLock { $0.batches[id] = nil } }

    public func modelSummaries() throws -> [CacheModelSummary] {
        let grouped = contents.state.withLock { Dictionary(grouping: $0.entries.values, by: \.model) }
        return grouped.map { model, entries in
            CacheModelSummary(model: model, answers: entries.count, promptTokens: entries.reduce(0) { $0 + ($1.promptTokens ?? 0) },
                              completionTokens: entries.reduce(0) { $0 + ($1.completionTokens ?? 0) },
                              answerBytes: entries.reduce(0) { $0 + $1.answer.utf8.count })
        }.sorted { ($1.answers, $0.model) < ($0.answers, $1.model) }
    }

    public func entries(after key: String, limit: Int) throws -> [CacheEntry] {
        contents.state.withLock { state in Array(state.entries.values.filter { $0.key > key }.sorted { $0.key < $1.key }.prefix(limit)) }
    }

    public func insertMissing(_ entries: [CacheEntry]) throws -> Int {
        guard mode != .readOnly else { return 0 }
        return try contents.state.withLock { state in
            var inserted = 0
            for entry in entries where state.entries[entry.key] == nil {
                state.answers[entry.key] = try JSONDecoder().decode(ModelAnswer.self, from: Data(entry.answer.utf8))
                state.entries[entry.key] = entry
                inserted += 1
            }
            return inserted
        }
    }
}
