import Models

/// How lm-eval reads a document through `doc_to_text`, `doc_to_target` and `doc_to_choice`:
/// a column name gives the raw value; any other string is a Jinja template (StrictUndefined,
/// the document's keys as variables), whose text becomes an integer when it is all digits and
/// the task has choices, or a list when it reads as a Python list literal.
struct LMEvalDocuments: Sendable {
    /// The eval split's columns: a `doc_to_*` string naming one is a field, not a template.
    let features: Set<String>
    /// The task has `doc_to_choice`: digit texts become indices.
    let hasChoices: Bool
    /// Where the task came from, for errors.
    let source: String
    /// What each `!function` doc field gave for each document (by the document's JSON text),
    /// computed in batches by the Python worker before the prompts are built.
    var hookResults: [LMEvalHook: [String: TemplateValue]] = [:]

    /// A hook's result for a document, used as lm-eval uses a callable's: as is.
    func hookValue(_ hook: LMEvalHook, _ doc: TemplateValue, key: String) throws(TaskError) -> TemplateValue {
        guard let value = hookResults[hook]?[Self.hookKey(doc)] else {
            throw TaskError("\(key) (!function \(hook.function)) was not run for this document", at: source,
                            hint: "the hook's results are computed before the prompts; this is a bug in the runner")
        }
        return value
    }

    /// The key a document's hook results are kept under.
    static func hookKey(_ doc: TemplateValue) -> String { PythonText.jsonDumps(doc) }

    func render(_ template: JinjaTemplate, _ doc: TemplateValue, key: String) throws(TaskError) -> String {
        guard case .object(let pairs) = doc else { throw TaskError("document is not a mapping", at: source) }
        do {
            return try template.render(Dictionary(pairs, uniquingKeysWith: { $1 }))
        } catch {
            throw TaskError("\(key): \(error.description)", at: source,
                            hint: "the template can use the document's fields: \(pairs.map(\.0).joined(separator: ", "))")
        }
    }

    /// `doc_to_text(doc)`.
    func text(_ field: LMEvalTaskDefinition.DocField?, _ doc: TemplateValue, key: String = "doc_to_text") throws(TaskError) -> TemplateValue {
        guard let field else { return .none }
        switch field {
        case .int(let i): return .int(i)
        case .string(let name, let template):
            if features.contains(name) { return doc[name] }
            let text = try render(template, doc, key: key)
            if PythonText.isDigit(text) && hasChoices { return try digits(text, key: key) }
            return .string(text)
        case .hook(let hook): return try hookValue(hook, doc, key: key)
        case .list, .dict:
            throw TaskError("\(key) must be a field name, a Jinja template or an integer", at: source)
        }
    }

    /// `doc_to_target(doc)`.
    func target(_ field: LMEvalTaskDefinition.DocField?, _ doc: TemplateValue, key: String = "doc_to_target") throws(TaskError) -> TemplateValue {
        guard let field else { return .none }
        switch field {
        case .int(let i): return .int(i)
        case .list(let items): return .array(items)
        case .string(let name, let template):
            if features.contains(name) { return doc[name] }
            let text = try render(template, doc, key: key)
            if PythonText.isDigit(text) && hasChoices { return try digits(text, key: key) }
            if text.count >= 2, text.hasPrefix("["), text.hasSuffix("]"), let value = try? PythonLiteral.evaluate(text) { return value }
            return .string(text)
        case .hook(let hook): return try hookValue(hook, doc, key: key)
        case .dict:
            throw TaskError("\(key) must be a field name, a Jinja template, an integer or a list", at: source)
        }
    }

    /// `doc_to_choice(doc)`: always a list.
    func choices(_ field: LMEvalTaskDefinition.DocField?, _ doc: TemplateValue, key: String = "doc_to_choice") throws(TaskError) -> [TemplateValue] {
        guard let field else { return [] }
        switch field {
        case .list(let items): return items
        case .dict(let values): return values
        case .hook(let hook):
            switch try hookValue(hook, doc, key: key) {
            case .array(let items): return items
            case .object(let pairs): return pairs.map { .string($0.0) }
            case let other: throw TaskError("\(key) (!function \(hook.function)) gave \(Self.kind(other)), not a list of choices", at: source)
            }
        case .int:
            throw TaskError("\(key) must be a field, a Jinja template giving a list, a list or a mapping", at: source)
        case .string(let name, let template):
            if features.contains(name) {
                guard case .array(let items) = doc[name] else {
                    throw TaskError("\(key): field '\(name)' is \(Self.kind(doc[name])), not a list", at: source)
                }
                return items
            }
            let text = try render(template, doc, key: key)
            do throws(PythonLiteral.Failure) {
                let value = try PythonLiteral.evaluate(text)
                if case .array(let items) = value { return items }
                if case .object(let pairs) = value { return pairs.map { .string($0.0) } }
                throw PythonLiteral.Failure(message: "it is not a list")
            } catch {
                throw TaskError("\(key) rendered \(text.debugDescription), which is not a Python list (\(error.message))", at: source,
                                hint: "a list field renders as its repr: doc_to_choice: \"{{choices}}\", or name the field itself")
            }
        }
    }

    /// `resolve_field`: a document key gives its value as text, else the template's text.
    func field(_ field: LMEvalTaskDefinition.DocField?, _ doc: TemplateValue, key: String) throws(TaskError) -> String? {
        guard let field else { return nil }
        switch field {
        case .string(let name, let template):
            if features.contains(name) { return doc[name].text }
            return try render(template, doc, key: key)
        case .int(let i): return String(i)
        case .list(let items): return TemplateValue.array(items).text
        case .dict(let values): return TemplateValue.array(values).text
        case .hook(let hook): return try hookValue(hook, doc, key: key).text
        }
    }

    /// The document field a `doc_to_*` setting names, if it names one rather than a template.
    func fieldName(_ field: LMEvalTaskDefinition.DocField?) -> String? {
        if case .string(let name, _)? = field, features.contains(name) { return name }
        return nil
    }

    /// `ast.literal_eval` of an all-digit text: `"02"` and `"²"` fail in Python, and here.
    private func digits(_ text: String, key: String) throws(TaskError) -> TemplateValue {
        guard text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }), text == "0" || !text.hasPrefix("0"), let value = Int(text) else {
            throw TaskError("\(key) rendered \(text.debugDescription), which Python cannot read as a number (leading zeros or non-ASCII digits)",
                            at: source, hint: "render a plain index like 2, or the choice's text")
        }
        return .int(value)
    }

    static func kind(_ value: TemplateValue) -> String {
        switch value {
        case .string: return "a string"
        case .int, .double: return "a number"
        case .bool: return "a boolean"
        case .none: return "None"
        case .object: return "a mapping"
        case .array: return "a list"
        default: return "not a value"
        }
    }
}
