import Config
import Foundation
import Models
import Response
import Synchronization

/// Gathers outcomes into items, scores finished items, appends their samples and tallies them.
actor ItemCollector {
    let task: any EvaluationTask
    let items: DatasetItems
    let samples: LineAppender
    let progressHandler: @Sendable (EvaluationProgress) -> Void
    let start: ContinuousClock.Instant
    let mainMetric: String
    /// Items with answers still to come: the item, its requests and the outcomes so far.
    var pending: [Int: PendingItem] = [:]
    private(set) var tally: ItemTally
    var progress: EvaluationProgress
    /// An item that could not be read again or scored: the run stops with it.
    private(set) var failure: TaskError?

    let maxErrorRate: Double
    let maxSkipRate: Double
    /// More items have errored than the error rate allows, counted over the whole task.
    private(set) var errorLimitReached = false
    /// More items were skipped than the skip rate allows.
    private(set) var skipLimitReached = false

    init(task: any EvaluationTask, items: DatasetItems, samples: LineAppender,
         progress: @escaping @Sendable (EvaluationProgress) -> Void, start: ContinuousClock.Instant, maxErrorRate: Double = 1, maxSkipRate: Double = 1) {
        self.maxErrorRate = maxErrorRate
        self.maxSkipRate = maxSkipRate
        self.task = task
        self.items = items
        self.samples = samples
        self.progressHandler = progress
        self.start = start
        self.mainMetric = task.metricNames.first ?? "score"
        self.progress = EvaluationProgress(total: items.count)
        self.tally = ItemTally(items: items.count, keepsLabels: task.classLabels != nil, countsNulls: task.readsAnswers)
    }

    /// Takes one request's outcome; true when the run should stop: this outcome's item pushed
    /// the errors past the allowed rate, or the item could not be read again.
    func receive(_ outcome: ResponseOutcome) -> Bool {
        let parts = outcome.id.split(separator: ":")
        guard failure == nil, parts.count == 2, let index = Int(parts[0]), let k = Int(parts[1]), (0..<items.count).contains(index) else { return false }
        // After Ctrl-C (or the stop below), requests cut off in flight fail; they are not the item's fault.
        if Task.isCancelled, case .failed = outcome.status { return false }
        var entry: PendingItem
        if let known = pending[index] {
            entry = known
        } else {
            do {
                let item = try items.item(at: index)
                entry = PendingItem(item: item, requests: try task.requests(for: item))
            } catch {
                failure = error
                return true
            }
        }
        guard entry.outcomes.indices.contains(k), entry.outcomes[k] == nil else { return false }
        entry.outcomes[k] = outcome
        entry.remaining -= 1
        guard entry.remaining == 0 else { pending[index] = entry; return false }
        pending[index] = nil
        do {
            try finish(entry)
        } catch {
            failure = error
            return true
        }
        if !skipLimitReached, !errorLimitReached, Double(tally.skippedUnanswered) / Double(max(items.count, 1)) > maxSkipRate {
            skipLimitReached = true
            return true
        }
        guard !errorLimitReached, !skipLimitReached, Double(progress.errors) / Double(max(items.count, 1)) > maxErrorRate else { return false }
        errorLimitReached = true
        return true
    }

    private func finish(_ entry: PendingItem) throws(TaskError) {
        let outcomes = entry.outcomes.map { $0! }
        var record = ItemRecord(index: entry.item.index, id: entry.item.id, status: .scored, score: nil, reason: nil,
                                cached: outcomes.allSatisfy(\.cached), retries: outcomes.reduce(0) { $0 + $1.retries },
                                latency: outcomes.reduce(Duration.zero) { $0 + $1.latency },
                                usage: TokenUsage(), cachedUsage: TokenUsage())
        var answers: [ModelAnswer] = []
        for outcome in outcomes {
            record.safety += outcome.safety
            switch outcome.status {
            case .answered(let answer):
                answers.append(answer)
                if let usage = answer.usage {
                    if outcome.cached { record.cachedUsage.add(usage) } else { record.usage.add(usage) }
                    if outcome.batched { record.batchedUsage.add(usage) }
                }
            case .skipped(let reason):
                if record.status == .scored { record.status = .skipped; record.reason = reason }
            case .failed(let error):
                record.status = .error
                record.reason = error.message
            }
        }
        if record.status == .scored { record.score = try task.score(entry.item, answers: answers) }
        samples.append(SampleRecord.line(item: entry.item, requests: entry.requests, record: record, mainMetric: mainMetric))
        tally.add(record)
        progress.done += 1
        if record.cached { progress.cached += 1 }
        progress.retries += record.retries
        if record.status == .skipped { progress.skipped += 1 }
        if record.status == .error { progress.errors += 1 }
        progress.elapsed = ContinuousClock.now - start
        if progress.firstFinished == nil { progress.firstFinished = progress.elapsed }
        progressHandler(progress)
    }
}

extension TokenUsage {
    /// Adds counts, saturating: a server's absurd count must not end the run.
    mutating func add(_ other: TokenUsage) {
        let (p, po) = promptTokens.addingReportingOverflow(other.promptTokens)
        let (c, co) = completionTokens.addingReportingOverflow(other.completionTokens)
        promptTokens = po ? Int.max : p
        completionTokens = co ? Int.max : c
    }
}
