import Models

/// Where answers are kept between runs: the SQLite file of ``ResponseCache`` on one machine, or
/// ``PostgresResponseCache`` for many. Both keep the same keys, modes and guarantees: an answer
/// is committed before it is handed on, failures are never stored, and an answer being asked
/// for is claimed so that nobody asks for it twice at once.
public protocol ResponseStore: Sendable {
    var mode: ResponseCache.Mode { get }
    /// How long a claim lasts unless renewed.
    var claimLease: Double { get }
    /// The file or server, for logs (never with a password).
    var location: String { get }

    /// The stored answers for many keys at once, by key (none in `refresh` mode).
    func answers(forKeys keys: [String]) throws -> [String: ModelAnswer]
    /// Stored answers for `keys`, and a claim on each of the others that nobody else holds.
    func claim(keys: [String]) throws -> [String: ClaimState]
    /// Stores an answer (upsert), committed before returning; ends any claim on it.
    func store(_ answer: ModelAnswer, forKey key: String, modelDict: JSONValue, request: ModelRequest, latency: Duration) throws
    /// Gives up this owner's claim on `key`.
    func release(key: String) throws
    /// Gives up every claim this owner holds.
    func releaseAllClaims() throws
    /// Extends the lease of every claim this owner holds.
    func renewClaims() throws
    /// The number of stored answers.
    func count() throws -> Int
    /// The number of claims held now, by anyone.
    func claimCount() throws -> Int
    /// Records a batch sent to a batch API, before polling it.
    func recordBatch(_ batch: PendingBatch) throws
    /// The batches of `model` (its identity's hash) sent and not yet read back, oldest first.
    func pendingBatches(model: String) throws -> [PendingBatch]
    /// Forgets a batch whose answers are stored.
    func finishBatch(id: String) throws
}

/// Opening a cache named by one string, as `runner cache` and the response driver take it.
public enum ResponseStores {
    /// Whether `location` names a PostgreSQL server rather than a SQLite file.
    public static func isPostgresURL(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    /// The cache at `location`: a `postgresql://` URL, else a SQLite file (created if missing).
    public static func open(_ location: String, mode: ResponseCache.Mode = .use, claimLease: Double = 60) throws -> any CacheInventory {
        if isPostgresURL(location) { return try PostgresResponseCache(url: location, mode: mode, claimLease: claimLease) }
        return try ResponseCache(path: location, mode: mode, claimLease: claimLease)
    }
}

extension ResponseCache: ResponseStore {
    public var location: String { path }
}

extension Duration {
    /// Whole milliseconds, as the caches store latencies.
    var wholeMilliseconds: Int {
        Int(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}

/// One stored answer as the caches keep it, for copying between them.
public struct CacheEntry: Sendable, Equatable {
    public var key: String
    /// The model's identity (canonical JSON of its `modelDict`).
    public var model: String
    public var kind: String
    public var request: String
    /// The answer as JSON text.
    public var answer: String
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var latencyMilliseconds: Int?
    public var createdAt: Double
}

/// What a cache holds for one model.
public struct CacheModelSummary: Sendable, Equatable {
    public var model: String
    public var answers: Int
    public var promptTokens: Int
    public var completionTokens: Int
    /// Bytes of stored answer JSON.
    public var answerBytes: Int
}

/// Reading and seeding a cache as a whole (`runner cache`).
public protocol CacheInventory: ResponseStore {
    /// Answers and tokens by model, most answers first.
    func modelSummaries() throws -> [CacheModelSummary]
    /// Up to `limit` entries with keys after `key`, in key order (pages for copying).
    func entries(after key: String, limit: Int) throws -> [CacheEntry]
    /// Stores the entries whose keys are not there yet, in one transaction; how many were new.
    func insertMissing(_ entries: [CacheEntry]) throws -> Int
}
