import Config
import Models

/// How the ResponseComponent talks to a model, from `response` in the config.
public struct ResponsePolicy: Sendable, Equatable {
    public var runAsync: Bool
    public var maxConcurrency: Int
    public var maxRetries: Int
    public var backoff: Backoff
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    public var skipOversized: Bool
    /// Bytes per token for estimates when the model has no tokenizer.
    public var estimateBytesPerToken: Double
    /// The batch API's settings, when the run sends its requests in batches.
    public var batch: BatchSettings?

    public struct BatchSettings: Sendable, Equatable {
        public var size: Int
        public var completionWindow: String
        public var pollInterval: Double
        public init(size: Int = 50_000, completionWindow: String = "24h", pollInterval: Double = 30) {
            self.size = size
            self.completionWindow = completionWindow
            self.pollInterval = pollInterval
        }
    }

    public init(runAsync: Bool = true, maxConcurrency: Int = 8, maxRetries: Int = 5, backoff: Backoff = Backoff(),
                requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, skipOversized: Bool = true,
                estimateBytesPerToken: Double = 4.0) {
        self.runAsync = runAsync
        self.maxConcurrency = max(1, maxConcurrency)
        self.maxRetries = max(0, maxRetries)
        self.backoff = backoff
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.skipOversized = skipOversized
        self.estimateBytesPerToken = estimateBytesPerToken
    }

    /// The policy for `model`: its backend's own request settings over `config`'s.
    public init(_ config: ResponseConfig, model: any LanguageModel) {
        self.init(config)
        if let concurrency = model.requestSettings.maxConcurrency, runAsync { maxConcurrency = max(1, concurrency) }
        if let retries = model.requestSettings.maxRetries { maxRetries = max(0, retries) }
    }

    public init(_ config: ResponseConfig) {
        self.init(runAsync: config.runAsync, maxConcurrency: config.runAsync ? config.maxConcurrency : 1,
                  maxRetries: config.maxRetries, backoff: Backoff(initialWait: config.initialWait, maxWait: config.maxWait),
                  requestsPerMinute: config.requestsPerMinute, tokensPerMinute: config.tokensPerMinute,
                  skipOversized: config.skipOversized)
        if config.batch {
            batch = BatchSettings(size: config.batchSize, completionWindow: config.completionWindow, pollInterval: config.pollInterval)
        }
    }
}
