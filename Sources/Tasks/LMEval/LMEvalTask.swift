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

    // MARK: - Scoring

    /// loglikelihood and loglikelihood_rolling tasks score numbers, with no answer to read.
    public var readsAnswers: Bool { definition.outputType == .generateUntil || definition.outputType == .multipleChoice }

    public func score(_ item: DatasetItem, answers: [ModelAnswer]) -> ItemScore {
        let plan = plans[Int(item.id)!]
        do {
            return try score(plan, answers: Self.sameAnswersForSameRequests(plan.requests, answers))
        } catch {
            // A document lm-eval would stop on (a regex group out of range): scored 0 with the reason.
            let golds = goldTexts(plan)
            var score = ItemScore(gold: golds?.first ?? plan.target.text, golds: golds, prediction: nil, raw: "",
                                  metrics: Dictionary(uniqueKeysWithValues: metricNames.map { ($0, 0.0) }), method: "error: \(error.message)")
            score.goldIndices = plan.goldIndices
            return score
        }
    }

    /// Two choices with the same text make the same loglikelihood request; lm-eval scores them
    /// to the same number, so a tie stays a tie and the first choice wins it. An engine may
    /// compute the copies in different batches, a few ulps apart, which would break the tie by
    /// noise: each copy takes the answer of the first identical request. Generations are left
    /// alone: repeated sampled requests (`repeats`) are meant to differ.
    static func sameAnswersForSameRequests(_ requests: [ModelRequest], _ answers: [ModelAnswer]) -> [ModelAnswer] {
        guard requests.count == answers.count, Set(requests).count < requests.count else { return answers }
        var first: [ModelRequest: Int] = [:]
        var out = answers
        for (index, request) in requests.enumerated() {
            guard case .loglikelihood = request else { continue }
            if let earlier = first[request] { out[index] = answers[earlier] } else { first[request] = index }
        }
        return out
    }

    /// The responses of each request, one per repeat, as lm-eval's `resps` holds them.
    func responses(_ plan: DocumentPlan, _ answers: [ModelAnswer]) -> [[TemplateValue]] {
        switch definition.outputType {
        case .generateUntil:
            return [answers.map { answer in
                if case .generation(let g) = answer { return .string(g.text) }
                return .string("")
            }]
        default:
            return answers.map { answer in
                guard case .loglikelihood(let l) = answer else { return [] }
                return Array(repeating: .array([.double(l.logprob), .bool(l.isGreedy)]), count: definition.repeats)
            }
        }
    }

    func score(_ plan: DocumentPlan, answers: [ModelAnswer]) throws(TaskError) -> ItemScore {
        let place = "\(definition.source) (doc \(plan.docID))"
        let resps = responses(plan, answers)
        var metrics: [String: Double] = [:]
        var corpus: [String: MetricValue] = [:]
        var filtered: [(String, [TemplateValue])] = []
        var sampleMetrics: [(String, OrderedJSON)] = []
        var prediction: String?
        var predictionIndex: Int?
        for pipeline in pipelines {
            let values = try resps.map { r throws(TaskError) in
                try pipeline.apply(.array(r), doc: plan.doc) { step, value throws(TaskError) in
                    if case .delegated(let filter) = step { return try hooks.applyFilter(filter, value, doc: plan.doc, docID: plan.docID) }
                    guard case .custom(let hook) = step else { return value }
                    // lm-eval's custom filter: filter_fn(resps, docs) over the documents, here one at a time.
                    let out = try hooks.call(hook, args: [.array([value]), .array([plan.doc])], key: "filter_list.filter_fn", id: plan.docID)
                    guard case .array(let items) = out, let first = items.first else {
                        throw TaskError("filter_fn (!function \(hook.function)) must return a list with one entry per document", at: place)
                    }
                    return first
                }
            }
            filtered.append((pipeline.name, values))
            let scores = try documentMetrics(plan, filtered: values, filter: pipeline.name, place: place)
            sampleMetrics.append((pipeline.name, .string(LMEvalSampleMetrics.text(scores, outputType: definition.outputType,
                                                                                   configured: definition.metrics.map(\.name)))))
            for (name, value) in scores {
                let key = Self.key(name, filter: pipeline.name)
                metrics[key] = value.number
                if value.corpusParts != nil { corpus[key] = value }
            }
            if prediction == nil { (prediction, predictionIndex) = predicted(plan, filtered: values) }
        }
        var detail: [(String, OrderedJSON)] = [
            ("doc_id", .int(plan.docID)),
            ("doc", plan.doc.orderedJSON),
            ("target", .string(plan.target.text)),
            ("arguments", .object(plan.arguments.enumerated().map { i, args in
                ("gen_args_\(i)", .object(args.enumerated().map { j, arg in ("arg_\(j)", arg.orderedJSON) }))
            })),
        ]
        if definition.outputType != .generateUntil {
            let lls = resps.map { $0.first.map { Self.tuple($0).0 } ?? .nan }
            detail.append(("loglikelihoods", .array(lls.map(OrderedJSON.double))))
            detail.append(("is_greedy", .array(resps.map { .bool($0.first.map { Self.tuple($0).1 } ?? false) })))
        }
        // lm-eval's rolling loglikelihood answers are the sum alone, without a greedy flag.
        let rolling = definition.outputType == .loglikelihoodRolling
        func shown(_ value: TemplateValue) -> OrderedJSON { Self.stringified(rolling ? Self.withoutGreedyFlag(value) : value) }
        detail.append(("resps", .array(resps.map { .array($0.map(shown)) })))
        detail.append(("filtered_resps", .object(filtered.map { name, values in (name, .array(values.map(shown))) })))
        detail.append(("doc_hash", .string(PythonText.sha256(PythonText.jsonDumps(plan.doc, indent: 2)))))
        detail.append(("prompt_hash", .string(PythonText.sha256(plan.arguments.first?.first.map(Self.promptHashText) ?? ""))))
        detail.append(("target_hash", .string(PythonText.sha256(plan.target.text))))
        // Per filter, the metrics as lm-eval's samples file writes them (lm-eval's output files).
        detail.append(("lm_eval_metrics", .object(sampleMetrics)))
        let golds = goldTexts(plan)
        var score = ItemScore(gold: golds?.first ?? plan.target.text, golds: golds, prediction: prediction, raw: rawText(resps), metrics: metrics,
                              detail: detail)
        score.goldIndices = plan.goldIndices
        score.predictionIndex = plan.goldIndices == nil ? nil : predictionIndex
        score.corpusValues = corpus
        return score
    }

    /// One filter's metrics for one document (`process_results`).
    func documentMetrics(_ plan: DocumentPlan, filtered: [TemplateValue], filter: String = "none", place: String) throws(TaskError) -> [String: MetricValue] {
        let names = definition.metrics.map(\.name)
        if let hook = definition.processResults { return try processResults(hook, plan, filtered: filtered) }
        switch definition.outputType {
        case .multipleChoice:
            let tuples = filtered.map(Self.tuple)
            let choices = try LMEvalMetrics.choices(names, lls: tuples.map(\.0), greedy: tuples.map(\.1), choices: plan.choices,
                                                    gold: plan.multipleInputGold ?? plan.target, place: place)
            return try LMEvalMetrics.values(names, .choices(choices), place: place)
        case .loglikelihood:
            let (ll, greedy) = Self.tuple(filtered.first ?? .none)
            return try LMEvalMetrics.values(names, .loglikelihood(ll, isGreedy: greedy), place: place)
        case .loglikelihoodRolling:
            let (ll, _) = Self.tuple(filtered.first ?? .none)
            return try LMEvalMetrics.values(names, .rolling(ll, text: plan.target.text), place: place)
        case .generateUntil:
            let result = filtered.first ?? .string("")
            let gold = try generateGold(plan, place: place)
            var out: [String: MetricValue] = [:]
            for metric in definition.metrics {
                guard let hook = metric.metricHook else { continue }
                out[metric.name] = try metricFunction(metric, hook: hook, gold: gold, result: result, docID: plan.docID)
            }
            // lm-eval's own metrics are computed over all documents at the end (delegatedEstimate).
            for metric in definition.metrics where metric.delegated {
                out[metric.name] = .scalar(.nan)
                delegatedItems.record(Self.key(metric.name, filter: filter), docID: plan.docID, gold: gold, result: result)
            }
            let golds: [TemplateValue]
            if multipleTarget, case .array(let items) = gold { golds = items } else { golds = [gold] }
            for metric in definition.metrics where metric.metricHook == nil && !metric.delegated {
                let answer = ScoredAnswer.text(prediction: result.text, references: golds.map(\.text), options: metric.options)
                if let value = try LMEvalMetrics.values([metric.name], answer, place: place)[metric.name] { out[metric.name] = value }
            }
            return out
        }
    }

    /// A generate_until document's gold as lm-eval passes it to metrics: with doc_to_choice,
    /// the choice the target indexes.
    func generateGold(_ plan: DocumentPlan, place: String) throws(TaskError) -> TemplateValue {
        var gold = plan.target
        if definition.docToChoice != nil {
            let choices = try documents.choices(definition.docToChoice, plan.doc)
            guard case .int(let index) = gold, choices.indices.contains(index) || (index < 0 && -index <= choices.count) else {
                throw TaskError("with doc_to_choice, doc_to_target must give a choice index", at: place)
            }
            gold = choices[index < 0 ? choices.count + index : index]
        }
        return gold
    }

    /// The answer as text, and its index among the choices when it is one: the choice with the
    /// highest loglikelihood (multiple_choice), or the filtered generation.
    private func predicted(_ plan: DocumentPlan, filtered: [TemplateValue]) -> (String?, Int?) {
        switch definition.outputType {
        case .multipleChoice:
            let lls = filtered.prefix(plan.choices.count).map { Self.tuple($0).0 }
            guard !lls.isEmpty else { return (nil, nil) }
            let index = ChoiceLoglikelihoods.argmax(Array(lls))
            return (plan.choices[index], index)
        case .generateUntil:
            let text = filtered.first?.text
            return (text, text.flatMap { plan.choices.firstIndex(of: $0) })
        default:
            return (nil, nil)
        }
    }

    /// The gold answer as the choices' texts (lm-eval's `target` stays the index, as it logs it).
    private func goldTexts(_ plan: DocumentPlan) -> [String]? {
        plan.goldIndices.map { $0.map { plan.choices[$0] } }
    }

    private func rawText(_ resps: [[TemplateValue]]) -> String {
        definition.outputType == .generateUntil ? resps.first?.first?.text ?? "" : ""
    }

    static func tuple(_ value: TemplateValue) -> (Double, Bool) {
        if case .array(let items) = value, items.count == 2 { return (items[0].number ?? .nan, items[1].isTruthy) }
        return (value.number ?? .nan, false)
    }

    /// `str()` of every leaf, as lm-eval writes `resps` (`["-1.0", "True"]`).
    /// `(loglikelihood, is_greedy)` pairs, anywhere in `value`, as the loglikelihood alone.
    static func withoutGreedyFlag(_ value: TemplateValue) -> TemplateValue {
        guard case .array(let items) = value else { return value }
        if items.count == 2, case .double = items[0], case .bool = items[1] { return items[0] }
        return .array(items.map(withoutGreedyFlag))
    }

    static func stringified(_ value: TemplateValue) -> OrderedJSON {
        if case .array(let items) = value { return .array(items.map(stringified)) }
        return .string(value.text)
    }

    static func promptHashText(_ argument: TemplateValue) -> String {
        if case .array(let items) = argument, let first = items.first { return first.text }
        return argument.text
    }

    // MARK: - Results

    /// Our percentile-bootstrap interval of the metric (of the corpus statistic itself for
    /// perplexities and F1), with lm-eval's standard error beside it.
    public func estimate(_ metric: String, scores: ScoreColumns, iterations: Int, seed: Int) -> MetricEstimate {
        if let delegated = metricAggregation(metric)?.0, delegated.delegated {
            return delegatedEstimate(delegated, key: metric, scores: scores)
        }
        if let hook = metricAggregation(metric)?.0.aggregationHook {
            // lm-eval has no standard error for a custom aggregation ("N/A"), and neither is an interval made here.
            let value = customAggregate(hook, key: metric, scores: scores) ?? .nan
            return MetricEstimate(value: value, low: value, high: value, count: scores.count)
        }
        let aggregation = metricAggregation(metric)?.1 ?? "mean"
        let name = metric.split(separator: ",").first.map(String.init) ?? metric
        let stderrIterations = ["bleu", "chrf", "ter"].contains(name) ? min(settings.bootstrapIters, 100) : settings.bootstrapIters
        return MetricRegistry.default.estimate(scores.metricValues(metric), aggregation: aggregation, iterations: iterations, seed: seed,
                                               standardErrorIterations: stderrIterations)
    }

    func metricAggregation(_ key: String) -> (LMEvalTaskDefinition.Metric, String)? {
        let name = key.split(separator: ",").first.map(String.init) ?? key
        return definition.metrics.first { $0.name == name }.map { ($0, $0.aggregation) }
    }

    /// lm-eval's own summary, keyed as its `results.json`: `acc,none`, `acc_stderr,none`, ...
    public func extraResults(_ scores: ScoreColumns, metrics: [(String, MetricEstimate)]) -> [(String, OrderedJSON)] {
        var entries: [(String, OrderedJSON)] = [("name", .string(definition.name)), ("alias", .string(definition.alias ?? definition.name)),
                                                ("sample_len", .int(scores.count))]
        for pipeline in definition.filters {
            for metric in definition.metrics {
                let estimate = metrics.first { $0.0 == Self.key(metric.name, filter: pipeline.name) }?.1
                entries.append(("\(metric.name),\(pipeline.name)", estimate.map { Self.number($0.value) } ?? .null))
                entries.append(("\(metric.name)_stderr,\(pipeline.name)", estimate?.standardError.map(Self.number) ?? .string("N/A")))
            }
        }
        let name = definition.name
        return [("lm_eval", .object([
            ("results", .object([(name, .object(entries))])),
            ("versions", .object([(name, definition.version.map { .value($0.jsonValue) } ?? .string("Yaml"))])),
            ("n-shot", .object([(name, .int(numFewshot))])),
            ("higher_is_better", .object([(name, .object(definition.metrics.map { ($0.name, .bool($0.higherIsBetter)) }))])),
            ("n-samples", .object([(name, .object([("original", .int(originalCount)), ("effective", .int(scores.count))]))])),
            ("config", .object([
                ("limit", settings.limit.map(OrderedJSON.double) ?? .null), ("bootstrap_iters", .int(settings.bootstrapIters)),
                ("fewshot_seed", .int(settings.fewshotRandomSeed)), ("apply_chat_template", .bool(chatApplied)),
                ("fewshot_as_multiturn", .bool(multiturn)), ("system_instruction", .optional(settings.systemInstruction)),
            ])),
        ]))]
    }

    private static func number(_ x: Double) -> OrderedJSON { x.isFinite ? .double(x) : .string(PythonText.float(x)) }
}

extension TemplateValue {
    /// The value as JSON with its mappings' key order, as Python writes a dict.
    var orderedJSON: OrderedJSON {
        switch self {
        case .array(let items): return .array(items.map(\.orderedJSON))
        case .object(let pairs): return .object(pairs.map { ($0.0, $0.1.orderedJSON) })
        default: return .value(jsonValue)
        }
    }

    /// The value as JSON (mappings keep their keys; order is the writer's).
    var jsonValue: JSONValue {
        switch self {
        case .none, .undefined, .namespace, .callable: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(\.jsonValue))
        case .object(let pairs): return .object(Dictionary(pairs.map { ($0.0, $0.1.jsonValue) }, uniquingKeysWith: { $1 }))
        }
    }
}

extension ChatMessage {
    /// `{"role": ..., "content": ...}` as lm-eval's messages are.
    var templateValue: TemplateValue { .object([("role", .string(role.rawValue)), ("content", .string(textContent))]) }
}
