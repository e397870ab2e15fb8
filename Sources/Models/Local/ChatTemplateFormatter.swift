import Config

/// Renders chat messages with the model's own Jinja `chat_template` (from GGUF metadata or
/// `tokenizer_config.json`), as Hugging Face's `apply_chat_template` does.
struct ChatTemplateFormatter: Formatter {
    let template: ChatTemplate
    let bosToken: String
    let eosToken: String
    let extra: [String: TemplateValue]
    var name: String { "chat_template" }

    init(template source: String, bosToken: String, eosToken: String, kwargs: ConfigNode?) throws {
        do {
            template = try ChatTemplate(source)
        } catch {
            throw ModelError(.invalidData, "the model's chat template cannot be read: \(error)",
                             hint: "set model.params.formatter to ConcatFormatter, ChatMLFormatter or Llama3Formatter", cause: "\(error)")
        }
        self.bosToken = bosToken
        self.eosToken = eosToken
        var extra: [String: TemplateValue] = [:]
        if case .mapping(let mapping)? = kwargs?.value {
            for (key, node) in mapping { extra[key] = node.templateValue }
        }
        self.extra = extra
    }

    /// The rendered conversation; a template's `raise_exception` becomes an item error.
    func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String {
        let values: [[String: TemplateValue]] = messages.map { ["role": .string($0.role.rawValue), "content": .string($0.textContent)] }
        do {
            return try template.render(messages: values, addGenerationPrompt: addGenerationPrompt, bosToken: bosToken, eosToken: eosToken, extra: extra)
        } catch {
            throw ModelError(.unsupported, "the model's chat template refused the conversation: \(error)",
                             hint: "check the roles and their order (some templates need user and assistant to alternate)")
        }
    }

    /// The conversation rendered so that the model continues the last message, cut as
    /// transformers' `continue_final_message` cuts it: right after the last occurrence of that
    /// message's text (its trailing whitespace kept only when the template kept it).
    func renderContinuing(_ messages: [ChatMessage]) throws -> String {
        let rendered = Array(try render(messages, addGenerationPrompt: false).unicodeScalars)
        let final = Array((messages.last?.textContent ?? "").unicodeScalars)
        func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }
        let lstripped = Array(final.drop(while: isSpace))
        var stripped = lstripped
        while let last = stripped.last, isSpace(last) { stripped.removeLast() }
        guard let location = Self.lastIndex(of: stripped, in: rendered) else {
            throw ModelError(.unsupported, "the chat template does not show the last message's text, so it cannot be continued",
                             hint: "lm-eval's gen_prefix needs a template that writes the assistant message as given")
        }
        let keepsSpacing = location + lstripped.count <= rendered.count && Array(rendered[location..<(location + lstripped.count)]) == final
        let end = location + (keepsSpacing ? lstripped.count : stripped.count)
        return String(String.UnicodeScalarView(rendered[..<end]))
    }

    private static func lastIndex(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        if needle.isEmpty { return haystack.count }
        for start in stride(from: haystack.count - needle.count, through: 0, by: -1) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }

    func format(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        (try? render(messages, addGenerationPrompt: addGenerationPrompt)) ?? messages.map(\.textContent).joined(separator: "\n\n")
    }
}
