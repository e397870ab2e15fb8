import Yams

/// Loads YAML text into a ``ConfigNode`` tree with OmegaConf's typing rules and source positions.
public enum YAMLLoader {
    /// Parses one YAML document.
    ///
    /// - Parameters:
    ///   - text: The YAML source.
    ///   - file: The path to show in errors and locations.
    /// - Returns: The root node; an empty document gives an empty mapping.
    /// - Throws: ``ConfigError`` with code `.yamlSyntax`, naming file, line and column.
    public static func load(_ text: String, file: String) throws(ConfigError) -> ConfigNode {
        let root: Node?
        do {
            let parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            throw syntaxError(error, file: file, text: text)
        } catch {
            throw ConfigError(.yamlSyntax, "invalid YAML: \(error)", location: SourceLocation(file: file),
                              hint: "check that the file is UTF-8 YAML")
        }
        guard let root else { return ConfigNode(.mapping(ConfigMapping()), location: SourceLocation(file: file, line: 1, column: 1)) }
        return try convert(root, file: file, text: text)
    }

    /// The `# @key value` directives in the comment block at the top of a config file
    /// (Hydra reads `# @package` from there).
    public static func header(of text: String) -> [String: String] {
        var result: [String: String] = [:]
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty { continue }
            guard line.hasPrefix("#") else { break }
            var rest = line.dropFirst().trimmingWhitespace()
            guard rest.hasPrefix("@") else { continue }
            rest = rest.dropFirst()
            let parts = rest.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard let key = parts.first else { continue }
            result[String(key)] = parts.count > 1 ? String(parts[1].trimmingWhitespace()) : ""
        }
        return result
    }

    private static func convert(_ node: Node, file: String, text: String) throws(ConfigError) -> ConfigNode {
        let location = node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
        switch node {
        case .scalar(let scalar):
            let value: ConfigValue
            switch scalar.style {
            case .plain, .any:
                value = resolveTagged(scalar)
            default:
                value = .string(scalar.string)
            }
            return ConfigNode(value, location: location)
        case .sequence(let sequence):
            var items: [ConfigNode] = []
            for item in sequence { items.append(try convert(item, file: file, text: text)) }
            return ConfigNode(.sequence(items), location: location)
        case .mapping(let mapping):
            var result = ConfigMapping()
            var merged: [ConfigMapping] = []
            for (keyNode, valueNode) in mapping {
                var key = keyNode.scalar?.string ?? ""
                var typedKey = false
                if let scalar = keyNode.scalar, scalar.style == .plain || scalar.style == .any {
                    switch YAMLScalar.resolvePlain(key) {
                    case .int(let i): key = String(i); typedKey = true
                    case .double(let d): key = PythonFormat.yamlFloat(d); typedKey = true
                    case .bool(let b): key = b ? "true" : "false"; typedKey = true
                    default: break
                    }
                }
                if keyNode.scalar == nil {
                    let mark = keyNode.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
                    throw ConfigError(.yamlSyntax, "mapping keys must be scalars", location: mark,
                                      hint: "write the key as plain text")
                }
                let value = try convert(valueNode, file: file, text: text)
                if key == "<<", keyNode.scalar?.style == .plain {
                    // YAML merge key: `<<: *base` or `<<: [*a, *b]`.
                    if let m = value.mapping { merged.append(m) }
                    for item in value.sequence ?? [] { if let m = item.mapping { merged.append(m) } }
                    continue
                }
                result[key] = value
                if typedKey { result.markNonStringKey(key) }
            }
            if !merged.isEmpty {
                var base = ConfigMapping()
                for m in merged { for (k, v) in m where !base.contains(k) { base[k] = v } }
                for (k, v) in result { base[k] = v }
                result = base
            }
            return ConfigNode(.mapping(result), location: location)
        case .alias:
            return ConfigNode(.null, location: location)
        }
    }

    /// Honours explicit core tags (`!!str 1`, `!!int "3"`); otherwise applies implicit rules.
    private static func resolveTagged(_ scalar: Node.Scalar) -> ConfigValue {
        YAMLScalar.resolvePlain(scalar.string)
    }

    private static func syntaxError(_ error: YamlError, file: String, text: String) -> ConfigError {
        func make(_ problem: String, _ mark: Mark, context: String?) -> ConfigError {
            var message = "invalid YAML: \(problem)"
            if let context, !context.isEmpty { message += " \(context)" }
            return ConfigError(.yamlSyntax, message,
                               location: SourceLocation(file: file, line: mark.line, column: mark.column),
                               hint: "check the indentation and quoting near this line",
                               snippet: caretSnippet(text, line: mark.line, column: mark.column))
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return make(problem, mark, context: context.map { "(\($0.text))" })
        case let .duplicatedKeysInMapping(duplicates, context):
            var e = make("duplicate key '\(duplicates.joined(separator: "', '"))'", context.mark, context: nil)
            e.hint = "each key may appear once per mapping; remove or rename the repeated one"
            return e
        default:
            return ConfigError(.yamlSyntax, "invalid YAML: \(error)", location: SourceLocation(file: file),
                               hint: "check that the file is UTF-8 YAML")
        }
    }

    /// The source line with a caret under the column, for error messages.
    public static func caretSnippet(_ text: String, line: Int, column: Int) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        let source = lines[line - 1]
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        let caretColumn = max(0, min(column - 1, source.unicodeScalars.count))
        return " \(gutter) | \(source)\n \(pad) | " + String(repeating: " ", count: caretColumn) + "^"
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
