/// jinja2's filters and tests that chat templates use, with Hugging Face's `tojson`.
enum TemplateFilters {
    /// Every filter `apply` knows (kept beside its switch; a test checks each one applies).
    static let filterNames: Set<String> = [
        "trim", "length", "count", "tojson", "upper", "lower", "capitalize", "title", "default", "d", "first", "last", "join",
        "regex_replace", "replace", "list", "string", "int", "float", "abs", "items", "reverse", "unique", "safe", "e", "escape",
        "forceescape", "indent", "sort", "selectattr", "rejectattr", "select", "reject", "map",
    ]
    /// Every test `test` knows.
    static let testNames: Set<String> = [
        "defined", "undefined", "none", "string", "mapping", "iterable", "sequence", "number", "integer", "float", "boolean",
        "true", "false", "callable", "equalto", "eq", "==", "sameas", "ne", "!=", "odd", "even", "in", "lower", "upper",
    ]

    static func apply(_ name: String, to value: TemplateValue, args: [TemplateValue], kwargs: [(String, TemplateValue)]) throws(ChatTemplateError) -> TemplateValue {
        func arg(_ i: Int, _ key: String) -> TemplateValue? {
            if i < args.count { return args[i] }
            return kwargs.first { $0.0 == key }?.1
        }
        switch name {
        case "trim": return .string(value.text.pythonStrip(nil))
        case "length", "count":
            switch value {
            case .string(let s): return .int(s.count)
            case .array(let a): return .int(a.count)
            case .object(let o): return .int(o.count)
            default: return .int(0)
            }
        case "tojson":
            let indent = arg(0, "indent")?.number.map { Int($0) }
            return .string(JSONText.dump(value, indent: indent))
        case "upper": return .string(value.text.uppercased())
        case "lower": return .string(value.text.lowercased())
        case "capitalize": return .string(value.text.prefix(1).uppercased() + value.text.dropFirst().lowercased())
        case "title": return .string(value.text.pythonTitle)
        case "default", "d":
            let fallback = arg(0, "default_value") ?? .string("")
            let boolean = arg(1, "boolean")?.isTruthy ?? false
            if case .undefined = value { return fallback }
            return boolean && !value.isTruthy ? fallback : value
        case "first": return value.iterationItems?.first ?? .undefined
        case "last": return value.iterationItems?.last ?? .undefined
        case "join":
            let separator = arg(0, "d")?.text ?? ""
            let attribute = kwargs.first { $0.0 == "attribute" }?.1.text
            return .string((value.iterationItems ?? []).map { item in attribute.map { item[$0].text } ?? item.text }.joined(separator: separator))
        case "regex_replace":
            // lm-evaluation-harness's filter: re.sub(pattern, repl, value, count=count).
            guard let pattern = arg(0, "pattern")?.text, let replacement = arg(1, "repl")?.text else {
                throw ChatTemplateError("regex_replace needs a pattern and a replacement")
            }
            let count = arg(2, "count")?.number.map { Int($0) } ?? 0
            do {
                return .string(try PythonRegex(pattern).sub(replacement, in: value.text, count: count))
            } catch {
                throw ChatTemplateError(error.message)
            }
        case "replace":
            guard let old = arg(0, "old")?.text, let new = arg(1, "new")?.text else { throw ChatTemplateError("replace needs two arguments") }
            return .string(value.text.replacingAll(old, with: new))
        case "list": return .array(value.iterationItems ?? [])
        case "string": return .string(value.text)
        case "int": return .int(value.number.map { Int($0) } ?? Int(value.text.pythonStrip(nil)) ?? 0)
        case "float": return .double(value.number ?? Double(value.text.pythonStrip(nil)) ?? 0)
        case "abs": return value.number.map { n in if case .int(let i) = value { return .int(abs(i)) }; return .double(abs(n)) } ?? value
        case "items":
            guard case .object(let pairs) = value else { return .array([]) }
            return .array(pairs.map { .array([.string($0.0), $0.1]) })
        case "reverse":
            if case .string(let s) = value { return .string(String(s.reversed())) }
            return .array((value.iterationItems ?? []).reversed())
        case "sort":
            let reverse = arg(0, "reverse")?.isTruthy ?? false
            let sorted = try TemplatePythonOrder.sorted(value.iterationItems ?? [])
            return .array(reverse ? sorted.reversed() : sorted)
        case "unique":
            var seen: [TemplateValue] = []
            for item in value.iterationItems ?? [] where !seen.contains(item) { seen.append(item) }
            return .array(seen)
        case "safe", "e", "escape", "forceescape": return value
        case "indent":
            let width = arg(0, "width")?.number.map { Int($0) } ?? 4
            let first = arg(1, "first")?.isTruthy ?? false
            let pad = String(repeating: " ", count: width)
            let lines = value.text.split(separator: "\n", omittingEmptySubsequences: false)
            return .string(lines.enumerated().map { i, line in (i == 0 && !first) || line.isEmpty ? String(line) : pad + line }.joined(separator: "\n"))
        case "selectattr", "rejectattr":
            guard let attribute = args.first?.text else { throw ChatTemplateError("\(name) needs an attribute name") }
            let keep = name == "selectattr"
            var kept: [TemplateValue] = []
            for item in value.iterationItems ?? [] {
                let field = item[attribute]
                let passes = args.count > 1 ? try test(args[1].text, field, Array(args.dropFirst(2))) : field.isTruthy
                if passes == keep { kept.append(item) }
            }
            return .array(kept)
        case "select", "reject":
            let keep = name == "select"
            var kept: [TemplateValue] = []
            for item in value.iterationItems ?? [] {
                let passes = args.isEmpty ? item.isTruthy : try test(args[0].text, item, Array(args.dropFirst()))
                if passes == keep { kept.append(item) }
            }
            return .array(kept)
        case "map":
            if let attribute = kwargs.first(where: { $0.0 == "attribute" })?.1.text {
                return .array((value.iterationItems ?? []).map { $0[attribute] })
            }
            guard let filter = args.first?.text else { throw ChatTemplateError("map needs a filter or attribute=") }
            var mapped: [TemplateValue] = []
            for item in value.iterationItems ?? [] { mapped.append(try apply(filter, to: item, args: Array(args.dropFirst()), kwargs: [])) }
            return .array(mapped)
        default:
            throw ChatTemplateError("unknown filter '\(name)'")
        }
    }

