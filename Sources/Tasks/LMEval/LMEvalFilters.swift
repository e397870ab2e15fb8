import Models

/// lm-eval's response filters, applied in order to each request's responses (a list with one
/// entry per repeat): `take_first`, `take_first_k`, `majority_vote`, `regex`, `lowercase`,
/// `uppercase`, `remove_whitespace` and `map`, with lm-eval's quirks kept (a filter that maps
/// over a response after `take_first` maps over its characters, as Python iterates a string).
enum LMEvalFilters {
    static let known: Set<String> = ["take_first", "take_first_k", "majority_vote", "regex", "lowercase", "uppercase", "remove_whitespace", "map",
                                     "multi_choice_regex"]

    /// A pipeline's steps, prepared once (regexes compiled).
    struct Pipeline: Sendable {
        let name: String
        let steps: [Step]

        enum Step: Sendable {
            case takeFirst
            case takeFirstK(Int)
            case majorityVote
            case regex(PythonRegex, group: Int, fallback: String)
            case lowercase, uppercase, removeWhitespace
            case map([(String, TemplateValue)], fallback: TemplateValue)
            case multiChoiceRegex(LMEvalMultiChoiceRegex)
            /// `function: custom`, `filter_fn: !function m.f`: run by the Python worker.
            case custom(LMEvalHook)
            /// A filter lm-eval runs (a registered name this runner lacks, or `function: !function m.Class`).
            case delegated(LMEvalDelegatedFilter)
        }

        init(_ definition: LMEvalTaskDefinition.FilterPipeline, source: String) throws(TaskError) {
            name = definition.name
            var steps: [Step] = []
            for step in definition.steps {
                if step.function == "custom", let hook = step.hook {
                    steps.append(.custom(hook))
                    continue
                }
                if let filter = step.delegated {
                    steps.append(.delegated(filter))
                    continue
                }
                func option(_ key: String) -> TemplateValue? { step.options.first { $0.0 == key }?.1 }
                let allowed: [String: [String]] = ["regex": ["regex_pattern", "group_select", "fallback"], "take_first_k": ["k"],
                                                   "map": ["mapping_dict", "default_value"],
                                                   "multi_choice_regex": ["regex_pattern", "group_select", "fallback", "ignore_case", "ignore_punctuation",
                                                                          "regexes_to_ignore"]]
                if let bad = step.options.first(where: { !(allowed[step.function] ?? []).contains($0.0) }) {
                    throw TaskError("filter '\(step.function)' has no option '\(bad.0)'", at: "\(source) (filter_list: \(definition.name))",
                                    hint: (allowed[step.function] ?? []).isEmpty ? "it takes none" : "its options: \(allowed[step.function]!.joined(separator: ", "))")
                }
                switch step.function {
                case "take_first": steps.append(.takeFirst)
                case "take_first_k":
                    guard case .int(let k)? = option("k"), k >= 0 else {
                        throw TaskError("filter take_first_k needs k: <count>", at: "\(source) (filter_list: \(definition.name))")
                    }
                    steps.append(.takeFirstK(k))
                case "majority_vote": steps.append(.majorityVote)
                case "regex":
                    let pattern = option("regex_pattern")?.text ?? #"#### (\-?[0-9\.\,]+)"#
                    let regex: PythonRegex
                    do { regex = try PythonRegex(pattern) } catch {
                        throw TaskError(error.message, at: "\(source) (filter_list: \(definition.name))")
                    }
                    var group = 0
                    if let g = option("group_select") {
                        guard case .int(let i) = g else { throw TaskError("group_select must be an integer", at: "\(source) (filter_list: \(definition.name))") }
                        group = i
                    }
                    steps.append(.regex(regex, group: group, fallback: option("fallback")?.text ?? "[invalid]"))
                case "lowercase": steps.append(.lowercase)
                case "uppercase": steps.append(.uppercase)
                case "remove_whitespace": steps.append(.removeWhitespace)
                case "map":
                    guard case .object(let mapping)? = option("mapping_dict") else {
                        throw TaskError("filter map needs mapping_dict: {response: value}", at: "\(source) (filter_list: \(definition.name))")
                    }
                    steps.append(.map(mapping, fallback: option("default_value") ?? .none))
                case "multi_choice_regex":
                    do {
                        steps.append(.multiChoiceRegex(try LMEvalMultiChoiceRegex(options: step.options)))
                    } catch {
                        throw TaskError(error.message, at: "\(source) (filter_list: \(definition.name))", hint: error.hint)
                    }
                default:
                    throw TaskError("filter function '\(step.function)' is not supported", at: "\(source) (filter_list: \(definition.name))")
                }
            }
            self.steps = steps
        }

