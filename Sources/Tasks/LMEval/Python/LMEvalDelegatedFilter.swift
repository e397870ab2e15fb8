import Models

/// A filter step lm-eval runs in the task's Python worker, as lm-eval 0.4.13 does: the class
/// (`get_filter(name)` from lm-eval's registry, or `function: !function module.Class`) made
/// with the step's keyword arguments, then `.apply(resps, docs)`; here one document at a time.
struct LMEvalDelegatedFilter: Sendable {
    /// The registered name, or the class's own name.
    var name: String
    /// `function: !function module.Class`; `nil` for a name in lm-eval's filter registry.
    var filterClass: LMEvalHook?
    /// The step's other keys, passed as keyword arguments.
    var kwargs: [(String, TemplateValue)]

    /// The worker request's hook: the class itself, or a stand-in naming lm-eval's registry.
    func hook(taskFile: String) -> LMEvalHook {
        filterClass ?? LMEvalHook(function: "lm_eval.api.registry.get_filter", yamlFile: taskFile,
                                  place: "\(taskFile) (filter_list.filter.function '\(name)')")
    }
}

extension LMEvalTaskHooks {
    /// Checks, before any data is read, that each delegated filter exists (a registered one
    /// needs lm-eval in the task's Python; a task module's `@register_filter` counts once the
    /// task's hooks are loaded, as lm-eval imports them with the YAML).
    func checkDelegatedFilters(_ definition: LMEvalTaskDefinition) throws(TaskError) {
        for pipeline in definition.filters {
            for step in pipeline.steps {
                guard let filter = step.delegated else { continue }
                let hook = filter.hook(taskFile: taskFile)
                do {
                    _ = try worker.request("lm_filter_check", hook: hook, [("filter", .string(filter.name)), ("registered", .bool(filter.filterClass == nil))],
                                           context: .init(key: "filter_list.filter.function", taskFile: taskFile, documents: nil))
                } catch {
                    if filter.filterClass == nil, !worker.has("lm_eval") {
                        throw TaskError("filter '\(filter.name)' (filter_list: \(pipeline.name)) is lm-eval's own filter, and lm_eval is not importable in the task's Python",
                                        at: error.place, hint: "install lm-eval (pip install lm-eval) in that Python, or set task.python=... to a Python that has it")
                    }
                    throw TaskError("filter '\(filter.name)' (filter_list: \(pipeline.name)): \(error.message)", at: error.place, hint: error.hint)
                }
            }
        }
    }

    /// `Filter(**kwargs).apply([responses], [doc])[0]`: one document's filtered responses.
    func applyFilter(_ filter: LMEvalDelegatedFilter, _ responses: TemplateValue, doc: TemplateValue, docID: Int) throws(TaskError) -> TemplateValue {
        let hook = filter.hook(taskFile: taskFile)
        let fields: [(String, TemplateValue)] = [("filter", .string(filter.name)), ("registered", .bool(filter.filterClass == nil)),
                                                 ("kwargs", .object(filter.kwargs)), ("resps", .array([responses])), ("docs", .array([doc]))]
        let out = try worker.request("lm_filter", hook: hook, fields, context: .init(key: "filter_list.filter.function", taskFile: taskFile, documents: [docID]))
        guard case .array(let items) = out, let first = items.first else {
            throw TaskError("filter '\(filter.name)' must return a list with one entry per document", at: "\(taskFile) (doc \(docID))")
        }
        return first
    }
}