    static func test(_ name: String, _ value: TemplateValue, _ args: [TemplateValue]) throws(ChatTemplateError) -> Bool {
        switch name {
        case "defined": if case .undefined = value { return false }; return true
        case "undefined": if case .undefined = value { return true }; return false
        case "none": if case .none = value { return true }; return false
        case "string": if case .string = value { return true }; return false
        case "mapping": if case .object = value { return true }; if case .namespace = value { return true }; return false
        case "iterable": if case .array = value { return true }; if case .object = value { return true }; if case .string = value { return true }; return false
        case "sequence": if case .array = value { return true }; if case .string = value { return true }; if case .object = value { return true }; return false
        case "number": switch value { case .int, .double: return true; default: return false }
        case "integer": if case .int = value { return true }; return false
        case "float": if case .double = value { return true }; return false
        case "boolean": if case .bool = value { return true }; return false
        case "true": return value == .bool(true)
        case "false": return value == .bool(false)
        case "callable": if case .callable = value { return true }; return false
        case "equalto", "eq", "==", "sameas": return value == (args.first ?? .undefined)
        case "ne", "!=": return value != (args.first ?? .undefined)
        case "odd": return (value.number.map { Int($0) } ?? 0) % 2 != 0
        case "even": return (value.number.map { Int($0) } ?? 0) % 2 == 0
        case "in": return try TemplateEvaluator.binary("in", value, args.first ?? .undefined).isTruthy
        case "lower": return value.text == value.text.lowercased()
        case "upper": return value.text == value.text.uppercased()
        default: throw ChatTemplateError("unknown test '\(name)'")
        }
    }
}

