import Foundation
import GRDB
import Models

/// The process (and cache connection) that holds a claim.
///
/// A claim names its host and process id so that a claim left by a process that died on
/// this machine is taken over at once; one left on another machine expires with its lease.
public struct ClaimOwner: Sendable, Equatable {
    /// Unique per opened cache, so two caches in one process never share claims.
    public var id: String
    public var host: String
    public var pid: Int32

    public static func current() -> ClaimOwner {
        ClaimOwner(id: UUID().uuidString, host: ProcessInfo.processInfo.hostName, pid: getpid())
    }

    /// Whether this owner may take a claim held by `holder` (on `host`, process `pid`): its
    /// own, one whose lease has run out, or one whose process has died on this host.
    func mayTake(claimOf holder: String, host: String, pid: Int32, leaseRunning: Bool) -> Bool {
        holder == id || !leaseRunning || (host == self.host && !Self.processIsAlive(pid))
    }

    /// Whether process `pid` exists on this host (EPERM: it exists but is not ours).
    static func processIsAlive(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}

/// What the cache says about one key when a run is about to ask for it.
public enum ClaimState: Sendable {
    /// The answer is stored: use it.
    case answered(ModelAnswer)
    /// This owner holds the claim now: ask the model, then store (or release).
    case claimed
    /// Another live owner is asking right now: wait for its answer.
    case heldElsewhere
}

extension ResponseCache {
    /// Claims are taken only where answers are read and written: `use` mode.
    var usesClaims: Bool { mode == .use }

    /// Stored answers for `keys`, and a claim on each of the others that nobody else holds.
    ///
    /// One immediate write transaction, so two processes never both get `.claimed` for one
    /// key. A claim held by another owner stays theirs while its lease runs and, on this host,
    /// while its process is alive. In `refresh` mode nothing is read and nothing is claimed;
    /// in `read_only` mode answers are read and nothing is claimed.
    public func claim(keys: [String]) throws -> [String: ClaimState] {
        guard !keys.isEmpty else { return [:] }
        guard usesClaims else {
            var states = Dictionary(uniqueKeysWithValues: keys.map { ($0, ClaimState.claimed) })
            for (key, answer) in try answers(forKeys: keys) { states[key] = .answered(answer) }
            return states
        }
        let owner = self.owner, lease = claimLease
        return try queue.writeWithoutTransaction { db in
            var states: [String: ClaimState] = [:]
            try db.inTransaction(.immediate) {
                for (key, answer) in try Self.storedAnswers(keys, in: db) { states[key] = .answered(answer) }
                let now = Date().timeIntervalSince1970
                for row in try Row.fetchAll(db, sql: "SELECT key, owner, host, pid, expires_at FROM claim WHERE key IN (\(databaseQuestionMarks(count: keys.count)))",
                                            arguments: StatementArguments(keys)) {
                    let key: String = row["key"]
                    guard states[key] == nil else { continue }
                    let expires: Double = row["expires_at"]
                    if !owner.mayTake(claimOf: row["owner"], host: row["host"], pid: row["pid"], leaseRunning: expires > now) {
                        states[key] = .heldElsewhere
                    }
                }
                for key in keys where states[key] == nil {
                    try db.execute(sql: """
                        INSERT INTO claim (key, owner, host, pid, expires_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT(key) DO UPDATE SET owner = excluded.owner, host = excluded.host,
                            pid = excluded.pid, expires_at = excluded.expires_at
                        """, arguments: [key, owner.id, owner.host, owner.pid, now + lease])
                    states[key] = .claimed
                }
                return .commit
            }
            return states
        }
    }

    /// Gives up this owner's claim on `key` (the request failed or was skipped), so that a
    /// waiting process asks instead.
    public func release(key: String) throws {
        guard usesClaims else { return }
        try queue.write { db in
            try db.execute(sql: "DELETE FROM claim WHERE key = ? AND owner = ?", arguments: [key, owner.id])
        }
    }

    /// Gives up every claim this owner holds (the run ended or stopped).
    public func releaseAllClaims() throws {
        guard usesClaims else { return }
        try queue.write { db in try db.execute(sql: "DELETE FROM claim WHERE owner = ?", arguments: [owner.id]) }
    }

    /// Extends the lease of every claim this owner holds; a run does this while it works.
    public func renewClaims() throws {
        guard usesClaims else { return }
        let expires = Date().timeIntervalSince1970 + claimLease
        try queue.write { db in
            try db.execute(sql: "UPDATE claim SET expires_at = ? WHERE owner = ?", arguments: [expires, owner.id])
        }
    }

    /// The number of claims held now, by anyone (for tests and `runner cache`).
    public func claimCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM claim") ?? 0 }
    }

}
