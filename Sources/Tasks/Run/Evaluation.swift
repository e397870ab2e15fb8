import Config
import Foundation
import Models
import Response
import Synchronization

/// Runs a task against a model through the ResponseComponent, scoring and recording each
/// item as soon as its answers are in.
///
/// `samples.jsonl` grows one complete line per finished item, and `results.json` is written
/// when the run starts (status `running`) and replaced at the end, so a killed run leaves
/// every finished item on disk, and its re-run, with the cache, asks only for the rest.
///
/// ```swift
/// let evaluation = Evaluation(task: task, responder: component, settings: settings)
/// let result = try await evaluation.run { progress in display.update(progress) }
/// ```
public struct Evaluation: Sendable {
    /// What the evaluation records besides the answers.
    public struct Settings: Sendable {
        public var directory: String
        public var taskName: String
        public var modelName: String
        public var seed: Int
        public var bootstrapIterations: Int
        public var maxErrorRate: Double
        /// More skipped items than this share of the task fail the run (`response.max_skip_rate`).
        public var maxSkipRate: Double = 1
        /// Above this share of unreadable answers the run warns (`task.max_null_rate`).
        public var maxNullRate: Double = 1
        public var pricing: Pricing?
        /// SHA-256 of the composed config (secrets masked).
        public var configHash: String
        public var overrides: [String]
        public var versions: [(String, String)]
        /// The metric a sweep summary shows; default: the task's first.
        public var mainMetric: String?
        /// The safety judge's prices (`safety.judge.pricing`), for the checks' cost.
        public var safetyPricing: Pricing?

        public init(directory: String, taskName: String, modelName: String, seed: Int, bootstrapIterations: Int = 1000,
                    maxErrorRate: Double, pricing: Pricing?, configHash: String, overrides: [String], versions: [(String, String)],
                    mainMetric: String? = nil) {
            self.mainMetric = mainMetric
            self.directory = directory
            self.taskName = taskName
            self.modelName = modelName
            self.seed = seed
            self.bootstrapIterations = bootstrapIterations
            self.maxErrorRate = maxErrorRate
            self.pricing = pricing
            self.configHash = configHash
            self.overrides = overrides
            self.versions = versions
        }

        public var samplesPath: String { directory + "/samples.jsonl" }
        public var resultsPath: String { directory + "/results.json" }
    }

    public let task: any EvaluationTask
    public let responder: any Responder
    public let settings: Settings

    public init(task: any EvaluationTask, responder: any Responder, settings: Settings) {
        self.task = task
        self.responder = responder
        self.settings = settings
    }

    /// Answers and scores every item.
    ///
    /// Cancelling the calling task stops the run: answers already received are kept (and
    /// cached), and the result's status is `interrupted`.
    public func run(progress: @escaping @Sendable (EvaluationProgress) -> Void = { _ in }) async throws(TaskError) -> EvaluationResult {
        let started = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let items = task.items
        try? FileManager.default.removeItem(atPath: settings.samplesPath)
        let samples = try LineAppender(path: settings.samplesPath)
        let collector = ItemCollector(task: task, items: items, samples: samples, progress: progress, start: start,
                                      maxErrorRate: settings.maxErrorRate, maxSkipRate: settings.maxSkipRate)
        let keepsLabels = task.classLabels != nil
        try writeResults(EvaluationResult(status: .running, tally: ItemTally(items: 0, keepsLabels: keepsLabels, countsNulls: task.readsAnswers), settings: settings, task: task,
                                          modelDict: responder.model.modelDict, started: started, finished: nil, seconds: 0))

        // Items are read and turned into requests as the responder asks for them; the collector
        // reads each again when its answers are in, so no item outlives its requests.
        let work = RequestStream(task: task, items: items)
        var status = EvaluationResult.Status.completed
        var stopCause: ModelError?
        // Once more items have errored than max_error_rate allows of the whole task, the run
        // cannot pass any more: the requests still to come are not sent, and the answers in
        // flight are awaited and recorded (they are paid for).
        let responder = self.responder
        let answering = Task {
            try await responder.run(work) { outcome in
                if await collector.receive(outcome) { work.close() }
            }
        }
        do {
            try await withTaskCancellationHandler { try await answering.value } onCancel: { answering.cancel() }
        } catch let stopped as RunStopped {
            status = .stopped
            stopCause = stopped.cause
        } catch {
            status = .interrupted
        }
        if Task.isCancelled { status = .interrupted }
        // An item that could not be read or asked about ends the run with its error, after the
        // finished items are recorded.
        let collectorFailure = await collector.failure
        let readError = work.failure ?? collectorFailure
        if readError != nil { status = .failed }
        let tally = await collector.tally
        var result = EvaluationResult(status: status, tally: tally, settings: settings, task: task,
                                      modelDict: responder.model.modelDict, started: started, finished: Date(),
                                      seconds: (clock.now - start).seconds)
        result.stopReason = stopCause?.message ?? readError.map { "\($0.place.map { $0 + ": " } ?? "")\($0.message)" }
        result.stopHint = stopCause?.hint ?? readError?.hint
        if status == .completed, result.errorRate > settings.maxErrorRate { result.status = .failed }
        if await collector.errorLimitReached, !Task.isCancelled, status != .stopped {
            result.status = .failed
            result.stopReason = "stopped after \(tally.finished) of \(items.count) items: more than response.max_error_rate=\(PythonFormat.str(.double(settings.maxErrorRate))) of the task had errored"
        }
        let skipLimitReached = await collector.skipLimitReached
        if result.status == .completed || (skipLimitReached && !Task.isCancelled && status != .stopped) {
            Self.judgeAnswers(&result)
        }
        if let failure = samples.failure {
            result.status = .failed
            result.stopReason = "could not write every sample to samples.jsonl: \(failure); the answers are in the cache"
        }
        try writeResults(result)
        try samples.check()
        try writeLMEvalFiles(result)
        if let readError { throw readError }
        return result
    }

