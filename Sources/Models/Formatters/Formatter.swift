import Config

/// Turns chat messages into one prompt string for completion-style models.
public protocol Formatter: Sendable {
    /// The formatter's name as written in config (`ConcatFormatter`).
    var name: String { get }
    /// The prompt text; with `addGenerationPrompt`, ends where the assistant's answer begins.
    func format(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String
}

/// Message contents joined by a separator, no role markers (eval-framework's ConcatFormatter).
public struct ConcatFormatter: Formatter {
    public var separator: String
    public var name: String { "ConcatFormatter" }

    public init(separator: String = "\n\n") { self.separator = separator }

    public func format(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        messages.map(\.textContent).joined(separator: separator)
    }
}

/// ChatML (`<|im_start|>role\n...<|im_end|>`), as Qwen and SmolLM2 use.
public struct ChatMLFormatter: Formatter {
    public var name: String { "ChatMLFormatter" }
    public init() {}

    public func format(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var text = ""
        for message in messages { text += "<|im_start|>\(message.role.rawValue)\n\(message.textContent)<|im_end|>\n" }
        if addGenerationPrompt { text += "<|im_start|>assistant\n" }
        return text
    }
}

/// Llama 3's header-and-eot format.
public struct Llama3Formatter: Formatter {
    public var name: String { "Llama3Formatter" }
    public var beginOfText: Bool
    public init(beginOfText: Bool = true) { self.beginOfText = beginOfText }

    public func format(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var text = beginOfText ? "<|begin_of_text|>" : ""
        for message in messages {
            text += "<|start_header_id|>\(message.role.rawValue)<|end_header_id|>\n\n\(message.textContent)<|eot_id|>"
        }
        if addGenerationPrompt { text += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
        return text
    }
}

/// Formatters by config name.
public enum FormatterRegistry {
    public static let names = ["ConcatFormatter", "ChatMLFormatter", "Llama3Formatter"]

    /// Builds the formatter `name` with `kwargs` (ConcatFormatter takes `separator`,
    /// Llama3Formatter `begin_of_text`).
    ///
    /// - Throws: ``ModelError`` `.configuration` for unknown names and arguments.
    public static func make(_ name: String?, kwargs: ConfigNode?) throws -> any Formatter {
        let args = kwargs?.mapping ?? ConfigMapping()
        func string(_ key: String) -> String? { args[key]?.string }
        func checkKeys(_ known: [String]) throws {
            for key in args.keys where !known.contains(key) {
                throw ModelError(.configuration, "unknown formatter_kwargs key '\(key)' for \(name ?? "")",
                                 hint: known.isEmpty ? "this formatter takes no arguments" : "known: \(known.joined(separator: ", "))",
                                 keyPath: "model.params.formatter_kwargs.\(key)")
            }
        }
        switch name ?? "ConcatFormatter" {
        case "ConcatFormatter":
            try checkKeys(["separator"])
            return ConcatFormatter(separator: string("separator") ?? "\n\n")
        case "ChatMLFormatter":
            try checkKeys([])
            return ChatMLFormatter()
        case "Llama3Formatter":
            try checkKeys(["begin_of_text"])
            if case .bool(let b)? = args["begin_of_text"]?.value { return Llama3Formatter(beginOfText: b) }
            return Llama3Formatter()
        default:
            var hint = "known formatters: \(names.joined(separator: ", "))"
            hint = DidYouMean.hint(name ?? "", among: names, then: hint)
            throw ModelError(.configuration, "unknown formatter '\(name ?? "")'", hint: hint, keyPath: "model.params.formatter_name")
        }
    }
}
