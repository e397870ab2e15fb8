/// Reads which option a free-form answer picks: "B", "(B)", "Answer: B", "The answer is B.",
/// "B) Paris", the option's own text, or, for label tasks, "yes" / "No." / "Answer: maybe".
///
/// Returns `nil` when the answer names no option or several: a null answer is counted wrong
/// and reported as such, never guessed.
public struct ChoiceParser: Sendable {
    /// The option keys: letters (`A`...) or labels (`yes`, `no`, `maybe`).
    public let keys: [String]
    /// Each option's text (for labels, the label itself).
    public let texts: [String]
    /// Keys are single letters, matched by case; labels are matched as words, ignoring case.
    public let keysAreLetters: Bool

    public init(keys: [String], texts: [String], keysAreLetters: Bool) {
        self.keys = keys
        self.texts = texts
        self.keysAreLetters = keysAreLetters
    }

    public func parse(_ raw: String) -> String? {
        let text = Self.clean(raw)
        if text.isEmpty { return nil }
        return keysAreLetters ? parseLetter(text) : parseLabel(text)
    }

    // MARK: - Letters

    private func parseLetter(_ text: String) -> String? {
        let bare = Self.strip(text)
        if let key = letterKey(bare, allowLowercase: bare.count == 1) { return key }
        if let key = phraseAnswer(text) { return key }
        if let key = leadingLetter(text) { return key }
        if let key = optionText(text) { return key }
        return loneLetter(text)
    }

    private func letterKey(_ s: some StringProtocol, allowLowercase: Bool) -> String? {
        if keys.contains(String(s)) { return String(s) }
        if allowLowercase, keys.contains(s.uppercased()) { return s.uppercased() }
        return nil
    }

    /// "Answer: B", "the answer is (B)", "correct option is B": the last such phrase wins,
    /// since models that reason first conclude last.
    private func phraseAnswer(_ text: String) -> String? {
        let chars = Array(text)
        let lower = Array(text.lowercased())
        var found: String?
        for word in ["answer", "option", "choice"] {
            let w = Array(word)
            var i = 0
            while i + w.count <= lower.count {
                guard Array(lower[i..<i + w.count]) == w, i == 0 || !lower[i - 1].isLetter else { i += 1; continue }
                var j = i + w.count
                if j < lower.count, lower[j] == "s" { j += 1 }
                func skipSpaces() { while j < chars.count, chars[j] == " " || chars[j] == "*" { j += 1 } }
                skipSpaces()
                if j + 1 < lower.count, lower[j] == "i", lower[j + 1] == "s", j + 2 == lower.count || !lower[j + 2].isLetter { j += 2; skipSpaces() }
                if j < chars.count, chars[j] == ":" || chars[j] == "-" || chars[j] == "=" { j += 1; skipSpaces() }
                for filler in ["option", "choice"] where lower.count >= j + filler.count && String(lower[j..<j + filler.count]) == filler {
                    j += filler.count
                    skipSpaces()
                }
                var bracketed = false
                if j < chars.count, chars[j] == "(" || chars[j] == "[" { bracketed = true; j += 1 }
                if j < chars.count, chars[j].isLetter, j + 1 == chars.count || !chars[j + 1].isLetter {
                    if let key = letterKey(String(chars[j]), allowLowercase: bracketed) { found = key }
                }
                i += w.count
            }
        }
        return found
    }

    /// "B) Paris", "B. Paris", "(B)", "B: Paris", "B Paris" (when the option's text follows).
    private func leadingLetter(_ text: String) -> String? {
        var rest = Substring(text)
        var bracketed = false
        if rest.first == "(" || rest.first == "[" { bracketed = true; rest = rest.dropFirst() }
        guard let first = rest.first, first.isLetter else { return nil }
        let after = rest.dropFirst()
        guard let key = letterKey(String(first), allowLowercase: bracketed) else { return nil }
        guard let next = after.first else { return key }
        if next == ")" || next == "]" || next == "." || next == ":" || next == "," { return key }
        if next == " ", let index = keys.firstIndex(of: key) {
            let option = TextNormalizer.normalize(texts[index])
            if !option.isEmpty, TextNormalizer.normalize(String(after)).hasPrefix(option) { return key }
        }
        return nil
    }

    /// The answer is, or contains exactly one of, the options' texts.
    private func optionText(_ text: String) -> String? {
        let answer = TextNormalizer.normalize(text)
        if answer.isEmpty { return nil }
        let options = texts.map(TextNormalizer.normalize)
        if let exact = options.firstIndex(of: answer), options.filter({ $0 == answer }).count == 1 { return keys[exact] }
        let padded = " " + answer + " "
        let containing = options.indices.filter { !options[$0].isEmpty && padded.contains(" " + options[$0] + " ") }
        // An option whose text is inside a longer one ("Paris" in "Paris, Texas") is not a second match.
        let maximal = containing.filter { i in !containing.contains { j in j != i && options[j].count > options[i].count && options[j].contains(options[i]) } }
        return maximal.count == 1 ? keys[maximal[0]] : nil
    }

    /// A single option letter standing alone somewhere ("I think B is right"); the article
    /// "A" before a lower-case word does not count.
    private func loneLetter(_ text: String) -> String? {
        let chars = Array(text)
        var found: Set<String> = []
        for i in chars.indices where chars[i].isUppercase {
            guard i == 0 || !chars[i - 1].isLetter, i + 1 == chars.count || !chars[i + 1].isLetter else { continue }
            guard let key = letterKey(String(chars[i]), allowLowercase: false) else { continue }
            if key == "A", i + 2 < chars.count, chars[i + 1] == " ", chars[i + 2].isLowercase,
               !["or ", "and ", "nor "].contains(where: { String(chars[(i + 2)...].prefix(4)).hasPrefix($0) }) { continue }
            found.insert(key)
        }
        return found.count == 1 ? found.first : nil
    }

    // MARK: - Labels

    private func parseLabel(_ text: String) -> String? {
        let words = TextNormalizer.tokens(text).map(String.init)
        let labels = keys.map { $0.lowercased() }
        guard !words.isEmpty else { return nil }
        let present = Set(words.compactMap { labels.firstIndex(of: $0) })
        if let i = labels.firstIndex(of: words[0]), present.count == 1 || words.count == 1 { return keys[i] }
        // "Answer: yes", "the answer is maybe"
        for (n, word) in words.enumerated().reversed() where word == "answer" {
            var k = n + 1
            if k < words.count, words[k] == "is" { k += 1 }
            if k < words.count, let i = labels.firstIndex(of: words[k]) { return keys[i] }
        }
        return present.count == 1 ? keys[present.first!] : nil
    }

    // MARK: - Cleaning

    /// Drops markdown emphasis and surrounding whitespace and quotes.
    static func clean(_ raw: String) -> String {
        var s = raw.replacingAll("**", with: "")
        s = s.trimmingSpaces
        while let first = s.first, first == "\"" || first == "'" || first == "`", s.count > 1, s.last == first {
            s = String(s.dropFirst().dropLast()).trimmingSpaces
        }
        return s
    }

    /// Drops brackets and trailing punctuation around a bare answer: "(B)." to "B".
    static func strip(_ s: String) -> String {
        var t = Substring(s)
        while let c = t.last, ".:;,!)]".contains(c) { t = t.dropLast() }
        while let c = t.first, "([".contains(c) { t = t.dropFirst() }
        return String(t).trimmingSpaces
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
