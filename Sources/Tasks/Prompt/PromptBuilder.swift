import Models

/// Turns an item into what the model is asked: chat messages for chat models (system, the
/// few-shot examples as user/assistant turns, then the question), one text otherwise.
public struct PromptBuilder: Sendable {
    public var template: PromptTemplate
    public var system: String?
    public var useChat: Bool

    public init(template: PromptTemplate, system: String?, useChat: Bool) {
        self.template = template
        self.system = system
        self.useChat = useChat
    }

    /// One example shown before the question: its rendered prompt and its answer.
    public struct Shot: Sendable {
        public var prompt: String
        public var answer: String
        public init(prompt: String, answer: String) {
            self.prompt = prompt
            self.answer = answer
        }
    }

    /// The prompt for `values`, after the few-shot examples; `answerPrefix` is appended to
    /// the text (loglikelihood scoring: the continuation follows it).
    public func prompt(_ values: [String: String], shots: [Shot], answerPrefix: String? = nil) -> Prompt {
        let question = template.render(values)
        if useChat {
            var messages: [ChatMessage] = []
            if let system, !system.isEmpty { messages.append(.system(system)) }
            for shot in shots {
                messages.append(.user(shot.prompt))
                messages.append(.assistant(shot.answer))
            }
            messages.append(.user(question))
            return .chat(messages)
        }
        return .text(text(question, shots: shots, answerPrefix: answerPrefix))
    }

    /// The single-text form: system prompt, examples each followed by its answer, the question.
    public func text(_ question: String, shots: [Shot], answerPrefix: String?) -> String {
        var parts: [String] = []
        if let system, !system.isEmpty { parts.append(system) }
        for shot in shots {
            parts.append(joined(shot.prompt, answerPrefix) + " " + shot.answer)
        }
        parts.append(joined(question, answerPrefix))
        return parts.joined(separator: "\n\n")
    }

    private func joined(_ question: String, _ prefix: String?) -> String {
        guard let prefix, !prefix.isEmpty else { return question }
        return question.hasSuffix(prefix) ? question : question + "\n" + prefix
    }
}
