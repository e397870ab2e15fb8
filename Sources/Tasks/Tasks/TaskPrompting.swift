import Config
import Models

/// The prompt side every task shares: the template, chat or text, and few-shot examples.
struct TaskPrompting: Sendable {
    let builder: PromptBuilder
    let sampler: FewShotSampler?

    /// - Parameters:
    ///   - extraFields: fields the task adds to each item's values (`choices`, `letters`).
    ///   - forceText: the scoring needs one text prompt (loglikelihood).
    init(_ config: TaskConfig, context: TaskContext, items: [DatasetItem], required: [String],
         extraFields: [String], forceText: Bool) throws(TaskError) {
        let template = try PromptTemplate(config.prompt.template, key: "task.prompt.template")
        if let first = items.first {
            let available = Set(first.fields.keys).union(extraFields)
            if let missing = template.missing(from: available).first {
                var hint = "fields: \(available.sorted().joined(separator: ", "))"
                if let guess = DidYouMean.closest(to: missing, in: Array(available)) { hint = "did you mean '{\(guess)}'? " + hint }
                throw TaskError("the template uses field '{\(missing)}', which the dataset's items do not have", at: "task.prompt.template",
                                hint: hint + "; write {{ and }} for literal braces")
            }
        }
        for item in items {
            if let missing = template.missing(from: Set(item.fields.keys).union(extraFields)).first {
                throw TaskError("item has no field '\(missing)', which the template uses", at: item.itemPlace,
                                hint: "give every record the field, or map it with task.dataset.fields.\(missing)")
            }
        }
        builder = PromptBuilder(template: template, system: config.prompt.system,
                                useChat: !forceText && context.capabilities.chat && (config.prompt.chat ?? true))
        let count = config.prompt.fewShot ?? 0
        guard count > 0 else { sampler = nil; return }
        guard count >= 0 else { throw TaskError("'task.prompt.few_shot' must be zero or more", at: "task.prompt.few_shot") }
        var pool = items
        if let path = config.prompt.fewShotPath {
            pool = try DatasetLoader.load(DatasetConfig(path: path, format: config.dataset.format, fields: config.dataset.fields,
                                                        limit: nil, shuffle: false, seed: nil),
                                          required: required)
            for item in pool {
                if let missing = template.missing(from: Set(item.fields.keys).union(extraFields)).first {
                    throw TaskError("few-shot example has no field '\(missing)', which the template uses", at: item.itemPlace)
                }
            }
        }
        if pool.count <= 1 && config.prompt.fewShotPath == nil {
            throw TaskError("few_shot=\(count) needs other items to draw examples from", at: "task.prompt.few_shot",
                            hint: "set task.prompt.few_shot_path to a file of examples, or few_shot=0")
        }
        sampler = FewShotSampler(pool: pool, count: count, seed: context.seed)
    }

    /// The few-shot examples for an item, each rendered with its answer.
    func shots(for item: DatasetItem, values: (DatasetItem) -> [String: String], answer: (DatasetItem) -> String) -> [PromptBuilder.Shot] {
        guard let sampler else { return [] }
        return sampler.examples(for: item).map { PromptBuilder.Shot(prompt: builder.template.render(values($0)), answer: answer($0)) }
    }
}

extension DatasetItem {
    /// Every field as prompt text.
    var textValues: [String: String] { fields.mapValues(\.promptText) }
}
