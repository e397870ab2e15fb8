import Config
import Foundation
import Models

/// An lm-evaluation-harness task file run unchanged (`+task=lm_eval task.path=FILE.yaml`):
/// lm-eval's prompts, requests, filters, metrics and standard errors, on any backend.
///
/// Every document's context is built when the task is built, in document order, because
/// lm-eval's few-shot sampler is one random sequence advanced document by document. With a
/// chat template the messages are rendered by the model's own template (hf_local) or sent as
/// messages (chat APIs); without one, the plain text is sent.
public struct LMEvalTask: RegisteredTask {
    public typealias Settings = LMEvalSettings

    public let items: DatasetItems
    public let metricNames: [String]
    public var classLabels: [String]? { nil }
    public var mainMetric: String? { metricNames.first }
    /// `lm_eval/<task>`: the file's own task name.
    public var title: String? { "lm_eval/\(definition.name)" }
    public let bootstrapIterations: Int?

    let definition: LMEvalTaskDefinition
    let settings: LMEvalSettings
    let plans: [DocumentPlan]
    let pipelines: [LMEvalFilters.Pipeline]
    let documents: LMEvalDocuments
    let numFewshot: Int
    let multipleTarget: Bool
    /// lm-eval's multiple-input mode: `doc_to_text` gives the gold choice's index (Winogrande).
    let multipleInput: Bool
    let originalCount: Int
    let chatApplied: Bool
    let multiturn: Bool
    /// The run's Python worker for `!function` hooks (started only if a hook is called).
    let python: LMEvalPythonWorker
    /// Each document's `(gold, result)` for the metrics lm-eval computes itself.
    let delegatedItems = LMEvalDelegatedItems()

    /// What one document asks and needs for scoring.
    struct DocumentPlan: Sendable {
        var docID: Int
        var doc: TemplateValue
        var target: TemplateValue
        var choices: [String]
        /// The target as choice indices (multiple_choice, or generate_until with choices),
        /// checked to be in range; several for a list target.
        var goldIndices: [Int]?
        var requests: [ModelRequest]
        /// lm-eval's `arguments` of each request, for the sample record.
        var arguments: [[TemplateValue]]
        /// Multiple input: the gold choice's index (`doc_to_text`), scored in place of the target.
        var multipleInputGold: TemplateValue?
    }

    // MARK: - Building

    public static func check(_ settings: LMEvalSettings) throws(TaskError) {
        try settings.check()
        // The file and its keys are read now, so a wrong key stops the run before it starts.
        if let path = settings.path, FileSystem.isFile(path) {
            _ = try definition(settings, path: path)
        } else if settings.path == nil {
            _ = try definition(settings, path: nil)
        }
    }

    static func definition(_ settings: LMEvalSettings, path: String?) throws(TaskError) -> LMEvalTaskDefinition {
        var keys = try path.map { p throws(TaskError) in try LMEvalTaskFile.load(p) } ?? ConfigMapping()
        for (key, value) in settings.taskKeys { keys[key] = value }
        return try LMEvalTaskDefinition(keys, source: path ?? settings.sectionLocation?.description ?? "task")
    }

    public init(_ settings: LMEvalSettings, context: TaskContext) throws {
        try self.init(settings, context: context, python: nil)
    }

    /// - Parameter python: the run's hook worker, shared by the tasks of a run; `nil`: one of
    ///   this task's own (started only if a hook runs).
    init(_ settings: LMEvalSettings, context: TaskContext, python: LMEvalPythonWorker?) throws {
        try settings.check()
        let path = settings.path.map(context.dataPath)
        let keys = try path.map { p throws(TaskError) in try LMEvalTaskFile.load(p) } ?? ConfigMapping()
        try self.init(settings, keys: keys, path: path, context: context, python: python)
    }

