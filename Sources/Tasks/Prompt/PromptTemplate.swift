/// A prompt with `{field}` placeholders, as Python's `str.format` writes them: `{{` and `}}`
/// are literal braces.
///
/// ```swift
/// let template = try PromptTemplate("Question: {question}\nAnswer:", key: "task.prompt.template")
/// template.render(["question": "Why?"])   // "Question: Why?\nAnswer:"
/// ```
public struct PromptTemplate: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case text(String)
        case field(String)
    }

    let segments: [Segment]
    /// The config key the template came from, for errors.
    public let key: String

    /// The field names the template uses, in order of first use.
    public var fields: [String] {
        var seen: [String] = []
        for case .field(let name) in segments where !seen.contains(name) { seen.append(name) }
        return seen
    }

    /// - Throws: ``TaskError`` at `key` for an unclosed or stray brace or an empty `{}`.
    public init(_ text: String, key: String) throws(TaskError) {
        self.key = key
        var segments: [Segment] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            let next = text.index(after: index)
            if c == "{" {
                if next < text.endIndex, text[next] == "{" { literal.append("{"); index = text.index(after: next); continue }
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw TaskError("'{' at offset \(text.distance(from: text.startIndex, to: index)) is never closed", at: key,
                                    hint: "write {{ for a literal brace")
                }
                let name = String(text[next..<close]).trimmingSpaces
                guard !name.isEmpty, !name.contains("{") else {
                    throw TaskError("'{}' needs a field name", at: key, hint: "name a field, like {question}; write {{}} for literal braces")
                }
                if !literal.isEmpty { segments.append(.text(literal)); literal = "" }
                segments.append(.field(name))
                index = text.index(after: close)
            } else if c == "}" {
                guard next < text.endIndex, text[next] == "}" else {
                    throw TaskError("single '}' at offset \(text.distance(from: text.startIndex, to: index))", at: key,
                                    hint: "write }} for a literal brace")
                }
                literal.append("}")
                index = text.index(after: next)
            } else {
                literal.append(c)
                index = next
            }
        }
        if !literal.isEmpty { segments.append(.text(literal)) }
        self.segments = segments
    }

    /// The fields the template uses that `available` lacks.
    public func missing(from available: some Collection<String>) -> [String] {
        fields.filter { !available.contains($0) }
    }

    /// Fills the placeholders; a field absent from `values` renders empty (check with `missing` first).
    public func render(_ values: [String: String]) -> String {
        var out = ""
        for segment in segments {
            switch segment {
            case .text(let t): out += t
            case .field(let name): out += values[name] ?? ""
            }
        }
        return out
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}
