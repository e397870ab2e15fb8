/// Splits text into the pieces BPE works on, with the regular expression the tokenizer names.
///
/// Matching runs on Unicode scalars (as Hugging Face's Rust regex does), not on Swift's
/// grapheme clusters, so combining marks and emoji sequences split exactly as they do there.
struct PreTokenizer: @unchecked Sendable {
    /// GPT-2's pattern, used by `ByteLevel` with `use_regex: true`.
    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    enum Step {
        /// Split on matches of a pattern, keeping them as pieces (`behavior: isolated`).
        case split(Regex<AnyRegexOutput>)
        /// Byte-level mapping, optionally adding a space in front and splitting with GPT-2's pattern.
        case byteLevel(addPrefixSpace: Bool, regex: Regex<AnyRegexOutput>?)
    }

    let steps: [Step]

    init(steps: [Step]) { self.steps = steps }

    /// - Throws: ``TokenizerError`` naming the pattern when Swift's regex engine rejects it.
    static func regex(_ pattern: String) throws(TokenizerError) -> Regex<AnyRegexOutput> {
        do {
            return try Regex(pattern).matchingSemantics(.unicodeScalar)
        } catch {
            let shown = pattern.count > 80 ? String(pattern.prefix(80)) + "…" : pattern
            let text = "\(error)"  // "LocatedError<ErrorDiagnostic>: unknown character property '1'"
            let reason = text.range(of: ": ").map { String(text[$0.upperBound...]) } ?? text
            throw TokenizerError("tokenizer.json: the pre-tokenizer pattern '\(shown)' is not a regular expression this engine reads (\(reason))",
                                 hint: "check pre_tokenizer.pattern.Regex in tokenizer.json")
        }
    }

    /// The pieces of `text`, already in byte-level form when the tokenizer is byte level.
    func pieces(_ text: String) -> [String] {
        var pieces = [text]
        var byteLevelDone = false
        for step in steps {
            switch step {
            case .split(let regex):
                pieces = pieces.flatMap { Self.isolate($0, regex) }
            case .byteLevel(let addPrefixSpace, let regex):
                if addPrefixSpace, let first = pieces.first, !first.hasPrefix(" ") { pieces[0] = " " + first }
                if let regex { pieces = pieces.flatMap { Self.isolate($0, regex) } }
                pieces = pieces.map { ByteLevel.encode($0) }
                byteLevelDone = true
            }
        }
        return byteLevelDone ? pieces : pieces.map { ByteLevel.encode($0) }
    }

    /// The pieces before any byte-level mapping (what tiktoken merges as raw bytes).
    func rawPieces(_ text: String) -> [String] {
        var pieces = [text]
        for step in steps {
            if case .split(let regex) = step { pieces = pieces.flatMap { Self.isolate($0, regex) } }
        }
        return pieces
    }

    /// Matches become pieces, and so does any text between them.
    static func isolate(_ text: String, _ regex: Regex<AnyRegexOutput>) -> [String] {
        var out: [String] = []
        var position = text.unicodeScalars.startIndex
        // Match on the String (scalar semantics), but slice the scalar view: a String
        // subscript would round indices to grapheme boundaries.
        for match in text.matches(of: regex) {
            let range = match.range
            if range.isEmpty { continue }
            if position < range.lowerBound { out.append(String(text.unicodeScalars[position..<range.lowerBound])) }
            out.append(String(text.unicodeScalars[range]))
            position = range.upperBound
        }
        if position < text.unicodeScalars.endIndex { out.append(String(text.unicodeScalars[position...])) }
        return out
    }
}
