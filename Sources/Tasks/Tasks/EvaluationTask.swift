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
    var items: [DatasetItem] { get }
    /// Per-item metrics, main metric first (`acc`, `exact_match`, ...).
    var metricNames: [String] { get }
    /// The requests for one item: one generation, or one loglikelihood per choice.
    func requests(for item: DatasetItem) -> [ModelRequest]
    /// Scores an item from the answers to its requests, in the same order.
    func score(_ item: DatasetItem, answers: [ModelAnswer]) -> ItemScore
    /// Class labels for the classification report (option letters or labels), or `nil` for
    /// tasks whose answers are free text.
    var classLabels: [String]? { get }
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

    public init(capabilities: ModelCapabilities, modelName: String, seed: Int) {
        self.capabilities = capabilities
        self.modelName = modelName
        self.seed = seed
    }
}