    /// A run that ran to its end can still have produced nothing worth a number: too many items
    /// skipped, nothing scored, or no answer readable. It fails then (a wrong number that says
    /// "completed" is worse than none); a high but partial null rate is a warning.
    static func judgeAnswers(_ result: inout EvaluationResult) {
        let settings = result.settings
        let total = result.totalItems
        let rate = { (x: Double) in PythonFormat.str(.double(x)) }
        let missing = result.tally.skippedUnanswered
        if total > 0, Double(missing) / Double(total) > settings.maxSkipRate {
            result.status = .failed
            result.stopReason = "\(missing) of \(total) items were skipped, more than response.max_skip_rate=\(rate(settings.maxSkipRate))"
                + (result.finishedCount < total ? " (stopped after \(result.finishedCount) items)" : "")
                + (result.tally.firstSkipReason.map { "; the first: " + $0 } ?? "")
            result.stopHint = "shorten the prompts or the generation budget (max_new_tokens, max_tokens), or give a model a longer context window; response.max_skip_rate=1 lets the run pass with the rest"
        } else if total > 0, result.scoredCount == 0 {
            result.status = .failed
            result.stopReason = "no item was scored"
            result.stopHint = "the reasons are in samples.jsonl"
        } else if result.scoredCount > 0, result.nullCount == result.scoredCount {
            result.status = .failed
            result.stopReason = "none of the \(result.scoredCount) answers could be read" + Self.nullExampleText(result)
            result.stopHint = "the model answers in a form the task's parser does not read: change the prompt or the scoring (task.scoring, lm-eval's filters), or check that the model is the one meant"
        } else if result.nullRate > settings.maxNullRate {
            result.warnings.append("\(result.nullCount) of \(result.scoredCount) answers (\(ResultSummary.format(result.nullRate * 100, 1))%) could not be read, more than task.max_null_rate=\(rate(settings.maxNullRate)); they are scored wrong"
                + Self.nullExampleText(result))
        }
    }

    /// `; the first: item q1: "raw", item q2: "raw"`.
    static func nullExampleText(_ result: EvaluationResult) -> String {
        let examples = result.tally.nullExamples
        guard !examples.isEmpty else { return "" }
        return "; the first: " + examples.map { "item \($0.id): \(OrderedJSON.string($0.raw).compact)" }.joined(separator: ", ")
    }

    /// lm-eval's own results and samples files beside ours, for lm-eval tasks that completed.
    private func writeLMEvalFiles(_ result: EvaluationResult) throws(TaskError) {
        guard result.status == .completed, let lmEval = result.extra.first(where: { $0.0 == "lm_eval" })?.1 else { return }
        var name = settings.modelName
        if case .object(let dict) = result.modelDict {
            for key in ["checkpoint_path", "pretrained", "model", "name"] { if case .string(let s)? = dict[key] { name = s; break } }
        }
        try LMEvalOutputFiles.write(lmEval: lmEval, directory: settings.directory, samplesPath: settings.samplesPath,
                                    modelSource: settings.modelName, modelName: name, modelArgs: result.modelDict,
                                    finished: Date(), seconds: result.seconds)
    }

    private func writeResults(_ result: EvaluationResult) throws(TaskError) {
        // If even that cannot be written, a short file says the run failed and why.
        let failed: OrderedJSON = .object([
            ("task", .string(settings.taskName)), ("model", .string(settings.modelName)), ("status", .string("failed")),
            ("stop_reason", .string("results.json could not be written (a full disk?); samples.jsonl holds the finished items")),
            ("metrics", .object([])),
        ])
        try FileWriting.writeAtomically(result.json.pretty, to: settings.resultsPath, fallback: failed.pretty)
    }
}