/// Methods called on values (`message.content.strip()`, `dict.items()`), bound at attribute access.
enum TemplateMethods {
    /// Every method name `bound` gives for some kind of value.
    static let names: Set<String> = [
        "strip", "lstrip", "rstrip", "upper", "lower", "title", "capitalize", "startswith", "endswith", "replace", "split", "rsplit", "join",
        "count", "find", "index", "isdigit", "format", "items", "keys", "values", "get",
    ]

    static func bound(_ value: TemplateValue, _ name: String) -> TemplateValue? {
        func method(_ body: @escaping ([TemplateValue]) throws(ChatTemplateError) -> TemplateValue) -> TemplateValue {
            .callable(CallableBox { (args, _) throws(ChatTemplateError) -> TemplateValue in try body(args) })
        }
        switch value {
        case .string(let s):
            switch name {
            case "strip": return method { args in .string(s.pythonStrip(args.first?.text)) }
            case "lstrip": return method { args in .string(s.pythonStrip(args.first?.text, leading: true, trailing: false)) }
            case "rstrip": return method { args in .string(s.pythonStrip(args.first?.text, leading: false, trailing: true)) }
            case "upper": return method { _ in .string(s.uppercased()) }
            case "lower": return method { _ in .string(s.lowercased()) }
            case "title": return method { _ in .string(s.pythonTitle) }
            case "capitalize": return method { _ in .string(s.prefix(1).uppercased() + s.dropFirst().lowercased()) }
            case "startswith": return method { args in .bool(args.contains { s.hasPrefix($0.text) }) }
            case "endswith": return method { args in .bool(args.contains { s.hasSuffix($0.text) }) }
            case "replace": return method { args in .string(s.replacingAll(args.first?.text ?? "", with: args.count > 1 ? args[1].text : "")) }
            case "split":
                return method { (args) throws(ChatTemplateError) in
                    let limit = args.count > 1 ? args[1].number.map { Int($0) } ?? -1 : -1
                    let maxSplits = limit < 0 ? Int.max : limit
                    if let separator = args.first, case .string(let sep) = separator {
                        guard !sep.isEmpty else { throw ChatTemplateError("empty separator") }
                        return .array(s.split(separator: sep, maxSplits: maxSplits, omittingEmptySubsequences: false).map { .string(String($0)) })
                    }
                    return .array(s.split(maxSplits: maxSplits, whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
                }
            case "rsplit":
                return method { (args) throws(ChatTemplateError) in
                    let limit = args.count > 1 ? args[1].number.map { Int($0) } ?? -1 : -1
                    let reversed = String(s.reversed())
                    let maxSplits = limit < 0 ? Int.max : limit
                    let pieces: [Substring]
                    if let separator = args.first, case .string(let sep) = separator {
                        guard !sep.isEmpty else { throw ChatTemplateError("empty separator") }
                        pieces = reversed.split(separator: String(sep.reversed()), maxSplits: maxSplits, omittingEmptySubsequences: false)
                    } else {
                        pieces = reversed.split(maxSplits: maxSplits, whereSeparator: { $0.isWhitespace })
                    }
                    return .array(pieces.reversed().map { .string(String($0.reversed())) })
                }
            case "join": return method { args in .string((args.first?.iterationItems ?? []).map(\.text).joined(separator: s)) }
            case "count": return method { args in
                let needle = args.first?.text ?? ""
                return .int(needle.isEmpty ? s.unicodeScalars.count + 1 : s.components(separatedBy: needle).count - 1)
            }
            case "find", "index": return method { (args) throws(ChatTemplateError) in
                let needle = args.first?.text ?? ""
                guard let range = s.range(of: needle) else {
                    if name == "index" { throw ChatTemplateError("substring not found") }
                    return .int(-1)
                }
                return .int(s.unicodeScalars.distance(from: s.unicodeScalars.startIndex, to: range.lowerBound))
            }
            case "isdigit": return method { _ in
                .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal || $0.properties.numericType == .digit })
            }
            case "format": return method { args in
                var out = s
                for a in args { if let r = out.range(of: "%s") ?? out.range(of: "{}") { out.replaceSubrange(r, with: a.text) } }
                return .string(out)
            }
            default: return nil
            }
        case .array(let items):
            switch name {
            case "index": return method { (args) throws(ChatTemplateError) in
                guard let i = items.firstIndex(of: args.first ?? .undefined) else {
                    throw ChatTemplateError("\(args.first?.repr ?? "value") is not in list")
                }
                return .int(i)
            }
            case "count": return method { args in .int(items.filter { $0 == (args.first ?? .undefined) }.count) }
            default: return nil
            }
        case .object(let pairs):
            switch name {
            case "items": return method { _ in .array(pairs.map { .array([.string($0.0), $0.1]) }) }
            case "keys": return method { _ in .array(pairs.map { .string($0.0) }) }
            case "values": return method { _ in .array(pairs.map(\.1)) }
            case "get": return method { args in
                let found = value[args.first?.text ?? ""]
                if case .undefined = found { return args.count > 1 ? args[1] : .none }
                return found
            }
            default: return nil
            }
        default:
            return nil
        }
    }
}

