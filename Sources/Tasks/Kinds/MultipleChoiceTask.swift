import Config
import Models
import Response

/// Multiple-choice questions (`mcq`), scored one of three ways (`task.scoring.mode`):
///
/// - `generate`: the prompt lists lettered options and the answer is read from the text
///   (``ChoiceParser``); an unreadable answer is `null` and counts as wrong.
/// - `loglikelihood`: each option is scored as a continuation of the prompt; `acc` picks the
///   highest log probability, `acc_norm` the highest per character, as lm-evaluation-harness does.
/// - `chat_logprobs`: one token is generated with `top_logprobs`, and the best-scoring option
///   key wins; without logprobs from the server, the text is read as in `generate`.
///
/// With `scoring.labels` (`[yes, no, maybe]`) the options are fixed labels instead of per-item
/// choices: the PubMedQA-style variant.
public struct MultipleChoiceTask: RegisteredTask {
    public let items: DatasetItems
    public let metricNames: [String]
    public var classLabels: [String]? { allKeys }

    let mode: ScoringConfig.Mode
    let continuation: ScoringConfig.Continuation
    let prompting: TaskPrompting
    let answerPrefix: String
    let maxTokens: Int?
    /// Option keys: the letters, or the fixed labels.
    let allKeys: [String]
    let labels: [String]?

    public let mainMetric: String?
    public let bootstrapIterations: Int?

    /// What a scoring mode reports: acc, acc_norm when options are scored as continuations, macro-F1.
    static func metricNames(_ mode: ScoringConfig.Mode) -> [String] {
        mode == .loglikelihood ? ["acc", "acc_norm", "macro_f1"] : ["acc", "macro_f1"]
    }

    /// The option keys a config asks for: the labels, or the letters (default A-D).
    static func keys(_ scoring: ScoringConfig) -> (keys: [String], labels: [String]?) {
        let labels = scoring.labels.flatMap { $0.isEmpty ? nil : $0 }
        return (labels ?? scoring.letters ?? ["A", "B", "C", "D"], labels)
    }

    public static func check(_ config: StandardTaskConfig) throws(TaskError) {
        let scoring = config.scoring
        if scoring.mode == .exactMatch {
            throw TaskError("mcq has no scoring mode 'exact_match'", at: "task.scoring.mode",
                            hint: "use generate, loglikelihood or chat_logprobs (exact_match is for qa)")
        }
        let (allKeys, labels) = keys(scoring)
        if labels == nil, allKeys.count < 2 {
            throw TaskError("task.scoring.letters needs at least two letters, not \(allKeys)", at: "task.scoring.letters",
                            hint: "the default is [A, B, C, D]; for word answers use task.scoring.labels")
        }
        if labels == nil, allKeys.contains(where: { $0.count != 1 || !$0.first!.isLetter }) {
            throw TaskError("option letters must be single letters, not \(allKeys)", at: "task.scoring.letters",
                            hint: "for word answers use task.scoring.labels, like [yes, no, maybe]")
        }
        if Set(allKeys).count != allKeys.count {
            throw TaskError("option keys repeat: \(allKeys)", at: labels == nil ? "task.scoring.letters" : "task.scoring.labels")
        }
        if let maxTokens = scoring.maxTokens, maxTokens < 1 {
            throw TaskError("'task.scoring.max_tokens' must be at least 1, not \(maxTokens)", at: "task.scoring.max_tokens",
                            hint: "null uses the model's own setting")
        }
        if let iterations = scoring.bootstrapIters, iterations < 1 {
            throw TaskError("'task.scoring.bootstrap_iters' must be at least 1, not \(iterations)", at: "task.scoring.bootstrap_iters")
        }
        _ = try checkMetrics(scoring.metrics, known: metricNames(scoring.mode))
        try TaskPrompting.check(config.prompt)
    }