        /// The filtered value of one request's responses.
        ///
        /// - Throws: ``TaskError`` where lm-eval raises (a `group_select` out of range, too few repeats).
        /// - Parameter doc: the document (`multi_choice_regex` reads its `choices`).
        func apply(_ responses: TemplateValue, doc: TemplateValue = .none) throws(TaskError) -> TemplateValue {
            try apply(responses, doc: doc) { step, _ throws(TaskError) in
                throw TaskError("filter step \(step) needs the Python worker")
            }
        }

        /// The same, with `python` running a `.custom` or `.delegated` step on one document's value.
        func apply(_ responses: TemplateValue, doc: TemplateValue = .none,
                   python: (Step, TemplateValue) throws(TaskError) -> TemplateValue) throws(TaskError) -> TemplateValue {
            var value = responses
            for step in steps {
                if case .multiChoiceRegex(let filter) = step {
                    value = .array(try elements(value).map { (item) throws(TaskError) in try filter.apply(item, doc: doc) })
                    continue
                }
                switch step {
                case .custom, .delegated: value = try python(step, value)
                default: value = try Self.apply(step, value)
                }
            }
            return value
        }

        private func elements(_ value: TemplateValue) -> [TemplateValue] { Self.elements(value) }

        private static func elements(_ value: TemplateValue) -> [TemplateValue] {
            if case .string(let s) = value { return s.map { .string(String($0)) } }
            return value.iterationItems ?? []
        }

        private static func apply(_ step: Step, _ value: TemplateValue) throws(TaskError) -> TemplateValue {
            switch step {
            case .takeFirst:
                guard let first = elements(value).first else { throw TaskError("take_first on an empty list of responses") }
                return first
            case .takeFirstK(let k):
                let items = elements(value)
                guard items.count >= k else { throw TaskError("take_first_k needs \(k) responses; there are \(items.count) (set repeats)") }
                return .array(Array(items.prefix(k)))
            case .majorityVote:
                var counts: [(TemplateValue, Int)] = []
                for item in elements(value) {
                    if let i = counts.firstIndex(where: { $0.0 == item }) { counts[i].1 += 1 } else { counts.append((item, 1)) }
                }
                // Counter.most_common: the highest count, the first seen among equals.
                guard let best = counts.max(by: { $0.1 < $1.1 || ($0.1 == $1.1 && false) }) else { return .array([]) }
                let top = counts.first { $0.1 == best.1 }!.0
                return .array([top])
            case .regex(let regex, let group, let fallback):
                return .array(try elements(value).map { item throws(TaskError) -> TemplateValue in
                    guard case .string(let text) = item else { return .string(fallback) }
                    let found = regex.findall(text)
                    guard !found.isEmpty else { return .string(fallback) }
                    let index = group < 0 ? found.count + group : group
                    guard found.indices.contains(index) else {
                        throw TaskError("regex filter: group_select \(group) is out of range for \(found.count) matches in a response",
                                        hint: "lm-eval raises IndexError here too; use group_select 0 or -1")
                    }
                    switch found[index] {
                    case .string(let s): return .string(PythonText.strip(s))
                    case .tuple(let groups):
                        guard let first = groups.first(where: { !$0.isEmpty }) else { return .string(fallback) }
                        return .string(PythonText.strip(first))
                    }
                })
            case .lowercase:
                return .array(elements(value).map { .string($0.text.lowercased()) })
            case .uppercase:
                return .array(elements(value).map { .string($0.text.uppercased()) })
            case .removeWhitespace:
                return .array(elements(value).map { .string(PythonText.strip($0.text)) })
            case .map(let mapping, let fallback):
                return .array(elements(value).map { item in mapping.first { $0.0 == item.text }?.1 ?? fallback })
            case .multiChoiceRegex:
                return value  // Applied with the document, in `apply(_:doc:)`.
            case .custom, .delegated:
                return value  // Run by the caller (``apply(_:doc:python:)``).
            }
        }
    }
}
