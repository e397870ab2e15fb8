import Config
import Models
import Response

/// An evaluation task: its items, the requests that answer each, and how answers are scored.
///
/// A task knows nothing of servers, caches or retries: it hands requests to the evaluation,
/// which asks the ``Response/ResponseComponent`` and gives the answers back in the same order.
/// Add a task by writing a type that conforms and one line in ``TaskRegistry/default``.
public protocol EvaluationTask: Sendable {
    /// The items to evaluate, loaded and checked: every item has what scoring needs.
    var items: DatasetItems { get }
    /// Per-item metrics, main metric first (`acc`, `exact_match`, ...).
    var metricNames: [String] { get }
    /// The requests for one item: one generation, or one loglikelihood per choice.
    ///
    /// Called again when the item's answers are in (an evaluation keeps no item longer than
    /// its requests are in flight), so it must give the same requests each time.
    func requests(for item: DatasetItem) throws(TaskError) -> [ModelRequest]
    /// Scores an item from the answers to its requests, in the same order.
    func score(_ item: DatasetItem, answers: [ModelAnswer]) throws(TaskError) -> ItemScore
    /// Class labels for the classification report (option letters or labels), or `nil` for
    /// tasks whose answers are free text.
    var classLabels: [String]? { get }
    /// The metric a summary and a sweep's table lead with; `nil`: the first of ``metricNames``.
    var mainMetric: String? { get }
    /// The name results are reported under; `nil`: the config's `task.name`.
    var title: String? { get }
    /// Whether an answer is read into a prediction that can fail (a letter, a label, a filtered
    /// text): only then is an item without one a null. lm-eval's loglikelihood tasks read nothing.
    var readsAnswers: Bool { get }
    /// Bootstrap resamples for confidence intervals; `nil`: 1,000.
    var bootstrapIterations: Int? { get }
    /// Task-specific entries for `results.json` (lm-eval's own metric keys, say), after ours,
    /// from the scored items and the metrics already estimated from them.
    func extraResults(_ scores: ScoreColumns, metrics: [(String, MetricEstimate)]) -> [(String, OrderedJSON)]
    /// A metric over the scored items with its confidence interval. The default aggregates the
    /// items' values with the metric's registered aggregation (``MetricRegistry``).
    func estimate(_ metric: String, scores: ScoreColumns, iterations: Int, seed: Int) -> MetricEstimate
    /// The aggregation of a metric's item values; the default is the metric's registered one.
    func aggregation(of metric: String) -> String
}

extension EvaluationTask {
    public var mainMetric: String? { nil }
    public var title: String? { nil }
    public var readsAnswers: Bool { true }
    public var bootstrapIterations: Int? { nil }
    public func extraResults(_ scores: ScoreColumns, metrics: [(String, MetricEstimate)]) -> [(String, OrderedJSON)] { [] }

    public func estimate(_ metric: String, scores: ScoreColumns, iterations: Int, seed: Int) -> MetricEstimate {
        MetricRegistry.default.estimate(scores.metricValues(metric), aggregation: aggregation(of: metric), iterations: iterations, seed: seed)
    }

    public func aggregation(of metric: String) -> String {
        MetricRegistry.default.metric(named: metric)?.aggregation ?? "mean"
    }

    /// Checks that `names` (a task's `scoring.metrics`) are metrics the task reports, and
    /// returns the first, the main metric.
    ///
    /// - Throws: ``TaskError`` at `task.scoring.metrics` naming the unknown metric.
    static func checkMetrics(_ names: [String]?, known: [String]) throws(TaskError) -> String? {
        for name in names ?? [] where !known.contains(name) {
            var hint = "this task reports: \(known.joined(separator: ", "))"
            hint = DidYouMean.hint(name, among: known, then: hint)
            throw TaskError("unknown metric '\(name)'", at: "task.scoring.metrics", hint: hint)
        }
        return names?.first
    }
}

/// How one item was scored.
public struct ItemScore: Sendable {
    /// The gold answer: an option key, or the first accepted answer.
    public var gold: String
    /// Every accepted answer (qa), for the sample record.
    public var golds: [String]
    /// The parsed answer; `nil` when the answer could not be read (counted wrong).
    public var prediction: String?
    /// The model's text as it came (empty for loglikelihood scoring).
    public var raw: String
    /// Per-item metric values, keyed by ``EvaluationTask/metricNames``.
    public var metrics: [String: Double]
    /// How the answer was read, when a task has several ways (`logprobs`, `generate_fallback`).
    public var method: String?
    /// Scores per option and other details for the sample record.
    public var detail: [(String, OrderedJSON)]
    /// What corpus-level metrics aggregate, per metric (lm-eval's `(loglikelihood, words)` of a
    /// perplexity, `(gold, prediction)` of an F1 or macro-F1): see ``MetricRegistry/estimate``.
    /// Kept (as numbers) after the item's texts are written and dropped.
    public var corpusValues: [String: MetricValue] = [:]
    /// Where the gold answers stand among the choices, when the answers are choices' texts
    /// (lm-eval's multiple_choice): `gold_index` in the sample record, beside `gold`.
    public var goldIndices: [Int]?
    /// Where the prediction stands among the choices (nil when it is none of them): `parsed_index`.
    public var predictionIndex: Int?
    /// The metric the sample record's `score` shows, when it is not the task's main one (an
    /// item of one task among several shows its own task's).
    public var scoreMetric: String?

    public init(gold: String, golds: [String]? = nil, prediction: String?, raw: String, metrics: [String: Double],
                method: String? = nil, detail: [(String, OrderedJSON)] = []) {
        self.gold = gold
        self.golds = golds ?? [gold]
        self.prediction = prediction
        self.raw = raw
        self.metrics = metrics
        self.method = method
        self.detail = detail
    }
}

/// What a task builder may need to know about the run.
public struct TaskContext: Sendable {
    public var capabilities: ModelCapabilities
    /// The model's name in the registry, for error messages.
    public var modelName: String
    /// The run seed (few-shot draws; bootstrap resamples).
    public var seed: Int
    /// Where a relative data path from the config is found (the runner looks in the current
    /// folder, then beside the config folder).
    public var dataPath: @Sendable (String) -> String
    /// The model's own chat template as text (``Models/LanguageModel/chatText(_:addGenerationPrompt:)``),
    /// `nil` when the model has none.
    public var chatText: @Sendable ([ChatMessage], Bool) throws -> String?

    public init(capabilities: ModelCapabilities, modelName: String, seed: Int,
                dataPath: @escaping @Sendable (String) -> String = { $0 },
                chatText: @escaping @Sendable ([ChatMessage], Bool) throws -> String? = { _, _ in nil }) {
        self.capabilities = capabilities
        self.modelName = modelName
        self.seed = seed
        self.dataPath = dataPath
        self.chatText = chatText
    }
}