extension String {
    /// Python's `str.strip([chars])`.
    func pythonStrip(_ characters: String?, leading: Bool = true, trailing: Bool = true) -> String {
        let set = characters.map(Set.init)
        func strip(_ c: Character) -> Bool { set.map { $0.contains(c) } ?? c.isWhitespace }
        var s = Substring(self)
        if leading { while let f = s.first, strip(f) { s = s.dropFirst() } }
        if trailing { while let l = s.last, strip(l) { s = s.dropLast() } }
        return String(s)
    }

    /// Python's `str.title()`: upper case after every non-letter.
    var pythonTitle: String {
        var out = ""
        var previousIsLetter = false
        for c in self {
            out += previousIsLetter ? c.lowercased() : c.uppercased()
            previousIsLetter = c.isLetter
        }
        return out
    }
}

/// Python's `json.dumps(x, ensure_ascii=False, indent=...)`, as Hugging Face's `tojson` calls it
/// (and lm-eval, for its chat contexts and document hashes): `", "` and `": "` between items
/// without indent, one item per line with it.
public enum JSONText {
    public static func dump(_ value: TemplateValue, indent: Int?) -> String {
        var out = ""
        write(value, indent: indent, level: 0, into: &out)
        return out
    }

    private static func write(_ value: TemplateValue, indent: Int?, level: Int, into out: inout String) {
        let newline = indent.map { "\n" + String(repeating: " ", count: $0 * (level + 1)) }
        let closing = indent.map { "\n" + String(repeating: " ", count: $0 * level) } ?? ""
        let separator = indent == nil ? ", " : ","
        switch value {
        case .none, .undefined: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? TemplateValue.pythonFloat(d) : (d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"))
        case .string(let s): out += quoted(s)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += separator }
                if let newline { out += newline }
                write(item, indent: indent, level: level + 1, into: &out)
            }
            out += closing + "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, item)) in pairs.enumerated() {
                if i > 0 { out += separator }
                if let newline { out += newline }
                out += quoted(key) + ": "
                write(item, indent: indent, level: level + 1, into: &out)
            }
            out += closing + "}"
        case .namespace, .callable: out += "null"
        }
    }

    /// A JSON string as Python's `json.dumps` writes it (`\b` and `\f` in short form). The
    /// other escaper, `JSONValue`'s canonical form, writes those as `\u0008`/`\u000c` and must
    /// not change: it is part of every cache key.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
