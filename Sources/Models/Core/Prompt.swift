/// What a model is asked: plain text, or chat messages.
public enum Prompt: Sendable, Hashable {
    case text(String)
    case chat([ChatMessage])

    /// The prompt's JSON form, part of the cache key.
    public var json: JSONValue {
        switch self {
        case .text(let t): return ["text": .string(t)]
        case .chat(let messages): return ["messages": .array(messages.map(\.json))]
        }
    }

    /// The number of UTF-8 bytes of all text, for token estimates.
    public var byteCount: Int {
        switch self {
        case .text(let t): return t.utf8.count
        case .chat(let messages): return messages.reduce(0) { $0 + $1.textContent.utf8.count + 4 }
        }
    }
}

/// One chat message. Content is text, or parts mixing text and images.
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case system, user, assistant, tool }

    public enum Part: Sendable, Hashable {
        case text(String)
        /// An image by URL or as a `data:image/...;base64,...` URI.
        case imageURL(String, detail: String? = nil)
    }

    public var role: Role
    public var parts: [Part]

    public init(_ role: Role, _ text: String) {
        self.role = role
        self.parts = [.text(text)]
    }

    public init(role: Role, parts: [Part]) {
        self.role = role
        self.parts = parts
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(.system, text) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(.user, text) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(.assistant, text) }

    /// The text parts joined, for formatters and token counts.
    public var textContent: String {
        parts.compactMap { if case .text(let t) = $0 { return t } else { return nil } }.joined()
    }

    /// OpenAI's wire form: a string when the message is text only, else content parts.
    public var json: JSONValue {
        if parts.count == 1, case .text(let t) = parts[0] {
            return ["role": .string(role.rawValue), "content": .string(t)]
        }
        let content: [JSONValue] = parts.map { part in
            switch part {
            case .text(let t): return ["type": "text", "text": .string(t)]
            case .imageURL(let url, let detail):
                var image: [String: JSONValue] = ["url": .string(url)]
                if let detail { image["detail"] = .string(detail) }
                return ["type": "image_url", "image_url": .object(image)]
            }
        }
        return ["role": .string(role.rawValue), "content": .array(content)]
    }
}
