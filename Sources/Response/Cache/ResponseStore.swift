import Models

/// Where answers are kept between runs, and who is asking for what: a store is the three roles
/// below. Kinds of store (SQLite, PostgreSQL, memory) are listed once, in ``ResponseStores``.
/// All keep the same keys, modes and guarantees: an answer is committed before it is handed on,
/// failures are never stored, and an answer being asked for is claimed so that nobody asks for
/// it twice at once.
public typealias ResponseStore = AnswerStore & ClaimLedger & BatchLedger

/// Answers by cache key.
public protocol AnswerStore: Sendable {
    var mode: CacheMode { get }
    /// The file or server, for logs (never with a password).
    var location: String { get }
    /// The stored answers for many keys at once, by key (none in `refresh` mode).
    func answers(forKeys keys: [String]) throws -> [String: ModelAnswer]
    /// Stores an answer (upsert), committed before returning; ends any claim on it.
    func store(_ answer: ModelAnswer, forKey key: String, modelDict: JSONValue, request: ModelRequest, latency: Duration) throws
}

/// Who is asking for which answer now, so that two runs on one store never pay for it twice.
/// Claims are taken only in `use` mode; in the others every key is this owner's to ask.
public protocol ClaimLedger: Sendable {
    /// How long a claim lasts unless renewed.
    var claimLease: Double { get }
    /// Stored answers for `keys`, and a claim on each of the others that nobody else holds.
    func claim(keys: [String]) throws -> [String: ClaimState]
    /// Gives up this owner's claim on `key`.
    func release(key: String) throws
    /// Gives up every claim this owner holds.
    func releaseAllClaims() throws
    /// Extends the lease of every claim this owner holds.
    func renewClaims() throws
}

/// Batches sent to a provider's batch API and not read back yet (`response.batch`).
public protocol BatchLedger: Sendable {
    /// Records a batch sent to a batch API, before polling it.
    func recordBatch(_ batch: PendingBatch) throws
    /// The batches of `model` (its identity's hash) sent and not yet read back, oldest first.
    func pendingBatches(model: String) throws -> [PendingBatch]
    /// Forgets a batch whose answers are stored.
    func finishBatch(id: String) throws
}

/// What opening a store takes besides its location.
public struct StoreOptions: Sendable {
    public var mode: CacheMode
    public var claimLease: Double
    /// The environment variable holding a server's password (`response.cache.password_env`).
    public var passwordVariable: String?

    public init(mode: CacheMode = .use, claimLease: Double = 60, passwordVariable: String? = nil) {
        self.mode = mode
        self.claimLease = claimLease
        self.passwordVariable = passwordVariable
    }
}

/// One kind of store, told apart by the location it is given.
public protocol ResponseStoreKind {
    /// Whether `location` names a store of this kind (a `postgresql://` URL, `memory:NAME`).
    static func names(_ location: String) -> Bool
    /// Opens (and creates where needed) the store at `location`.
    static func make(_ location: String, options: StoreOptions) throws -> any CacheInventory
}

/// The kinds of store, chosen in one place: the first whose ``ResponseStoreKind/names(_:)``
/// takes the location; a SQLite file takes the rest. Adding a kind is a type and a line here.
public enum ResponseStores {
    static let kinds: [any ResponseStoreKind.Type] = [
        PostgresResponseCache.self,
        InMemoryResponseStore.self,
        ResponseCache.self,
    ]

    /// Whether `location` names a store that is not a file (a server, memory).
    public static func isFile(_ location: String) -> Bool {
        kind(of: location) == ResponseCache.self
    }

    static func kind(of location: String) -> any ResponseStoreKind.Type {
        kinds.first { $0.names(location) } ?? ResponseCache.self
    }

    /// The store at `location`: a `postgresql://` URL, `memory:NAME`, else a SQLite file
    /// (created if missing).
    public static func open(_ location: String, options: StoreOptions = StoreOptions()) throws -> any CacheInventory {
        try kind(of: location).make(location, options: options)
    }

    /// A run's store: `response.cache.url` when set (a server or memory, never a file),
    /// else the SQLite file at `response.cache.path`.
    public static func open(url: String?, path: String, options: StoreOptions) throws -> any CacheInventory {
        guard let url else { return try open(path, options: options) }
        guard !isFile(url) else {
            throw CacheStoreError("'\(url)' is not a PostgreSQL URL", at: "response.cache.url",
                                  hint: "write postgresql://USER@HOST:PORT/DATABASE (memory:NAME keeps answers in this process only); a file goes in response.cache.path")
        }
        return try open(url, options: options)
    }
}

extension ResponseCache: ResponseStoreKind {
    public var location: String { path }

    /// Any location no other kind names: a file path.
    public static func names(_ location: String) -> Bool { true }

    public static func make(_ location: String, options: StoreOptions) throws -> any CacheInventory {
        try ResponseCache(path: location, mode: options.mode, claimLease: options.claimLease)
    }
}

extension PostgresResponseCache: ResponseStoreKind {
    public static func names(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    public static func make(_ location: String, options: StoreOptions) throws -> any CacheInventory {
        try PostgresResponseCache(url: location, mode: options.mode, passwordVariable: options.passwordVariable, claimLease: options.claimLease)
    }
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

/// Reading and seeding a cache as a whole (`runner cache`): every kind of store is one.
public protocol CacheInventory: AnswerStore, ClaimLedger, BatchLedger {
    /// The number of stored answers.
    func count() throws -> Int
    /// The number of claims held now, by anyone.
    func claimCount() throws -> Int
    /// Answers and tokens by model, most answers first.
    func modelSummaries() throws -> [CacheModelSummary]
    /// Up to `limit` entries with keys after `key`, in key order (pages for copying).
    func entries(after key: String, limit: Int) throws -> [CacheEntry]
    /// Stores the entries whose keys are not there yet, in one transaction; how many were new.
    func insertMissing(_ entries: [CacheEntry]) throws -> Int
}
