import Models

/// The task's `!function` hooks as lm-eval 0.4.13 calls them, each a batched message to the
/// run's ``LMEvalPythonWorker``: a 10,000-document task costs a few round trips, not 10,000.
struct LMEvalTaskHooks {
    let worker: LMEvalPythonWorker
    /// The task file, named by errors.
    let taskFile: String

    /// Documents per message: big enough for few round trips, small enough for modest lines.
    static let batch = 5_000

    private func context(_ key: String, _ ids: [Int]?) -> LMEvalPythonWorker.Context {
        .init(key: key, taskFile: taskFile, documents: ids)
    }

    /// Checks that every hook's module and function exist, before any data is read: a
    /// misspelled hook is one error at its line, not a failure after loading the data.
    func check(_ definition: LMEvalTaskDefinition) throws(TaskError) {
        var seen = Set<LMEvalHook>()
        for (key, hook) in definition.hooks where seen.insert(hook).inserted {
            _ = try worker.request("load", hook: hook, [], context: context(key, nil))
        }
    }

    /// `process_docs(dataset)`: a `datasets.Dataset` when `datasets` imports in the worker,
    /// else the worker's stand-in; the documents and columns it returns.
    func processDocs(_ hook: LMEvalHook, _ docs: [TemplateValue], columns: [String], features: String?, key: String) throws(TaskError) -> ([TemplateValue], [String]) {
        var fields: [(String, TemplateValue)] = [("docs", .array(docs)), ("columns", .array(columns.map(TemplateValue.string)))]
        if let features, let value = try? PythonJSON.parse(Substring(features)) { fields.append(("features", value)) }
        let reply = try worker.request("process_docs", hook: hook, fields, context: context(key, nil))
        return try Self.split(reply, hook: hook, key: key, taskFile: taskFile)
    }

    /// `custom_dataset(**metadata, **dataset_kwargs)`: split name to documents and columns.
    func customDataset(_ hook: LMEvalHook, kwargs: [(String, TemplateValue)]) throws(TaskError) -> [(String, [TemplateValue], [String])] {
        let reply = try worker.request("dataset", hook: hook, [("kwargs", .object(kwargs))], context: context("custom_dataset", nil))
        guard case .object(let splits) = reply else {
            throw TaskError("custom_dataset (!function \(hook.function)) gave no splits", at: hook.place)
        }
        return try splits.map { name, value throws(TaskError) in
            let (docs, columns) = try Self.split(value, hook: hook, key: "custom_dataset", taskFile: taskFile)
            return (name, docs, columns)
        }
    }

    private static func split(_ value: TemplateValue, hook: LMEvalHook, key: String, taskFile: String) throws(TaskError) -> ([TemplateValue], [String]) {
        guard case .array(let docs) = value["docs"], case .array(let columns) = value["columns"] else {
            throw TaskError("\(key) (!function \(hook.function)) did not give a dataset", at: taskFile)
        }
        for doc in docs {
            guard case .object = doc else {
                throw TaskError("\(key) (!function \(hook.function)) gave a dataset whose rows are not mappings", at: taskFile,
                                hint: "lm-eval's doc_to_* read a document as a dict of fields")
            }
        }
        return (docs, columns.map(\.text))
    }

    /// `hook(doc)` for every document, in batches; `ids` name the documents in errors.
    func each(_ hook: LMEvalHook, _ docs: [TemplateValue], ids: [Int]?, key: String) throws(TaskError) -> [TemplateValue] {
        try map(hook, docs.map { [$0] }, ids: ids, key: key)
    }

    /// `hook(*arguments)` for each item, in batches. `tuples`: the second argument's lists
    /// become tuples, as lm-eval passes `(loglikelihood, is_greedy)` results.
    func map(_ hook: LMEvalHook, _ items: [[TemplateValue]], ids: [Int]?, key: String, tuples: Bool = false) throws(TaskError) -> [TemplateValue] {
        var out: [TemplateValue] = []
        out.reserveCapacity(items.count)
        var start = 0
        while start < items.count {
            let end = min(start + Self.batch, items.count)
            var fields: [(String, TemplateValue)] = [("items", .array(items[start..<end].map { .array($0) }))]
            if tuples { fields.append(("tuples", .bool(true))) }
            let reply = try worker.request("map", hook: hook, fields, context: context(key, ids.map { Array($0[start..<end]) }))
            guard case .array(let results) = reply, results.count == end - start else {
                throw TaskError("\(key) (!function \(hook.function)): the worker gave the wrong number of results", at: taskFile)
            }
            out += results
            start = end
        }
        return out
    }

    /// One call: `hook(*args, **kwargs)`.
    func call(_ hook: LMEvalHook, args: [TemplateValue] = [], kwargs: [(String, TemplateValue)] = [], key: String, id: Int? = nil) throws(TaskError) -> TemplateValue {
        try worker.request("call", hook: hook, [("args", .array(args)), ("kwargs", .object(kwargs))], context: context(key, id.map { [$0] }))
    }

    /// Every `doc_to_*` hook's result for the documents that need it: the main fields over the
    /// evaluated documents, the few-shot fields over the few-shot pool.
    func docFieldResults(_ definition: LMEvalTaskDefinition, eval docs: [TemplateValue], pool: [TemplateValue]) throws(TaskError) -> [LMEvalHook: [String: TemplateValue]] {
        let main: [(String, LMEvalTaskDefinition.DocField?)] = [("doc_to_text", definition.docToText), ("doc_to_target", definition.docToTarget),
                                                                ("doc_to_choice", definition.docToChoice), ("description", definition.description),
                                                                ("gen_prefix", definition.genPrefix)]
        let shots: [(String, LMEvalTaskDefinition.DocField?)] = [("fewshot_config.doc_to_text", definition.fewShot.docToText),
                                                                 ("fewshot_config.doc_to_target", definition.fewShot.docToTarget),
                                                                 ("fewshot_config.doc_to_choice", definition.fewShot.docToChoice)]
        var results: [LMEvalHook: [String: TemplateValue]] = [:]
        func run(_ key: String, _ hook: LMEvalHook, _ docs: [TemplateValue], ids: [Int]?) throws(TaskError) {
            var known = results[hook] ?? [:]
            var keys: [String] = []
            var todo: [TemplateValue] = []
            var todoIDs: [Int] = []
            var seen = Set<String>()
            for (i, doc) in docs.enumerated() {
                let k = LMEvalDocuments.hookKey(doc)
                guard known[k] == nil, seen.insert(k).inserted else { continue }
                keys.append(k)
                todo.append(doc)
                todoIDs.append(ids?[i] ?? i)
            }
            guard !todo.isEmpty else { return }
            let values = try each(hook, todo, ids: ids == nil ? nil : todoIDs, key: key)
            for (k, v) in zip(keys, values) { known[k] = v }
            results[hook] = known
        }
        for (key, field) in main { if case .hook(let hook)? = field { try run(key, hook, docs, ids: Array(docs.indices)) } }
        if !pool.isEmpty {
            for (key, field) in shots { if case .hook(let hook)? = field { try run(key, hook, pool, ids: nil) } }
        }
        return results
    }
}
