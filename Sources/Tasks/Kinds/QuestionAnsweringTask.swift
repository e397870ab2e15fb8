import Config
import Models
import Response

/// Short-answer questions (`qa`): free generation scored against one or more accepted
/// answers by exact match, token F1 and contains, after SQuAD's normalisation
/// (`task.scoring.normalize`, default true). Each metric takes the best over the answers.
public struct QuestionAnsweringTask: RegisteredTask {
    public let items: DatasetItems
    public let metricNames = ["exact_match", "f1", "contains"]
    public var classLabels: [String]? { nil }

    let prompting: TaskPrompting
    let normalize: Bool
    let maxTokens: Int?

    public let mainMetric: String?
    public let bootstrapIterations: Int?

    public static func check(_ config: StandardTaskConfig) throws(TaskError) {
        guard config.scoring.mode == .exactMatch || config.scoring.mode == .generate else {
            throw TaskError("qa has no scoring mode '\(config.scoring.mode.rawValue)'", at: "task.scoring.mode",
                            hint: "use exact_match (free generation, scored by exact match, F1 and contains)")
        }
        if let maxTokens = config.scoring.maxTokens, maxTokens < 1 {
            throw TaskError("'task.scoring.max_tokens' must be at least 1, not \(maxTokens)", at: "task.scoring.max_tokens",
                            hint: "null uses the model's own setting")
        }
        _ = try checkMetrics(config.scoring.metrics, known: ["exact_match", "f1", "contains"])
        try TaskPrompting.check(config.prompt)
    }

    public init(_ settings: StandardTaskConfig, context: TaskContext) throws {
        try Self.check(settings)
        var config = settings
        config.dataset.path = context.dataPath(config.dataset.path)
        normalize = config.scoring.normalize ?? true
        maxTokens = config.scoring.maxTokens
        mainMetric = config.scoring.metrics?.first
        bootstrapIterations = config.scoring.bootstrapIters
        let items = try DatasetLoader.load(config.dataset, required: ["question"])
        self.items = items
        // Each example shows its own first accepted answer.
        prompting = try TaskPrompting(config, context: context, items: items, required: ["question"],
                                      extraFields: [], forceText: false,
                                      checkItem: { item throws(TaskError) in _ = try Self.readAnswers(item) }) { example throws(TaskError) in
            (example.textValues, try Self.readAnswers(example)[0])
        }
    }

    static func readAnswers(_ item: DatasetItem) throws(TaskError) -> [String] {
        let answers: [String]
        switch item["answers"] ?? .null {
        case .array(let values): answers = values.map(\.promptText).filter { !$0.trimmingSpaces.isEmpty }
        case .null: answers = []
        case let value: answers = [value.promptText].filter { !$0.trimmingSpaces.isEmpty }
        }
        guard !answers.isEmpty else {
            throw TaskError("item has no gold answer", at: item.itemPlace,
                            hint: "give each record 'answers': a string or a list of accepted strings")
        }
        return answers
    }

    public func requests(for item: DatasetItem) throws(TaskError) -> [ModelRequest] {
        let shots = try prompting.shots(for: item)
        let prompt = prompting.builder.prompt(item.textValues, shots: shots)
        // A text prompt continues past the answer into the next question; stop at the line end.
        let stop: [String]? = prompting.builder.useChat ? nil : ["\n"]
        return [.generate(GenerationRequest(prompt: prompt, parameters: GenerationParameters(maxTokens: maxTokens, stop: stop)))]
    }

    /// Every metric is a mean over items (SQuAD's F1 is averaged, not lm-eval's corpus F1).
    public func aggregation(of metric: String) -> String { "mean" }

    public func score(_ item: DatasetItem, answers: [ModelAnswer]) throws(TaskError) -> ItemScore {
        let golds = try Self.readAnswers(item)
        guard case .generation(let generation) = answers.first else {
            return ItemScore(gold: golds[0], golds: golds, prediction: nil, raw: "", metrics: ["exact_match": 0, "f1": 0, "contains": 0])
        }
        let prediction = ChoiceParser.clean(generation.text)
        let values = try MetricRegistry.default.values(metricNames, for: .shortAnswer(prediction: prediction, references: golds, normalize: normalize))
        return ItemScore(gold: golds[0], golds: golds, prediction: prediction.isEmpty ? nil : prediction, raw: generation.text,
                         metrics: values.mapValues(\.number))
    }
}
