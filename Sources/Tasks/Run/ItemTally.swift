import Models
import Response

/// What a run keeps of its finished items: counts, tokens, the safety checks' outcomes and the
/// scores as numbers (``ScoreColumns``). Each ``ItemRecord`` is added once, written to
/// `samples.jsonl`, and dropped, so memory does not grow with the answers' texts.
public struct ItemTally: Sendable {
    public private(set) var finished = 0
    public private(set) var scored = 0
    public private(set) var skipped = 0
    public private(set) var errored = 0
    /// Scored items whose answer could not be read.
    public private(set) var nulls = 0
    public private(set) var cached = 0
    public private(set) var retries = 0
    /// Tokens of answers fetched in this run, of answers read from the cache, and the part of
    /// the first that came through a batch API.
    public private(set) var usage = TokenUsage()
    public private(set) var cachedUsage = TokenUsage()
    public private(set) var batchedUsage = TokenUsage()
    public private(set) var scores: ScoreColumns
    public private(set) var safety = SafetyTally()
    /// Why the first skipped item (in the dataset's order) was skipped: what the
    /// console names when skips end a run.
    public var firstSkipReason: String? { firstSkip?.reason }
    private var firstSkip: (index: Int, reason: String)?
    /// Items a safety check left out on purpose (`safety.action: skip`): not missing answers.
    public private(set) var skippedBySafety = 0
    /// Skipped items that are missing answers (too long for the context window): what
    /// `response.max_skip_rate` limits.
    public var skippedUnanswered: Int { skipped - skippedBySafety }
    /// The first few answers that could not be read (item id, raw answer, cut short), shown
    /// when the null rate is high so the user sees the form the parser missed.
    public private(set) var nullExamples: [(index: Int, id: String, raw: String)] = []
    static let nullExampleCount = 3

    /// Whether a scored item without a prediction is a null (``EvaluationTask/readsAnswers``).
    let countsNulls: Bool

    /// - Parameters:
    ///   - items: the task's item count.
    ///   - keepsLabels: keep gold and predicted labels (labelled tasks' classification report).
    ///   - countsNulls: ``EvaluationTask/readsAnswers``.
    public init(items: Int, keepsLabels: Bool, countsNulls: Bool = true) {
        scores = ScoreColumns(items: items, keepsLabels: keepsLabels)
        self.countsNulls = countsNulls
    }

    public mutating func add(_ record: ItemRecord) {
        finished += 1
        switch record.status {
        case .scored: scored += 1
        case .skipped where record.skippedBySafety:
            skipped += 1
            skippedBySafety += 1
        case .skipped:
            skipped += 1
            // The first in the dataset's order, not in the order answers happened to arrive.
            if firstSkip.map({ record.index < $0.index }) ?? true {
                firstSkip = (record.index, "item \(record.id): \(record.reason ?? "skipped")")
            }
        case .error:
            errored += 1
        }
        if record.cached { cached += 1 }
        retries += record.retries
        usage.add(record.usage)
        cachedUsage.add(record.cachedUsage)
        batchedUsage.add(record.batchedUsage)
        if let score = record.score {
            if countsNulls, record.status == .scored, score.prediction == nil {
                nulls += 1
                // The first few in the dataset's order.
                if nullExamples.count < Self.nullExampleCount || record.index < nullExamples.last!.index {
                    let raw = score.raw.count > 200 ? String(score.raw.prefix(200)) + "..." : score.raw
                    nullExamples.insert((record.index, record.id, raw), at: nullExamples.firstIndex { record.index < $0.index } ?? nullExamples.endIndex)
                    if nullExamples.count > Self.nullExampleCount { nullExamples.removeLast() }
                }
            }
            scores.append(score, item: record.index)
        }
        for verdict in record.safety { safety.add(verdict) }
    }

    /// Closes the score columns; call once the last item is in.
    mutating func compact() { scores.compact() }
}

/// The safety checks of a run, per stage (prompt, output): what results.json's `safety` reports.
public struct SafetyTally: Sendable {
    public struct Stage: Sendable {
        public var checks = 0
        public var checked = 0
        public var flagged = 0
        public var categories: [String: Int] = [:]

        /// Flagged over checked (NaN when none was checked), with its 95% Wilson interval.
        public var flaggedRate: (value: Double, low: Double, high: Double) {
            let (low, high) = EvaluationResult.wilson(flagged, checked)
            return (checked == 0 ? .nan : Double(flagged) / Double(checked), low, high)
        }
    }

    public private(set) var stages: [String: Stage] = [:]
    /// The checks' own tokens, fetched and from the cache.
    public private(set) var usage = TokenUsage()
    public private(set) var cachedUsage = TokenUsage()

    public var isEmpty: Bool { stages.isEmpty }

    mutating func add(_ verdict: SafetyVerdict) {
        var stage = stages[verdict.stage.rawValue] ?? Stage()
        stage.checks += 1
        if verdict.error == nil {
            stage.checked += 1
            if verdict.flagged {
                stage.flagged += 1
                for category in verdict.categories { stage.categories[category, default: 0] += 1 }
            }
        }
        stages[verdict.stage.rawValue] = stage
        if let spent = verdict.usage { verdict.cached ? cachedUsage.add(spent) : usage.add(spent) }
    }
}
