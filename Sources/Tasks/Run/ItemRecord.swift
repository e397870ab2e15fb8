import Models
import Response

/// What became of one item: written to `samples.jsonl` as soon as the item is done, then
/// tallied (``ItemTally``) and dropped.
public struct ItemRecord: Sendable {
    public enum Status: String, Sendable {
        case scored, skipped, error
    }

    public var index: Int
    /// The item's id, as samples.jsonl names it.
    public var id: String = ""
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

    /// Skipped because a safety check flagged it (`safety.action: skip`), not for lack of room.
    public var skippedBySafety: Bool { status == .skipped && safety.contains { $0.flagged } }
}

/// An item whose answers are coming in, in any order.
struct PendingItem {
    var item: DatasetItem
    var requests: [ModelRequest]
    var outcomes: [ResponseOutcome?]
    var remaining: Int

    init(item: DatasetItem, requests: [ModelRequest]) {
        self.item = item
        self.requests = requests
        outcomes = Array(repeating: nil, count: requests.count)
        remaining = requests.count
    }
}
