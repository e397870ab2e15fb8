/// How answers are obtained from a model: concurrency, retries, skipping and the cache
/// (`response` in `conf/config.yaml`).
public struct ResponseConfig: Decodable, Sendable, Equatable {
    public var runAsync: Bool
    public var maxConcurrency: Int
    public var maxRetries: Int
    /// Seconds before the first retry (doubled each time, with full jitter).
    public var initialWait: Double
    /// The longest wait between retries, in seconds.
    public var maxWait: Double
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    /// Skip items whose prompt plus `max_tokens` exceeds the model's context window.
    public var skipOversized: Bool
    /// Fail the run when more than this fraction of items errored.
    public var maxErrorRate: Double
    /// Fail the run when more than this fraction of items was skipped (prompts too long for the
    /// context window): a skipped item is a missing answer, as rambla counts a null response.
    public var maxSkipRate: Double
    public var cache: CacheConfig
    /// Send the run's uncached requests through the provider's batch API (OpenAI's, half price).
    public var batch: Bool
    /// Requests per batch (OpenAI allows up to 50,000).
    public var batchSize: Int
    /// How long the provider may take (`24h`).
    public var completionWindow: String
    /// Seconds between two looks at a batch in progress.
    public var pollInterval: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case runAsync = "run_async"
        case maxConcurrency = "max_concurrency"
        case maxRetries = "max_retries"
        case initialWait = "initial_wait"
        case maxWait = "max_wait"
        case requestsPerMinute = "requests_per_minute"
        case tokensPerMinute = "tokens_per_minute"
        case skipOversized = "skip_oversized"
        case maxErrorRate = "max_error_rate"
        case maxSkipRate = "max_skip_rate"
        case cache
        case batch, batchSize = "batch_size", completionWindow = "completion_window", pollInterval = "poll_interval"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        runAsync = try c.decodeIfPresent(Bool.self, forKey: .runAsync) ?? true
        maxConcurrency = try c.decodeIfPresent(Int.self, forKey: .maxConcurrency) ?? 8
        maxRetries = try c.decodeIfPresent(Int.self, forKey: .maxRetries) ?? 5
        initialWait = try c.decodeIfPresent(Double.self, forKey: .initialWait) ?? 1
        maxWait = try c.decodeIfPresent(Double.self, forKey: .maxWait) ?? 60
        requestsPerMinute = try c.decodeIfPresent(Int.self, forKey: .requestsPerMinute)
        tokensPerMinute = try c.decodeIfPresent(Int.self, forKey: .tokensPerMinute)
        skipOversized = try c.decodeIfPresent(Bool.self, forKey: .skipOversized) ?? true
        maxErrorRate = try c.decodeIfPresent(Double.self, forKey: .maxErrorRate) ?? 0.05
        maxSkipRate = try c.decodeIfPresent(Double.self, forKey: .maxSkipRate) ?? 0.05
        cache = try c.decodeIfPresent(CacheConfig.self, forKey: .cache) ?? CacheConfig()
        batch = try c.decodeIfPresent(Bool.self, forKey: .batch) ?? false
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? 50_000
        completionWindow = try c.decodeIfPresent(String.self, forKey: .completionWindow) ?? "24h"
        pollInterval = try c.decodeIfPresent(Double.self, forKey: .pollInterval) ?? 30
        try ResponseConfig.check((1...50_000).contains(batchSize), "response.batch_size", "between 1 and 50000", decoder)
        try ResponseConfig.check(pollInterval.isFinite && pollInterval > 0, "response.poll_interval", "a number of seconds above 0", decoder)
        try ResponseConfig.check(maxConcurrency >= 1, "response.max_concurrency", "at least 1", decoder)
        try ResponseConfig.check(maxRetries >= 0, "response.max_retries", "0 or more", decoder)
        try ResponseConfig.check((0...1).contains(maxErrorRate), "response.max_error_rate", "between 0 and 1", decoder)
        try ResponseConfig.check((0...1).contains(maxSkipRate), "response.max_skip_rate", "between 0 and 1", decoder)
        try ResponseConfig.check(initialWait.isFinite && initialWait >= 0, "response.initial_wait", "a finite number of seconds, 0 or more", decoder)
        try ResponseConfig.check(maxWait.isFinite && maxWait >= initialWait, "response.max_wait", "a finite number of seconds, at least initial_wait", decoder)
        try ResponseConfig.check((requestsPerMinute ?? 1) >= 1, "response.requests_per_minute", "at least 1, or null for no limit", decoder)
        try ResponseConfig.check((tokensPerMinute ?? 1) >= 1, "response.tokens_per_minute", "at least 1, or null for no limit", decoder)
    }

    static func check(_ condition: Bool, _ key: String, _ expected: String, _ decoder: any Decoder) throws {
        guard condition else {
            throw ConfigError(.invalidValue, "'\(key)' must be \(expected)", keyPath: key,
                              location: (decoder as? NodeDecoder)?.node.node(at: KeyPath(parsing: String(key.split(separator: ".").last!)))?.location,
                              hint: "set \(key)=... to a valid value")
        }
    }
}

/// Where answers are cached and how the cache is used.
public struct CacheConfig: Decodable, Sendable, Equatable {
    public enum Mode: String, ConfigEnum {
        /// Read answers from the cache and store new ones.
        case use
        /// Ask again and overwrite what is stored.
        case refresh
        /// Read only; never write.
        case readOnly = "read_only"
        /// No cache at all.
        case off
    }

    public var path: String?
    public var mode: Mode
    /// `postgresql://USER@HOST:PORT/DB`: keep answers in PostgreSQL instead of the SQLite file
    /// (`memory:NAME`: in this process only, for tests).
    public var url: String?
    /// The environment variable holding the PostgreSQL password (libpq reads PGPASSWORD itself).
    public var passwordEnv: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, mode, url
        case passwordEnv = "password_env"
    }

    public init(path: String? = nil, mode: Mode = .use, url: String? = nil, passwordEnv: String? = nil) {
        self.path = path
        self.mode = mode
        self.url = url
        self.passwordEnv = passwordEnv
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decodeIfPresent(String.self, forKey: .path)
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? .use
        url = try c.decodeIfPresent(String.self, forKey: .url)
        passwordEnv = try c.decodeIfPresent(String.self, forKey: .passwordEnv)
    }
}
