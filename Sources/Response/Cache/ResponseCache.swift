import Foundation
import GRDB
import Models

/// Answers stored in SQLite, keyed by ``CacheKey``: a paid answer is never lost and never
/// paid for twice.
///
/// One `DatabaseQueue` per file in WAL mode with a busy timeout, so several processes can share
/// a cache. Every answer is committed as it arrives. Failures and skips are never stored.
///
/// ```swift
/// let cache = try ResponseCache(path: ResponseCache.defaultPath, mode: .use)
/// ```
public final class ResponseCache: Sendable {
    public let path: String
    public let mode: CacheMode
    /// Who this cache's claims belong to (see ``claim(keys:)``).
    public let owner: ClaimOwner
    /// How long a claim lasts unless renewed; ``renewClaims()`` renews this owner's claims.
    public let claimLease: Double
    let queue: DatabaseQueue

    /// `$XDG_CACHE_HOME/runner/responses.sqlite`, else `~/.cache/runner/responses.sqlite`.
    public static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return base + "/runner/responses.sqlite"
    }

    /// Opens (and creates or migrates) the cache at `path`; `":memory:"` for tests.
    ///
    /// - Throws: ``ModelError`` `.environment` naming the file when it cannot be opened.
    public init(path: String, mode: CacheMode = .use, claimLease: Double = 60) throws {
        self.path = path
        self.mode = mode
        self.owner = ClaimOwner.current()
        self.claimLease = claimLease
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.label = "runner.cache"
        do {
            if path == ":memory:" {
                queue = try DatabaseQueue(configuration: configuration)
            } else {
                let directory = (path as NSString).deletingLastPathComponent
                if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
                // Processes opening the same new cache at once would race to switch it to WAL
                // and to create the schema; an exclusive file lock makes set-up one at a time.
                let lock = open(path + ".lock", O_CREAT | O_RDWR, 0o644)
                if lock >= 0 { flock(lock, LOCK_EX) }
                defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }
                queue = try DatabaseQueue(path: path, configuration: configuration)
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                }
                try Self.migrator.migrate(queue)
            }
            if path == ":memory:" { try Self.migrator.migrate(queue) }
        } catch {
            throw ModelError(.environment, "cannot open the response cache '\(path)': \(error)",
                             hint: "set response.cache.path to a writable file, or response.cache.mode=off", cause: "\(error)")
        }
    }

    /// Schema versions; add a migration, never change one that shipped.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "response") { t in
                t.column("key", .text).primaryKey()
                t.column("model", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("request", .text).notNull()
                t.column("answer", .blob).notNull()
                t.column("prompt_tokens", .integer)
                t.column("completion_tokens", .integer)
                t.column("latency_ms", .integer)
                t.column("created_at", .double).notNull()
            }
        }
        // Claims: who is asking for an answer right now, so that nobody else asks at once.
        migrator.registerMigration("v2-claims") { db in
            try db.create(table: "claim") { t in
                t.column("key", .text).primaryKey()
                t.column("owner", .text).notNull()
                t.column("host", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("expires_at", .double).notNull()
            }
        }
        // Batches in flight at a batch API, so a killed run resumes them instead of resending.
        migrator.registerMigration("v3-batches") { db in
            try db.create(table: "batch") { t in
                t.column("id", .text).primaryKey()
                t.column("model", .text).notNull()
                t.column("keys", .text).notNull()
                t.column("created_at", .double).notNull()
            }
        }
        return migrator
    }

    /// The stored answers for many keys at once (one read transaction), by key.
    public func answers(forKeys keys: [String]) throws -> [String: ModelAnswer] {
        guard mode == .use || mode == .readOnly, !keys.isEmpty else { return [:] }
        return try queue.read { db in try Self.storedAnswers(keys, in: db) }
    }

    /// The answers stored for `keys`, read in `db` (a read or an open write transaction).
    static func storedAnswers(_ keys: [String], in db: Database) throws -> [String: ModelAnswer] {
        let decoder = JSONDecoder()
        var result: [String: ModelAnswer] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, answer FROM response WHERE key IN (\(databaseQuestionMarks(count: keys.count)))",
                                    arguments: StatementArguments(keys)) {
            let key: String = row["key"]
            let data: Data = row["answer"]
            result[key] = try decoder.decode(ModelAnswer.self, from: data)
        }
        return result
    }

    /// Stores an answer (upsert), committed before returning.
    public func store(_ answer: ModelAnswer, forKey key: String, modelDict: JSONValue, request: ModelRequest, latency: Duration) throws {
        guard mode == .use || mode == .refresh else { return }
        let data = try JSONEncoder().encode(answer)
        let usage = answer.usage
        try queue.write { db in
            // The answer ends anybody's claim on it: waiters read it from here on.
            try db.execute(sql: "DELETE FROM claim WHERE key = ?", arguments: [key])
            try db.execute(sql: """
                INSERT INTO response (key, model, kind, request, answer, prompt_tokens, completion_tokens, latency_ms, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET answer = excluded.answer, prompt_tokens = excluded.prompt_tokens,
                    completion_tokens = excluded.completion_tokens, latency_ms = excluded.latency_ms, created_at = excluded.created_at
                """, arguments: [key, modelDict.canonicalString, request.kind, request.json.canonicalString, data,
                                 usage?.promptTokens, usage?.completionTokens, latency.wholeMilliseconds, Date().timeIntervalSince1970])
        }
    }

    /// The number of stored answers.
    public func count() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM response") ?? 0 }
    }
}
