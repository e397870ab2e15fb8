/// A model's Jinja chat template, parsed once and rendered for each conversation exactly as
/// Hugging Face's `apply_chat_template` renders it (jinja2 with `trim_blocks` and
/// `lstrip_blocks`, `raise_exception`, `tojson`, `namespace`).
///
/// ```swift
/// let template = try ChatTemplate(checkpoint.chatTemplate!)
/// let prompt = try template.render(messages: [["role": "user", "content": "Hi"]],
///                                  addGenerationPrompt: true, bosToken: "<s>", eosToken: "</s>")
/// ```
///
/// It covers the subset real templates use: `for` (with `loop`, `else`, unpacking), `if` /
/// `elif` / `else`, `set` (also `namespace` attributes and blocks), macros, the usual
/// operators, slices, filters (`trim`, `length`, `tojson`, `default`, `join`, `selectattr`,
/// `map`, ...), tests (`defined`, `none`, `string`, `mapping`, ...) and string and dict methods.
public struct ChatTemplate: Sendable {
    private let template: JinjaTemplate

    /// - Throws: ``ChatTemplateError`` with the line and column of the first syntax error.
    public init(_ source: String) throws(ChatTemplateError) {
        template = try JinjaTemplate(source, options: .huggingFace)
    }

    /// - Throws: ``ChatTemplateError``; a `raise_exception(message)` in the template throws
    ///   an error whose description is that message.
    public func render(messages: [[String: TemplateValue]], addGenerationPrompt: Bool, bosToken: String, eosToken: String,
                       extra: [String: TemplateValue] = [:]) throws(ChatTemplateError) -> String {
        var globals: [String: TemplateValue] = [
            "messages": .array(messages.map { message in .object(message.sorted { Self.order($0.key) < Self.order($1.key) }.map { ($0.key, $0.value) }) }),
            "add_generation_prompt": .bool(addGenerationPrompt),
            "bos_token": .string(bosToken),
            "eos_token": .string(eosToken),
            "raise_exception": .callable(CallableBox { (args, _) throws(ChatTemplateError) -> TemplateValue in
                throw ChatTemplateError(args.first?.text ?? "raise_exception", raised: true)
            }),
            "namespace": .callable(CallableBox { (_, kwargs) throws(ChatTemplateError) -> TemplateValue in
                .namespace(NamespaceBox(Dictionary(kwargs, uniquingKeysWith: { $1 })))
            }),
        ]
        for (key, value) in extra { globals[key] = value }
        return try template.render(globals)
    }

    /// Messages keep role before content, as the dicts people write do.
    private static func order(_ key: String) -> Int {
        switch key {
        case "role": return 0
        case "content": return 1
        default: return 2
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