    /// One task of several (`task.tasks`): its keys already merged (file, includes, a group's
    /// overrides); the section's own task keys still override them.
    init(_ settings: LMEvalSettings, keys fileKeys: ConfigMapping, path: String?, context: TaskContext, python: LMEvalPythonWorker?) throws {
        self.settings = settings
        let python = python ?? LMEvalPythonWorker(settings)
        self.python = python
        var keys = fileKeys
        for (key, value) in settings.taskKeys { keys[key] = value }
        let definition = try LMEvalTaskDefinition(keys, source: path ?? settings.sectionLocation?.description ?? "task")
        self.definition = definition
        let hooks = LMEvalTaskHooks(worker: python, taskFile: definition.source)
        try hooks.check(definition)
        try hooks.checkDelegatedMetrics(definition)
        try hooks.checkDelegatedFilters(definition)
        var dataset = try Self.dataset(definition, hooks: hooks, resolve: Self.dataFile(taskFile: path, dataPath: context.dataPath))
        guard let evalSplit = definition.testSplit ?? definition.validationSplit, dataset.splits[evalSplit] != nil else {
            throw TaskError("the task has no documents to evaluate", at: definition.source)
        }
        let rawDataset = dataset
        if let hook = definition.processDocs {
            try Self.processDocs(hook, split: evalSplit, in: &dataset, hooks: hooks, key: "process_docs")
        }
        let evalDocs = dataset.splits[evalSplit]!
        guard !evalDocs.isEmpty else { throw TaskError("the \(evalSplit) split has no documents", at: definition.source) }
        originalCount = evalDocs.count
        var documents = LMEvalDocuments(features: Set(dataset.columns[evalSplit] ?? []), hasChoices: definition.docToChoice != nil,
                                        source: definition.source)
        pipelines = try definition.filters.map { pipeline throws(TaskError) in try LMEvalFilters.Pipeline(pipeline, source: definition.source) }

        // lm-eval's --num_fewshot replaces the file's value, but never an explicit 0 there.
        numFewshot = settings.numFewshot.map { definition.numFewshot == 0 ? 0 : $0 } ?? definition.numFewshot ?? 0

        // Chat: lm-eval needs --apply_chat_template for chat-completion models; here that is the default for them.
        let chatOnly = context.capabilities.chat && !context.capabilities.loglikelihood
        let apply = settings.applyChatTemplate ?? chatOnly
        if !apply && chatOnly && definition.outputType == .generateUntil {
            throw TaskError("model '\(context.modelName)' takes chat messages only, so the task needs apply_chat_template", at: "task.apply_chat_template",
                            hint: "set task.apply_chat_template=true (lm-eval asserts the same for local-chat-completions)")
        }
        chatApplied = apply
        multiturn = apply && (settings.fewshotAsMultiturn ?? true)
        if definition.outputType != .generateUntil, !context.capabilities.loglikelihood {
            throw TaskError("model '\(context.modelName)' cannot score loglikelihoods, which a \(definition.outputType.rawValue) task needs",
                            at: definition.source, hint: "use hf_local, a completions backend (local_completions, openai_completion) or aleph_alpha")
        }

        // Which documents, and the few-shot pool.
        let kept = settings.documentCount(of: evalDocs.count)
        guard kept > 0 else { throw TaskError("task.limit keeps no documents", at: "task.limit") }
        // lm-eval processes the few-shot split with fewshot_config.process_docs (default: the
        // task's), and the training or validation split with process_docs; only when examples are shown here.
        var pool: [TemplateValue]
        var poolSplit: String?
        if let split = definition.fewShot.split {
            var raw = rawDataset
            if numFewshot > 0, let hook = definition.fewShot.processDocs {
                try Self.processDocs(hook, split: split, in: &raw, hooks: hooks, key: "fewshot_config.process_docs")
            }
            pool = raw.splits[split] ?? []
            dataset.origins[split] = raw.origins[split]
            poolSplit = split
        } else if let hook = definition.fewShot.samplesHook {
            pool = []
            if numFewshot > 0 {
                guard case .array(let items) = try hooks.call(hook, key: "fewshot_config.samples") else {
                    throw TaskError("fewshot_config.samples (!function \(hook.function)) must return a list of documents", at: hook.place)
                }
                pool = items
            }
        } else if let samples = definition.fewShot.samples {
            pool = samples
        } else if let split = definition.trainingSplit ?? definition.validationSplit {
            if split != evalSplit, numFewshot > 0, let hook = definition.processDocs {
                try Self.processDocs(hook, split: split, in: &dataset, hooks: hooks, key: "process_docs")
            }
            pool = dataset.splits[split] ?? []
            poolSplit = split
        } else {
            pool = evalDocs
            poolSplit = evalSplit
        }
        let places = LMEvalDocumentPlaces(taskFile: definition.source, documents: dataset.origins[evalSplit] ?? [], pool: pool,
                                          poolOrigins: poolSplit.flatMap { dataset.origins[$0] }, poolSplit: poolSplit)
        var sampler = LMEvalFewShotSampler(pool: pool, kind: definition.fewShot.sampler == .firstN ? .firstN : .random,
                                           seed: settings.fewshotRandomSeed)
        let excludeDocument = definition.fewShot.split == definition.testSplit
        documents.hookResults = try hooks.docFieldResults(definition, eval: Array(evalDocs.prefix(kept)), pool: numFewshot > 0 ? pool : [])
        self.documents = documents
        let firstTarget: TemplateValue
        do {
            firstTarget = try documents.target(definition.docToTarget, evalDocs[0])
        } catch {
            throw places.locate(error, at: places.place(document: 0), document: evalDocs[0])
        }
        if case .array(let items) = firstTarget { multipleTarget = !items.isEmpty } else { multipleTarget = false }
        multipleInput = try LMEvalMultipleInput.detect(definition, documents: documents, firstDocument: evalDocs[0])

        var plans: [DocumentPlan] = []
        plans.reserveCapacity(kept)
        for (docID, doc) in evalDocs.prefix(kept).enumerated() {
            let place = "\(definition.source) (doc \(docID))"
            let shots: [TemplateValue]
            do {
                shots = try sampler.examples(numFewshot, excluding: excludeDocument ? doc : nil)
            } catch {
                throw TaskError(error.message, at: place, hint: error.hint)
            }
            let prompt: LMEvalPrompt
            do {
                prompt = try Self.prompt(doc, shots: shots, definition: definition, documents: documents,
                                         systemInstruction: settings.systemInstruction, places: places, multipleInput: multipleInput)
            } catch {
                throw places.locate(error, at: places.place(document: docID), document: doc)
            }
            var inputs: [LMEvalPrompt]?
            if multipleInput {
                do {
                    inputs = try LMEvalMultipleInput.contexts(shared: prompt, choices: documents.choices(definition.docToChoice, doc), place: definition.source)
                } catch {
                    throw places.locate(error, at: places.place(document: docID), document: doc)
                }
            }
            let chatText: String?
            var inputTexts: [String]?
            if apply {
                chatText = try Self.render(prompt, multiturn: multiturn, context: context, place: place)
                let turns = multiturn
                inputTexts = try inputs?.map { (p) throws(TaskError) in try Self.render(p, multiturn: turns, context: context, place: place) ?? p.text }
            } else {
                chatText = nil
                inputTexts = inputs?.map(\.text)
            }
            do {
                plans.append(try Self.plan(docID: docID, doc: doc, prompt: prompt, chatText: chatText, chatApplied: apply, multiturn: multiturn,
                                           definition: definition, documents: documents, settings: settings, place: place, inputContexts: inputTexts))
            } catch {
                throw places.locate(error, at: places.place(document: docID), document: doc)
            }
        }
        self.plans = plans
        items = DatasetItems(plans.map { DatasetItem(id: String($0.docID), fields: [:], place: "\(definition.source) (doc \($0.docID))") })
        var names: [String] = []
        for pipeline in definition.filters {
            for metric in definition.metrics { names.append(Self.key(metric.name, filter: pipeline.name)) }
        }
        metricNames = names
        bootstrapIterations = settings.confidenceIters
    }

