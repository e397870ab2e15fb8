import Config
import Models

/// The prompt side every standard task shares: the template, chat or text, and few-shot examples.
///
/// Each few-shot example is rendered from its own record when an item needs it: its own
/// question, options and gold answer, whichever file it came from.
struct TaskPrompting: Sendable {
    let builder: PromptBuilder
    let sampler: FewShotSampler?
    /// Where examples come from: the dataset itself, or `few_shot_path`'s records.
    let pool: DatasetItems
    let render: Render

    /// What a task shows of one record: the template's values and, for an example, its answer.
    typealias Render = @Sendable (DatasetItem) throws(TaskError) -> (values: [String: String], answer: String)

    /// - Parameters:
    ///   - extraFields: fields the task adds to each item's values (`choices`, `letters`).
    ///   - forceText: the scoring needs one text prompt (loglikelihood).
    ///   - render: the values and answer of an example record, read from that record alone.
    ///   - checkItem: the task's own check of an item, run on every item in one pass with the
    ///     template's (the items are read once here, not kept).
    init(_ config: StandardTaskConfig, context: TaskContext, items: DatasetItems, required: [String],
         extraFields: [String], forceText: Bool, checkItem: (DatasetItem) throws(TaskError) -> Void,
         render: @escaping Render) throws(TaskError) {
        let template = try PromptTemplate(config.prompt.template, key: "task.prompt.template")
        self.render = render
        if !items.isEmpty {
            let available = Set(try items.item(at: 0).fields.keys).union(extraFields)
            if let missing = template.missing(from: available).first {
                var hint = "fields: \(available.sorted().joined(separator: ", "))"
                hint = DidYouMean.hint(missing, among: Array(available), shown: { "{\($0)}" }, then: hint)
                throw TaskError("the template uses field '{\(missing)}', which the dataset's items do not have", at: "task.prompt.template",
                                hint: hint + "; write {{ and }} for literal braces")
            }
        }
        try items.forEach { item throws(TaskError) in
            try checkItem(item)
            try Self.check(item, template: template, extraFields: extraFields)
        }
        builder = PromptBuilder(template: template, system: config.prompt.system,
                                useChat: !forceText && context.capabilities.chat && (config.prompt.chat ?? true))
        let count = config.prompt.fewShot ?? 0
        guard count >= 0 else {
            throw TaskError("'task.prompt.few_shot' must be zero or more, not \(count)", at: "task.prompt.few_shot",
                            hint: "0 asks without examples")
        }
        guard count > 0 else { sampler = nil; pool = items; return }
        var pool = items
        if let path = config.prompt.fewShotPath {
            let dataset = config.dataset
            pool = try DatasetLoader.load(DatasetConfig(path: context.dataPath(path), format: dataset.format, fields: dataset.fields),
                                          required: required)
            try pool.forEach { example throws(TaskError) in
                if let missing = template.missing(from: Set(example.fields.keys).union(extraFields)).first {
                    throw TaskError("few-shot example has no field '\(missing)', which the template uses", at: example.itemPlace,
                                    hint: "few-shot records need the same fields as the dataset's")
                }
                _ = try render(example)
            }
        }
        let available = config.prompt.fewShotPath == nil ? pool.count - 1 : pool.count
        guard count <= available else {
            let source = config.prompt.fewShotPath.map { "the \(pool.count) records of \($0)" } ?? "the other \(available) items of the dataset"
            throw TaskError("few_shot=\(count) needs \(count) examples, but \(source) are all there are", at: "task.prompt.few_shot",
                            hint: config.prompt.fewShotPath == nil ? "lower few_shot, or set task.prompt.few_shot_path to a file of examples"
                                : "lower few_shot, or add examples to the file")
        }
        self.pool = pool
        sampler = FewShotSampler(poolCount: pool.count, count: count, seed: context.seed,
                                 excludesItemItself: config.prompt.fewShotPath == nil)
    }

    /// Checks that the template finds every field it uses in `item`.
    private static func check(_ item: DatasetItem, template: PromptTemplate, extraFields: [String]) throws(TaskError) {
        if let missing = template.missing(from: Set(item.fields.keys).union(extraFields)).first {
            throw TaskError("item has no field '\(missing)', which the template uses", at: item.itemPlace,
                            hint: "give every record the field, or map it with task.dataset.fields.\(missing)")
        }
    }

    /// Checks the prompt settings that need no data.
    static func check(_ prompt: PromptConfig) throws(TaskError) {
        _ = try PromptTemplate(prompt.template, key: "task.prompt.template")
        if let count = prompt.fewShot, count < 0 {
            throw TaskError("'task.prompt.few_shot' must be zero or more, not \(count)", at: "task.prompt.few_shot",
                            hint: "0 asks without examples")
        }
    }

    /// The few-shot examples shown before an item, each rendered from its own record.
    func shots(for item: DatasetItem) throws(TaskError) -> [PromptBuilder.Shot] {
        guard let sampler else { return [] }
        var shots: [PromptBuilder.Shot] = []
        for index in sampler.exampleIndices(for: item.id, at: item.index) {
            let (values, answer) = try render(try pool.item(at: index))
            shots.append(PromptBuilder.Shot(prompt: builder.template.render(values), answer: answer))
        }
        return shots
    }
}

extension DatasetItem {
    /// Every field as prompt text.
    var textValues: [String: String] { fields.mapValues(\.promptText) }
}
