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
            throw ModelError(.configuration, "the model's chat template cannot be read: \(error)",
                             hint: "set model.params.formatter to ConcatFormatter, ChatMLFormatter or Llama3Formatter")
        }
        self.bosToken = bosToken
        self.eosToken = eosToken
        var extra: [String: TemplateValue] = [:]
        if case .mapping(let mapping)? = kwargs?.value {
            for (key, node) in mapping { extra[key] = Self.value(node) }
        }
        self.extra = extra
    }

    static func value(_ node: ConfigNode) -> TemplateValue {
        switch node.value {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .sequence(let items): return .array(items.map(value))
        case .mapping(let m): return .object(m.map { ($0.0, value($0.1)) })
        }
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

    func format(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        (try? render(messages, addGenerationPrompt: addGenerationPrompt)) ?? messages.map(\.textContent).joined(separator: "\n\n")
    }
}