    public init(_ settings: StandardTaskConfig, context: TaskContext) throws {
        try Self.check(settings)
        var config = settings
        config.dataset.path = context.dataPath(config.dataset.path)
        let scoring = config.scoring
        mode = scoring.mode
        continuation = scoring.continuation ?? .letter
        answerPrefix = scoring.answerPrefix ?? "Answer:"
        maxTokens = scoring.maxTokens ?? (mode == .chatLogprobs ? 1 : nil)
        (allKeys, labels) = Self.keys(scoring)
        switch mode {
        case .loglikelihood where !context.capabilities.loglikelihood:
            throw TaskError("model '\(context.modelName)' cannot score continuations (loglikelihood)", at: "task.scoring.mode",
                            hint: "use a completions backend (openai_completion, local_completions, aleph_alpha), or task.scoring.mode=chat_logprobs or generate")
        case .chatLogprobs where !context.capabilities.logprobs:
            throw TaskError("model '\(context.modelName)' returns no token logprobs", at: "task.scoring.mode",
                            hint: "use task.scoring.mode=generate")
        default: break
        }
        metricNames = Self.metricNames(mode)
        mainMetric = scoring.metrics?.first
        bootstrapIterations = scoring.bootstrapIters

        let required = labels == nil ? ["question", "choices"] : []
        let items = try DatasetLoader.load(config.dataset, required: required)
        self.items = items
        let (keys, labels, continuation, mode) = (allKeys, labels, continuation, mode)
        // Each example shows its own options and gold answer, read from its own record.
        prompting = try TaskPrompting(config, context: context, items: items, required: required,
                                      extraFields: ["choices", "letters", "labels"], forceText: mode == .loglikelihood,
                                      checkItem: { item throws(TaskError) in _ = try Self.readOptions(item, keys: keys, labels: labels) }) { example throws(TaskError) in
            let (texts, gold) = try Self.readOptions(example, keys: keys, labels: labels)
            let index = keys.firstIndex(of: gold)!
            let answer = continuation == .text && mode == .loglikelihood ? texts[index] : gold
            return (Self.values(example, texts: texts, keys: keys, labels: labels), answer)
        }
    }

    /// The item's option texts and its gold key, from `choices` and `answer`.
    static func readOptions(_ item: DatasetItem, keys: [String], labels: [String]?) throws(TaskError) -> (texts: [String], gold: String) {
        let texts: [String]
        if let labels {
            texts = labels
        } else {
            guard case .array(let choices) = item["choices"] ?? .null else {
                throw TaskError("'choices' must be a list of options", at: item.itemPlace,
                                hint: "write \"choices\": [\"...\", \"...\"], or for CSV map several columns: task.dataset.fields.choices=[A,B,C,D]")
            }
            guard choices.count >= 2, choices.count <= keys.count else {
                throw TaskError("item has \(choices.count) choices; between 2 and \(keys.count) are allowed", at: item.itemPlace,
                                hint: "add letters with task.scoring.letters=[A,B,C,D,E] for more options")
            }
            texts = choices.map(\.promptText)
        }
        let itemKeys = Array(keys.prefix(texts.count))
        guard let answer = item["answer"], !answer.isNull, answer.promptText.trimmingSpaces != "" else {
            throw TaskError("item has no gold answer", at: item.itemPlace,
                            hint: "give each record an 'answer': a letter (\(itemKeys.joined(separator: "/"))), a 0-based index, or the option's text")
        }
        if case .int(let index) = answer {
            guard itemKeys.indices.contains(index) else {
                throw TaskError("gold answer index \(index) is out of range for \(texts.count) options", at: item.itemPlace,
                                hint: "indexes count from 0")
            }
            return (texts, itemKeys[index])
        }
        let text = answer.promptText.trimmingSpaces
        if let key = itemKeys.first(where: { $0 == text }) ?? itemKeys.first(where: { $0.lowercased() == text.lowercased() }) {
            return (texts, key)
        }
        if let index = texts.firstIndex(where: { $0.trimmingSpaces == text }) { return (texts, itemKeys[index]) }
        if let index = Int(text), itemKeys.indices.contains(index) { return (texts, itemKeys[index]) }
        throw TaskError("gold answer '\(text)' is not an option", at: item.itemPlace,
                        hint: "use a letter (\(itemKeys.joined(separator: "/"))), a 0-based index, or one option's exact text")
    }

    /// The item's option texts and gold key; checked when the task loaded.
    private func options(_ item: DatasetItem) throws(TaskError) -> (texts: [String], gold: String) {
        try Self.readOptions(item, keys: allKeys, labels: labels)
    }

    /// The template's values: the record's fields, plus `choices` as "A. text" lines.
    static func values(_ item: DatasetItem, texts: [String], keys allKeys: [String], labels: [String]?) -> [String: String] {
        var values = item.textValues
        let keys = Array(allKeys.prefix(texts.count))
        values["choices"] = labels == nil ? zip(keys, texts).map { "\($0). \($1)" }.joined(separator: "\n") : keys.joined(separator: ", ")
        values["letters"] = keys.joined(separator: ", ")
        values["labels"] = keys.joined(separator: ", ")
        return values
    }


    /// What a continuation says for an option.
    private func answerText(key: String, text: String) -> String {
        continuation == .text && mode == .loglikelihood ? text : key
    }