    /// Where a data file named in a task file is: the runner's own lookup (the current folder,
    /// then beside the config folder), else beside the task file.
    static func dataFile(taskFile: String?, dataPath: @escaping (String) -> String) -> (String) -> String {
        let taskFolder = taskFile.map { ($0 as NSString).deletingLastPathComponent } ?? ""
        return { name in
            let found = dataPath(name)
            if name.hasPrefix("/") || FileSystem.isFile(found) { return found }
            let beside = taskFolder.isEmpty ? name : taskFolder + "/" + name
            return FileSystem.isFile(beside) ? beside : found
        }
    }

    /// `acc` for the default filter, `exact_match,strict-match` for another, as lm-eval's table shows them.
    static func key(_ metric: String, filter: String) -> String { filter == "none" ? metric : "\(metric),\(filter)" }

    /// The messages of one document: description, examples, question (`fewshot_context`).
    ///
    /// An error in a few-shot example names the example's line (`places`); one in the
    /// document is placed at the task file, for the caller to name the document's line.
    static func prompt(_ doc: TemplateValue, shots: [TemplateValue], definition: LMEvalTaskDefinition, documents: LMEvalDocuments,
                       systemInstruction: String?, places: LMEvalDocumentPlaces, multipleInput: Bool = false) throws(TaskError) -> LMEvalPrompt {
        let place = definition.source
        var messages: [LMEvalPrompt.Message] = []
        let description = try documents.field(definition.description, doc, key: "description") ?? ""
        let system = LMEvalPrompt.maybeDelimit(systemInstruction, description, definition.fewshotDelimiter)
        if !system.isEmpty { messages.append(.init(role: .system, content: system, delimiter: "")) }
        let fewShot = definition.fewShot
        for shot in shots {
            do throws(TaskError) {
                var question = try documents.text(fewShot.docToText, shot)
                var choices = fewShot.docToChoice == nil ? nil : try documents.choices(fewShot.docToChoice, shot)
                if multipleInput {
                    // The example shows its gold context (`c[q]`) and the shared continuation.
                    question = try LMEvalMultipleInput.goldContext(question, choices: choices ?? [], place: place)
                    choices = nil
                }
                let answer = try documents.target(fewShot.docToTarget, shot)
                // lm-eval would show the question with no answer; an example without one is a data mistake.
                if fewShot.docToTarget != nil, answer == .none || answer == .undefined {
                    let what = documents.fieldName(fewShot.docToTarget).map { "doc_to_target names the field '\($0)', which is missing or null in this few-shot example" }
                    throw TaskError(what ?? "doc_to_target gave None for this few-shot example", at: place, hint: "an example shows its answer")
                }
                let genPrefix = try documents.field(fewShot.genPrefix, shot, key: "fewshot_config.gen_prefix")
                messages += try LMEvalPrompt.turn(question: question, choices: choices, answer: answer, genPrefix: genPrefix,
                                                  targetDelimiter: fewShot.targetDelimiter, fewshotDelimiter: fewShot.fewshotDelimiter, place: place)
            } catch {
                throw places.locate(error, at: places.place(shot: shot), document: shot)
            }
        }
        let genPrefix = try documents.field(definition.genPrefix, doc, key: "gen_prefix")
        // Multiple input: the document's own turn is one per choice (LMEvalMultipleInput.contexts).
        if multipleInput { return LMEvalPrompt(messages: messages, genPrefix: genPrefix.flatMap { $0.isEmpty ? nil : $0 }) }
        let question = try documents.text(definition.docToText, doc)
        let choices = definition.docToChoice == nil ? nil : try documents.choices(definition.docToChoice, doc)
        messages += try LMEvalPrompt.turn(question: question, choices: choices, answer: nil, genPrefix: genPrefix,
                                          targetDelimiter: definition.targetDelimiter, fewshotDelimiter: "", place: place)
        return LMEvalPrompt(messages: messages, genPrefix: genPrefix.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The model's chat template applied as lm-eval's hf backend applies it: a generation prompt
    /// unless the answer continues a `gen_prefix`; a template that refuses system messages is
    /// tried again without them. `nil`: the model takes the messages themselves.
    static func render(_ prompt: LMEvalPrompt, multiturn: Bool, context: TaskContext, place: String) throws(TaskError) -> String? {
        let messages = prompt.chat(multiturn: multiturn)
        let addGenerationPrompt = prompt.genPrefix == nil
        do {
            if let text = try context.chatText(messages, addGenerationPrompt) { return text }
        } catch {
            let withoutSystem = messages.filter { $0.role != .system }
            if withoutSystem.count != messages.count, let text = try? context.chatText(withoutSystem, addGenerationPrompt) { return text }
            throw TaskError("the model's chat template failed: \(error)", at: place)
        }
        guard context.capabilities.chat else {
            throw TaskError("model '\(context.modelName)' has no chat template to apply", at: "task.apply_chat_template",
                            hint: "set task.apply_chat_template=false, or give the model a chat template")
        }
        return nil
    }

    /// The requests of one document (`construct_requests`) and lm-eval's record of their arguments.
    static func plan(docID: Int, doc: TemplateValue, prompt: LMEvalPrompt, chatText: String?, chatApplied: Bool, multiturn: Bool,
                     definition: LMEvalTaskDefinition, documents: LMEvalDocuments, settings: LMEvalSettings, place: String,
                     inputContexts: [String]? = nil) throws(TaskError) -> DocumentPlan {
        let target = try documents.target(definition.docToTarget, doc)
        let messages = chatApplied && chatText == nil ? prompt.chat(multiturn: multiturn) : nil
        let context = chatText ?? prompt.text
        // lm-eval's arg_0 for chat-completion models is the JSON text of the messages.
        let contextArgument: TemplateValue = messages.map { .array([.string(PythonText.jsonDumps(.array($0.map(\.templateValue))))]) } ?? .string(context)
        var plan = DocumentPlan(docID: docID, doc: doc, target: target, choices: [], requests: [], arguments: [])
        switch definition.outputType {
        case .multipleChoice:
            let choices = try documents.choices(definition.docToChoice, doc).map(PythonText.str)
            var delimiter = definition.targetDelimiter
            if chatApplied {
                let rawPrefix: String? = if case .string(let s, _)? = definition.genPrefix { s } else { nil }
                delimiter = rawPrefix.map { !$0.isEmpty && !PythonText.endsWithSpace($0) } == true ? definition.targetDelimiter : ""
            }
            plan.choices = choices
            if let inputContexts {
                // One context per choice, one shared continuation; the gold is doc_to_text's index.
                let gold = try documents.text(definition.docToText, doc)
                plan.goldIndices = try Self.goldIndices(gold, choices: choices, source: definition.source, field: nil)
                plan.multipleInputGold = gold
                let continuation = delimiter + PythonText.str(target)
                for input in inputContexts {
                    plan.requests.append(.loglikelihood(LoglikelihoodRequest(context: input, continuation: continuation)))
                    plan.arguments.append([.string(input), .string(continuation)])
                }
            } else {
                plan.goldIndices = try Self.goldIndices(target, choices: choices, source: definition.source, field: documents.fieldName(definition.docToTarget))
                for choice in choices {
                    plan.requests.append(.loglikelihood(LoglikelihoodRequest(context: context, continuation: delimiter + choice)))
                    plan.arguments.append([contextArgument, .string(delimiter + choice)])
                }
            }
            if definition.metrics.contains(where: { $0.name == "acc_mutual_info" }) {
                for choice in choices {
                    plan.requests.append(.loglikelihood(LoglikelihoodRequest(context: "", continuation: delimiter + choice)))
                    plan.arguments.append([.string(""), .string(delimiter + choice)])
                }
            }
        case .loglikelihood:
            guard case .string(let continuation) = target else {
                throw TaskError("a loglikelihood task's doc_to_target must give text, not \(LMEvalDocuments.kind(target))", at: definition.source)
            }
            plan.requests = [.loglikelihood(LoglikelihoodRequest(context: context, continuation: continuation))]
            plan.arguments = [[contextArgument, .string(continuation)]]
        case .loglikelihoodRolling:
            guard case .string(let text) = target else {
                throw TaskError("a loglikelihood_rolling task's doc_to_target must give text, not \(LMEvalDocuments.kind(target))", at: definition.source)
            }
            plan.requests = [.loglikelihoodRolling(RollingLoglikelihoodRequest(text: text))]
            plan.arguments = [[.string(text)]]
        case .generateUntil:
            if definition.docToChoice != nil {
                // lm-eval reads the target as an index into the choices here (`choices[gold]`).
                let choices = try documents.choices(definition.docToChoice, doc).map(PythonText.str)
                guard case .int(let index) = target else {
                    throw TaskError("doc_to_target gave \(LMEvalDocuments.kind(target)) (\(target.text)); with doc_to_choice a generate_until target is a choice index",
                                    at: definition.source, hint: "lm-eval reads it as choices[target]")
                }
                plan.goldIndices = try Self.goldIndices(.int(index), choices: choices, source: definition.source, field: nil, negative: true)
                plan.choices = choices
            }
            let kwargs = try Self.generationKwargs(definition, settings: settings, place: place)
            var parameters = try Self.parameters(kwargs, place: place)
            if messages != nil, let stop = parameters.stop { parameters.stop = Array(stop.prefix(4)) }
            let promptValue: Prompt = messages.map(Prompt.chat) ?? .text(context)
            plan.requests = (0..<definition.repeats).map { .generate(GenerationRequest(prompt: promptValue, parameters: parameters, sampleIndex: $0)) }
            plan.arguments = [[contextArgument, .object(kwargs)]]
        }
        return plan
    }

    /// The target as indices into `choices`, read as lm-eval reads a multiple_choice target:
    /// an index, a boolean, a choice's text, or a list of indices.
    ///
    /// - Parameters:
    ///   - field: the document field `doc_to_target` names, if it names one.
    ///   - negative: a negative index counts from the end (generate_until's `choices[gold]`).
    /// - Throws: ``TaskError`` at `source` (the caller names the document) for a target that is
    ///   no choice, which lm-eval scores as always wrong (-100) with at most a warning.
    static func goldIndices(_ target: TemplateValue, choices: [String], source: String, field: String?, negative: Bool = false) throws(TaskError) -> [Int] {
        let shown = choices.count <= 6 ? ": " + choices.map { TemplateValue.string($0).repr }.joined(separator: ", ") : ""
        let hint = "a target is a choice's index (0 to \(choices.count - 1)), its exact text, or a list of indices"
        func index(_ value: TemplateValue) throws(TaskError) -> Int {
            switch value {
            case .int(let i) where choices.indices.contains(i): return i
            case .int(let i) where negative && i < 0 && -i <= choices.count: return choices.count + i
            case .int(let i):
                throw TaskError("doc_to_target gave index \(i), and the document has \(choices.count) choices\(shown)", at: source, hint: hint)
            case .bool(let b) where choices.count > (b ? 1 : 0): return b ? 1 : 0
            case .string(let text):
                guard let i = choices.firstIndex(of: text) else {
                    throw TaskError("doc_to_target gave \(value.repr), which is not one of the \(choices.count) choices\(shown)", at: source, hint: hint)
                }
                return i
            case .none, .undefined:
                let what = field.map { "doc_to_target names the field '\($0)', which is missing or null in this document" } ?? "doc_to_target gave None"
                throw TaskError(what, at: source, hint: hint)
            case .double(let d):
                throw TaskError("doc_to_target gave the float \(value.text), not a choice index", at: source,
                                hint: d.isNaN ? hint : "a CSV column with an empty field is read as floats, as pandas reads it: fill every field, or give the choice's text")
            default:
                throw TaskError("doc_to_target gave \(LMEvalDocuments.kind(value)) (\(value.text)), not a choice", at: source, hint: hint)
            }
        }
        guard case .array(let items) = target else { return [try index(target)] }
        guard !items.isEmpty else { throw TaskError("doc_to_target gave an empty list", at: source, hint: hint) }
        var indices: [Int] = []
        for item in items {
            guard case .int = item else {
                throw TaskError("a list target must hold choice indices, not \(LMEvalDocuments.kind(item)) (\(item.text))", at: source, hint: hint)
            }
            indices.append(try index(item))
        }
        return indices
    }

    /// `generation_kwargs` with `gen_kwargs` merged in (`dict.update`).
    static func generationKwargs(_ definition: LMEvalTaskDefinition, settings: LMEvalSettings, place: String) throws(TaskError) -> [(String, TemplateValue)] {
        var kwargs = definition.generationKwargs ?? []
        for (key, value) in settings.genKwargs ?? [] {
            if let i = kwargs.firstIndex(where: { $0.0 == key }) { kwargs[i].1 = value } else { kwargs.append((key, value)) }
        }
        return kwargs
    }

    /// lm-eval's generation settings as a request's: `until` (stop strings), `max_gen_toks`
    /// (or its aliases, default 256), `do_sample: false` for greedy (temperature 0), `temperature`, `top_p`.
    static func parameters(_ kwargs: [(String, TemplateValue)], place: String) throws(TaskError) -> GenerationParameters {
        var parameters = GenerationParameters()
        func value(_ key: String) -> TemplateValue? { kwargs.first { $0.0 == key }?.1 }
        for (key, _) in kwargs where !["until", "max_gen_toks", "max_new_tokens", "max_tokens", "max_completion_tokens", "do_sample",
                                          "temperature", "top_p"].contains(key) {
            throw TaskError("generation_kwargs.\(key) is not supported", at: place,
                            hint: "supported: until, max_gen_toks (max_new_tokens, max_tokens), do_sample, temperature, top_p")
        }
        switch value("until") {
        case .string(let s)?: parameters.stop = [s]
        case .array(let items)?: parameters.stop = items.map(\.text).filter { !$0.isEmpty }
        case nil, .none?: break
        default: throw TaskError("generation_kwargs.until must be a string or a list of strings", at: place)
        }
        let length = value("max_gen_toks") ?? value("max_new_tokens") ?? value("max_tokens") ?? value("max_completion_tokens")
        if let length {
            guard case .int(let n) = length, n >= 1 else { throw TaskError("generation_kwargs.max_gen_toks must be a positive integer", at: place) }
            parameters.maxTokens = n
        } else {
            parameters.maxTokens = 256
        }
        let temperature = value("temperature")?.number
        if let t = temperature, t < 0 { throw TaskError("generation_kwargs.temperature must be zero or more", at: place) }
        switch value("do_sample") {
        case .bool(false)?: parameters.temperature = 0
        case .bool(true)?: parameters.temperature = temperature ?? 1
        default: parameters.temperature = temperature ?? 0
        }
        if let p = value("top_p")?.number { parameters.topP = p }
        return parameters
    }

    public func requests(for item: DatasetItem) -> [ModelRequest] {
        plans[Int(item.id)!].requests
    }
}
