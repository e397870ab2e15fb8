/// A Jinja template rendered with chosen environment settings: the engine behind
/// ``ChatTemplate``, open to other uses such as lm-evaluation-harness's task templates
/// (`doc_to_text: "Question: {{question}}\nAnswer:"`).
///
/// ```swift
/// let template = try JinjaTemplate("Q: {{ question }}", options: .lmEval)
/// try template.render(["question": "Why?"])   // "Q: Why?"
/// ```
public struct JinjaTemplate: Sendable {
    let nodes: [TemplateNode]
    public let options: TemplateOptions

    /// - Throws: ``ChatTemplateError`` with the line and column of the first syntax error.
    public init(_ source: String, options: TemplateOptions) throws(ChatTemplateError) {
        self.options = options
        var text = source
        if !options.keepTrailingNewline {
            if text.hasSuffix("\r\n") { text.removeLast() } else if text.hasSuffix("\n") { text.removeLast() }
        }
        nodes = try TemplateParser.parse(text, options: options)
    }

    /// Renders with `variables` as the template's globals.
    ///
    /// - Throws: ``ChatTemplateError``: an undefined name under `strictUndefined`, a type
    ///   error, or the template's own `raise_exception(...)`.
    public func render(_ variables: [String: TemplateValue]) throws(ChatTemplateError) -> String {
        let globals = TemplateDefaultGlobals.values.merging(variables) { $1 }
        var evaluator = TemplateEvaluator(globals: globals, strictUndefined: options.strictUndefined)
        var out = ""
        try evaluator.render(nodes, into: &out)
        return out
    }
}