    public func requests(for item: DatasetItem) throws(TaskError) -> [ModelRequest] {
        let shots = try prompting.shots(for: item)
        let texts = try options(item).texts
        let values = Self.values(item, texts: texts, keys: allKeys, labels: labels)
        switch mode {
        case .loglikelihood:
            let context = prompting.builder.text(prompting.builder.template.render(values), shots: shots, answerPrefix: answerPrefix)
            return zip(allKeys, texts).map { key, text in
                .loglikelihood(LoglikelihoodRequest(context: context, continuation: " " + answerText(key: key, text: text)))
            }
        case .chatLogprobs:
            let prompt = prompting.builder.prompt(values, shots: shots)
            return [.generate(GenerationRequest(prompt: prompt, parameters: GenerationParameters(maxTokens: maxTokens, logprobs: true, topLogprobs: 20)))]
        case .generate, .exactMatch:
            let prompt = prompting.builder.prompt(values, shots: shots)
            return [.generate(GenerationRequest(prompt: prompt, parameters: GenerationParameters(maxTokens: maxTokens)))]
        }
    }

    public func score(_ item: DatasetItem, answers: [ModelAnswer]) throws(TaskError) -> ItemScore {
        let (texts, gold) = try options(item)
        let keys = Array(allKeys.prefix(texts.count))
        let goldIndex = keys.firstIndex(of: gold)!
        switch mode {
        case .loglikelihood:
            let lls = answers.map { if case .loglikelihood(let l) = $0 { return l.logprob } else { return -Double.infinity } }
            let greedy = answers.map { if case .loglikelihood(let l) = $0 { return l.isGreedy } else { return false } }
            let choices = ChoiceLoglikelihoods(loglikelihoods: lls, isGreedy: greedy, texts: zip(keys, texts).map(answerText),
                                               golds: [goldIndex])
            return try scored(.choices(choices), gold: gold, prediction: keys[ChoiceLoglikelihoods.argmax(lls)], raw: "",
                              detail: [("logprobs", .object(zip(keys, lls).map { ($0, .double($1)) })),
                                       ("is_greedy", .object(zip(keys, greedy).map { ($0, .bool($1)) }))])
        case .chatLogprobs:
            guard case .generation(let generation) = answers.first else { return try unreadable(gold, goldIndex) }
            if let logprobs = generation.logprobs, !logprobs.isEmpty {
                let scores = FirstTokenScores.scores(logprobs, keys: keys, keysAreLetters: labels == nil)
                let prediction = keys.filter { scores[$0] != nil }.max { scores[$0]! < scores[$1]! }
                return try scored(.readChoice(predicted: prediction.flatMap(keys.firstIndex), gold: goldIndex), gold: gold,
                                  prediction: prediction, raw: generation.text, method: "logprobs",
                                  detail: [("logprobs", .object(keys.compactMap { k in scores[k].map { (k, .double($0)) } }))])
            }
            let prediction = ChoiceParser(keys: keys, texts: texts, keysAreLetters: labels == nil).parse(generation.text)
            return try scored(.readChoice(predicted: prediction.flatMap(keys.firstIndex), gold: goldIndex), gold: gold,
                              prediction: prediction, raw: generation.text, method: "generate_fallback")
        case .generate, .exactMatch:
            guard case .generation(let generation) = answers.first else { return try unreadable(gold, goldIndex) }
            let prediction = ChoiceParser(keys: keys, texts: texts, keysAreLetters: labels == nil).parse(generation.text)
            return try scored(.readChoice(predicted: prediction.flatMap(keys.firstIndex), gold: goldIndex), gold: gold,
                              prediction: prediction, raw: generation.text)
        }
    }

    /// The item's score from the registered metrics: per-item numbers for the samples, macro-F1's
    /// `(gold, predicted)` pair kept for the corpus.
    private func scored(_ answer: ScoredAnswer, gold: String, prediction: String?, raw: String, method: String? = nil,
                        detail: [(String, OrderedJSON)] = []) throws(TaskError) -> ItemScore {
        let values = try MetricRegistry.default.values(metricNames, for: answer)
        var score = ItemScore(gold: gold, prediction: prediction, raw: raw,
                              metrics: values.compactMapValues { if case .scalar(let x) = $0 { return x } else { return nil } },
                              method: method, detail: detail)
        score.corpusValues = values.filter { $0.value.corpusParts != nil }
        return score
    }

    private func unreadable(_ gold: String, _ goldIndex: Int) throws(TaskError) -> ItemScore {
        try scored(.readChoice(predicted: nil, gold: goldIndex), gold: gold, prediction: nil, raw: "")
    }
}
