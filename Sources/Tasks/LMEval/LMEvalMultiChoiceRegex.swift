import Models

/// lm-eval's `multi_choice_regex` filter (MMLU generative, BBH and others): the pattern's match
/// if there is one, else the document's `choices` found in the response (after removing
/// `regexes_to_ignore`, lower-casing and dropping punctuation as asked) given as `(A)`, `(B)`,
/// ..., else a bare letter after a colon (`Answer: C` gives `(C)`), else the fallback.
struct LMEvalMultiChoiceRegex: Sendable {
    let regex: PythonRegex
    let groupSelect: Int
    let fallback: String
    let ignoreCase: Bool
    let ignorePunctuation: Bool
    let regexesToIgnore: [PythonRegex]

    init(options: [(String, TemplateValue)]) throws(TaskError) {
        func option(_ key: String) -> TemplateValue? { options.first { $0.0 == key }?.1 }
        do {
            regex = try PythonRegex(option("regex_pattern")?.text ?? #"#### (\-?[0-9\.\,]+)"#)
            regexesToIgnore = try (option("regexes_to_ignore")?.iterationItems ?? []).map { (item) throws(PythonRegex.Failure) in try PythonRegex(item.text) }
        } catch {
            throw TaskError("multi_choice_regex: \(error.message)")
        }
        switch option("group_select") {
        case nil: groupSelect = 0
        case .int(let i)?: groupSelect = i
        default: throw TaskError("multi_choice_regex: group_select must be an integer")
        }
        fallback = option("fallback")?.text ?? "[invalid]"
        ignoreCase = option("ignore_case")?.isTruthy ?? false
        ignorePunctuation = option("ignore_punctuation")?.isTruthy ?? false
    }

    /// One response of a document.
    ///
    /// - Throws: ``TaskError`` where lm-eval raises: a `group_select` out of range, a document
    ///   without a `choices` list.
    func apply(_ response: TemplateValue, doc: TemplateValue) throws(TaskError) -> TemplateValue {
        guard case .array(let choices) = doc["choices"] else {
            throw TaskError("multi_choice_regex reads the document's 'choices' list, and this document has none",
                            hint: "lm-eval raises KeyError here too; the filter suits tasks whose documents have a 'choices' field")
        }
        let text: String
        if case .string(let s) = response { text = s } else { text = "" }
        var alternatives: [String] = []
        var letterOf: [String: String] = [:]
        var letters: [String] = []
        var letter: Unicode.Scalar = "A"
        for choice in choices {
            let cleaned = ignoring(PythonText.strip(choice.text))
            alternatives.append(Self.escape(cleaned))
            letterOf[cleaned] = "(\(letter))"
            letters.append(String(letter))
            letter = Unicode.Scalar(letter.value + 1) ?? letter
        }
        // Longest first, as lm-eval sorts them, so a choice that prefixes another cannot shadow it.
        let byLength = alternatives.enumerated().sorted { a, b in
            let (x, y) = (a.element.unicodeScalars.count, b.element.unicodeScalars.count)
            return x != y ? x > y : a.offset < b.offset
        }
        if let found = try match(regex, text, [:]) { return .string(found) }
        let choiceRegex = try Self.compile(byLength.map(\.element).joined(separator: "|"))
        if let found = try match(choiceRegex, ignoring(text), letterOf) { return .string(found) }
        let letterRegex = try Self.compile(#":[\s]*("# + letters.joined(separator: "|") + ")")
        if let found = try match(letterRegex, text, Dictionary(letters.map { ($0, "(\($0))") }, uniquingKeysWith: { a, _ in a })) { return .string(found) }
        return .string(fallback)
    }

    /// lm-eval's `find_match`: the selected match, stripped and converted; nil (or "") is no match.
    private func match(_ regex: PythonRegex, _ text: String, _ convert: [String: String]) throws(TaskError) -> String? {
        let found = regex.findall(text)
        guard !found.isEmpty else { return nil }
        let index = groupSelect < 0 ? found.count + groupSelect : groupSelect
        guard found.indices.contains(index) else {
            throw TaskError("multi_choice_regex: group_select \(groupSelect) is out of range for \(found.count) matches in a response",
                            hint: "lm-eval raises IndexError here too")
        }
        var value: String
        switch found[index] {
        case .string(let s): value = s
        case .tuple(let groups): value = groups.first { !$0.isEmpty } ?? ""
        }
        value = PythonText.strip(value)
        if !value.isEmpty, let converted = convert[value] { value = converted }
        return value.isEmpty ? nil : value
    }

    /// `filter_ignores`: the ignored patterns removed, then lower case, then no punctuation.
    private func ignoring(_ text: String) -> String {
        var s = text
        for regex in regexesToIgnore { s = regex.sub("", in: s) }
        if ignoreCase { s = s.lowercased() }
        if ignorePunctuation {
            s.unicodeScalars.removeAll { scalar in
                switch scalar.properties.generalCategory {
                case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
                     .otherPunctuation: return true
                default: return false
                }
            }
        }
        return s
    }

    private static func compile(_ pattern: String) throws(TaskError) -> PythonRegex {
        do { return try PythonRegex(pattern) } catch { throw TaskError("multi_choice_regex: \(error.message)") }
    }

    /// Python's `re.escape`.
    static func escape(_ text: String) -> String {
        let special = Set("()[]{}?*+-|^$\\.&~# \t\n\r\u{0B}\u{0C}".unicodeScalars)
        var out = ""
        for scalar in text.unicodeScalars {
            if special.contains(scalar) { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
