import Models
import Response

/// What became of one item, kept in memory for the metrics (the full record goes to
/// `samples.jsonl` as soon as the item is done).
public struct ItemRecord: Sendable {
    public enum Status: String, Sendable {
        case scored, skipped, error
    }

    public var index: Int
    public var status: Status
    public var score: ItemScore?
    /// Why the item was skipped or failed.
    public var reason: String?
    public var cached: Bool
    public var retries: Int
    public var latency: Duration
    /// Tokens of answers fetched in this run, and of answers read from the cache.
    public var usage: TokenUsage
    public var cachedUsage: TokenUsage
    /// The part of `usage` that came through a batch API (`response.batch`), at the batch price.
    public var batchedUsage = TokenUsage()
    /// The safety checks' verdicts on the item's prompts and outputs.
    public var safety: [SafetyVerdict] = []
}

/// The answers of one item's requests, gathered as they arrive in any order.
struct PendingItem {
    var outcomes: [ResponseOutcome?]
    var remaining: Int

    init(requestCount: Int) {
        outcomes = Array(repeating: nil, count: requestCount)
        remaining = requestCount
    }
}
