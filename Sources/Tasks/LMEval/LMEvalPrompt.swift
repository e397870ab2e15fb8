import Models

/// lm-eval's `fewshot_context`: the description (and system instruction), the few-shot
/// examples and the document's question as a list of messages, each with the delimiter that
/// follows it in plain text, and the three ways they are sent: one text (`"".join(content +
/// delimiter)`), chat turns (`fewshot_as_multiturn`: no delimiters at all), or one user turn
/// holding the plain text (single-turn chat).
struct LMEvalPrompt: Sendable, Equatable {
    struct Message: Sendable, Equatable {
        var role: ChatMessage.Role
        var content: String
        var delimiter: String
    }

    var messages: [Message]
    /// The document's `gen_prefix`: the text the answer is to continue (and then no
    /// generation prompt is added under a chat template).
    var genPrefix: String?

    /// The plain-text context.
    var text: String { messages.map { $0.content + $0.delimiter }.joined() }

    /// Chat turns: each message as it is (multi-turn), or the system message, then everything
    /// else as one user message, then a trailing `gen_prefix` assistant message (single-turn).
    func chat(multiturn: Bool) -> [ChatMessage] {
        if multiturn { return messages.map { ChatMessage($0.role, $0.content) } }
        var result: [ChatMessage] = []
        var rest = messages[...]
        if let first = rest.first, first.role == .system {
            result.append(ChatMessage(.system, first.content))
            rest = rest.dropFirst()
        }
        var trailing: Message?
        if genPrefix != nil, let last = rest.last, last.role == .assistant {
            trailing = last
            rest = rest.dropLast()
        }
        if !rest.isEmpty {
            var parts = Array(rest)
            parts[parts.count - 1].delimiter = ""
            result.append(ChatMessage(.user, parts.map { $0.content + $0.delimiter }.joined()))
        }
        if let trailing { result.append(ChatMessage(.assistant, trailing.content)) }
        return result
    }

    // MARK: - Assembly

    /// One question-and-answer turn (`build_qa_turn`).
    static func turn(question: TemplateValue, choices: [TemplateValue]?, answer: TemplateValue?, genPrefix: String?,
                     targetDelimiter: String, fewshotDelimiter: String, place: String) throws(TaskError) -> [Message] {
        guard case .string(let q) = question else {
            throw TaskError("doc_to_text gave \(LMEvalDocuments.kind(question)) (\(question.text)), not text", at: place,
                            hint: "lm-eval asserts a string here too; an all-digit template result becomes a number when the task has choices")
        }
        let hasAnswer: Bool
        switch answer {
        case nil, .none?, .undefined?: hasAnswer = false
        case .string(let s)?: hasAnswer = !s.isEmpty
        default: hasAnswer = true
        }
        let gp = genPrefix.flatMap { $0.isEmpty ? nil : $0 }
        var userDelimiter = ""
        if hasAnswer && gp == nil { userDelimiter = targetDelimiter } else if let gp, requiresDelimiter(q, gp) { userDelimiter = targetDelimiter }
        var messages = [Message(role: .user, content: q, delimiter: userDelimiter)]
        if hasAnswer, let answer {
            var text: TemplateValue = answer
            if let choices, !choices.isEmpty, case .int(let index) = answer {
                guard choices.indices.contains(index) else {
                    throw TaskError("few-shot target \(index) is out of range for \(choices.count) choices", at: place)
                }
                text = choices[index]
            } else if case .array(let items) = answer, let first = items.first {
                text = first
            }
            guard case .string(let answerText) = text else {
                throw TaskError("a few-shot example's target is \(LMEvalDocuments.kind(text)) (\(text.text)), not text", at: place,
                                hint: "an integer target needs doc_to_choice to name its choice; lm-eval asserts the same")
            }
            messages.append(Message(role: .assistant, content: maybeDelimit(gp, answerText, " "), delimiter: fewshotDelimiter))
        } else if let gp {
            messages.append(Message(role: .assistant, content: gp, delimiter: ""))
        }
        return messages
    }

    /// `p + d + s`, or `p + s` when either side already has the whitespace; either side may be empty.
    static func maybeDelimit(_ prefix: String?, _ suffix: String?, _ delimiter: String) -> String {
        guard let prefix, !prefix.isEmpty else { return suffix ?? "" }
        guard let suffix, !suffix.isEmpty else { return prefix }
        return PythonText.endsWithSpace(prefix) || PythonText.startsWithSpace(suffix) ? prefix + suffix : prefix + delimiter + suffix
    }

    static func requiresDelimiter(_ prefix: String, _ suffix: String) -> Bool {
        !prefix.isEmpty && !(PythonText.endsWithSpace(prefix) || PythonText.startsWithSpace(suffix))
    }
}
