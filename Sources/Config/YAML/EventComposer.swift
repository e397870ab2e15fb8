internal import CLibYAML

/// Builds a ``ConfigNode`` tree from libyaml's parse events.
///
/// Handles what config files use: block and flow collections, all scalar styles, anchors and
/// aliases, `<<` merge keys, and explicit core tags (`!!str 1`). Duplicate keys are an error at
/// the second occurrence, as OmegaConf's loader makes them.
final class EventComposer {
    private let file: String
    private let text: String
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private var anchors: [String: ConfigNode] = [:]
    /// A repeated key replaces the earlier value, as PyYAML loads it (lm-eval's task files).
    private let lastKeyWins: Bool
    private let keepingFunctionTags: Bool

    init(text: String, file: String, lastKeyWins: Bool = false, keepingFunctionTags: Bool = false) {
        self.text = text
        self.file = file
        self.lastKeyWins = lastKeyWins
        self.keepingFunctionTags = keepingFunctionTags
        let utf8 = Array(text.utf8)
        bytes = .allocate(capacity: max(utf8.count, 1))
        _ = bytes.initialize(from: utf8)
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_input_string(parser, bytes.baseAddress, utf8.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        bytes.deallocate()
    }

    /// One parse event, copied out of libyaml's struct so that it can be freed at once.
    private struct Event {
        var type: yaml_event_type_t
        var line: Int
        var column: Int
        var value: String = ""
        var anchor: String?
        var tag: String?
        var plain = false
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int? = nil) -> String? {
        guard let pointer else { return nil }
        let count = length ?? strlen(pointer)
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private func next() throws(ConfigError) -> Event {
        var raw = yaml_event_t()
        guard yaml_parser_parse(parser, &raw) == 1 else { throw syntaxError() }
        defer { yaml_event_delete(&raw) }
        var event = Event(type: raw.type, line: Int(raw.start_mark.line) + 1, column: Int(raw.start_mark.column) + 1)
        switch raw.type {
        case YAML_SCALAR_EVENT:
            let scalar = raw.data.scalar
            event.value = Self.string(scalar.value, length: Int(scalar.length)) ?? ""
            event.anchor = Self.string(scalar.anchor)
            event.tag = Self.string(scalar.tag)
            event.plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
        case YAML_ALIAS_EVENT:
            event.anchor = Self.string(raw.data.alias.anchor)
        case YAML_SEQUENCE_START_EVENT:
            event.anchor = Self.string(raw.data.sequence_start.anchor)
        case YAML_MAPPING_START_EVENT:
            event.anchor = Self.string(raw.data.mapping_start.anchor)
        default:
            break
        }
        return event
    }

    private func location(_ event: Event) -> SourceLocation {
        SourceLocation(file: file, line: event.line, column: event.column)
    }

    func composeDocument() throws(ConfigError) -> ConfigNode {
        _ = try next()  // stream start
        var event = try next()
        if event.type == YAML_STREAM_END_EVENT {
            return ConfigNode(.mapping(ConfigMapping()), location: SourceLocation(file: file, line: 1, column: 1))
        }
        event = try next()  // first event of the document's root
        let root = try compose(event)
        _ = try next()  // document end
        let after = try next()
        if after.type != YAML_STREAM_END_EVENT {
            throw ConfigError(.yamlSyntax, "a config file must hold one YAML document, found another", location: location(after),
                              hint: "remove the '---' line, or split the documents into separate files",
                              snippet: YAMLLoader.caretSnippet(text, line: after.line, column: after.column))
        }
        return root
    }

    private func compose(_ event: Event) throws(ConfigError) -> ConfigNode {
        var node: ConfigNode
        switch event.type {
        case YAML_SCALAR_EVENT:
            node = ConfigNode(try scalarValue(event), location: location(event))
            if keepingFunctionTags, event.tag == "!function" { node.tag = "!function" }
        case YAML_ALIAS_EVENT:
            guard let name = event.anchor, let target = anchors[name] else {
                throw ConfigError(.yamlSyntax, "invalid YAML: unknown alias '*\(event.anchor ?? "")'", location: location(event),
                                  hint: "define the anchor (&name) before using it",
                                  snippet: YAMLLoader.caretSnippet(text, line: event.line, column: event.column))
            }
            return target
        case YAML_SEQUENCE_START_EVENT:
            var items: [ConfigNode] = []
            while true {
                let item = try next()
                if item.type == YAML_SEQUENCE_END_EVENT { break }
                items.append(try compose(item))
            }
            node = ConfigNode(.sequence(items), location: location(event))
        case YAML_MAPPING_START_EVENT:
            node = ConfigNode(.mapping(try composeMapping()), location: location(event))
        default:
            throw ConfigError(.yamlSyntax, "invalid YAML: unexpected event", location: location(event),
                              hint: "check the indentation near this line")
        }
        if let anchor = event.anchor { anchors[anchor] = node }
        return node
    }

    private func composeMapping() throws(ConfigError) -> ConfigMapping {
        var result = ConfigMapping()
        var merged: [ConfigMapping] = []
        while true {
            let keyEvent = try next()
            if keyEvent.type == YAML_MAPPING_END_EVENT { break }
            guard keyEvent.type == YAML_SCALAR_EVENT || keyEvent.type == YAML_ALIAS_EVENT else {
                throw ConfigError(.yamlSyntax, "mapping keys must be plain values, not lists or mappings", location: location(keyEvent),
                                  hint: "write the key as text", snippet: YAMLLoader.caretSnippet(text, line: keyEvent.line, column: keyEvent.column))
            }
            let keyNode = try compose(keyEvent)
            let value = try compose(try next())
            if keyEvent.plain && keyEvent.value == "<<" {
                // YAML merge key: `<<: *base` or `<<: [*a, *b]`; the mapping's own keys win.
                if let m = value.mapping { merged.append(m) }
                for item in value.sequence ?? [] { if let m = item.mapping { merged.append(m) } }
                continue
            }
            let key: String
            var typed = true
            switch keyNode.value {
            case .string(let s): key = s; typed = false
            case .int(let i): key = String(i)
            case .bigInt(let digits): key = digits
            case .double(let d): key = PythonFormat.yamlFloat(d)
            case .bool(let b): key = b ? "true" : "false"
            case .null:
                throw ConfigError(.yamlSyntax, "a mapping key cannot be null", location: location(keyEvent),
                                  hint: "quote the key ('null') to use the word as a key",
                                  snippet: YAMLLoader.caretSnippet(text, line: keyEvent.line, column: keyEvent.column))
            case .mapping, .sequence:
                throw ConfigError(.yamlSyntax, "mapping keys must be plain values", location: location(keyEvent), hint: "write the key as text")
            }
            if result.contains(key), !lastKeyWins {
                throw ConfigError(.yamlSyntax, "invalid YAML: duplicate key '\(key)'", location: location(keyEvent),
                                  hint: "each key may appear once per mapping; remove or rename the repeated one",
                                  snippet: YAMLLoader.caretSnippet(text, line: keyEvent.line, column: keyEvent.column))
            }
            result[key] = value
            if typed { result.markNonStringKey(key) }
        }
        if merged.isEmpty { return result }
        var base = ConfigMapping()
        for m in merged {
            for (k, v) in m where !base.contains(k) {
                base[k] = v
                if m.isNonStringKey(k) { base.markNonStringKey(k) }
            }
        }
        for (k, v) in result {
            base[k] = v
            if result.isNonStringKey(k) { base.markNonStringKey(k) }
        }
        return base
    }

    /// Plain scalars get OmegaConf's implicit types; quoted and block scalars are strings;
    /// explicit core tags are honoured.
    private func scalarValue(_ event: Event) throws(ConfigError) -> ConfigValue {
        if let tag = event.tag, tag != "!" {
            if tag == "!function" {
                if keepingFunctionTags { return .string(event.value.trimmingWhitespace().description) }
                // lm-evaluation-harness's hook into Python code, which only its task reader runs.
                throw ConfigError(.yamlSyntax, "'!function \(event.value)' calls Python code, which this runner cannot run",
                                  location: location(event),
                                  hint: "write it as a Jinja template or a field name instead (doc_to_text: \"{{question}}\"), or use a task without Python hooks",
                                  snippet: YAMLLoader.caretSnippet(text, line: event.line, column: event.column))
            }
            let core = tag.hasPrefix("tag:yaml.org,2002:") ? String(tag.dropFirst("tag:yaml.org,2002:".count)) : tag
            let implicit = YAMLScalar.resolvePlain(event.value)
            switch (core, implicit) {
            case ("str", _): return .string(event.value)
            case ("int", .int), ("int", .bigInt), ("float", .double), ("bool", .bool), ("null", .null): return implicit
            case ("float", .int), ("float", .bigInt): return .double(implicit.integerAsDouble!)
            default:
                throw ConfigError(.yamlSyntax, "invalid YAML: '\(event.value)' is not a valid !!\(core)",
                                  location: location(event), hint: "remove the tag or fix the value",
                                  snippet: YAMLLoader.caretSnippet(text, line: event.line, column: event.column))
            }
        }
        return event.plain ? YAMLScalar.resolvePlain(event.value) : .string(event.value)
    }

    private func syntaxError() -> ConfigError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "cannot parse"
        let mark = p.problem_mark
        var line = Int(mark.line) + 1, column = Int(mark.column) + 1
        var message = "invalid YAML: \(problem)"
        var hint = "check the indentation and quoting near this line"
        if let context = p.context.map({ String(cString: $0) }) {
            let opened = p.context_mark
            let openLine = Int(opened.line) + 1, openColumn = Int(opened.column) + 1
            if context.contains("flow"), openLine < line {
                // An unclosed `[` or `{` is only noticed lines later: point at where it opened.
                let what = context.contains("sequence") ? "a '[' list" : "a '{' mapping"
                message = "invalid YAML: \(what) opened here is not closed (\(problem) at line \(line), column \(column))"
                hint = context.contains("sequence") ? "close the list with ']'" : "close the mapping with '}'"
                line = openLine
                column = openColumn
            } else {
                message += " (\(context))"
            }
        }
        return ConfigError(.yamlSyntax, message, location: SourceLocation(file: file, line: line, column: column),
                           hint: hint, snippet: YAMLLoader.caretSnippet(text, line: line, column: column))
    }
}
