/// Parses command-line overrides with Hydra 1.3's grammar and type inference.
///
/// Values: `10` and `1_000` are ints; `1e-3`, `.5`, `inf`, `nan` are floats; `true`/`FALSE` are
/// bools; `null`; `'quoted'` and `"quoted"` strings with `\'` escapes; unquoted text with inner
/// spaces (`hello world`); `[a,b]` lists; `{a:1,b:[2,3]}` dicts; `${...}` interpolations kept
/// as strings. Sweeps: `a,b,c`, `choice(...)`, `range(...)`, `glob(...)`.
public enum OverrideParser {
    /// Parses one override as typed on the command line.
    ///
    /// - Throws: ``ConfigError`` (`.overrideSyntax`) naming the override and what was expected.
    public static func parse(_ input: String) throws(ConfigError) -> Override {
        var rest = Substring(input)
        var kind = Override.Kind.change
        if rest.hasPrefix("~") {
            kind = .delete
            rest = rest.dropFirst()
        } else if rest.hasPrefix("++") {
            kind = .forceAdd
            rest = rest.dropFirst(2)
        } else if rest.hasPrefix("+") {
            kind = .add
            rest = rest.dropFirst()
        }
        let keyText: Substring
        var valueText: Substring?
        if let eq = rest.firstIndex(of: "=") {
            keyText = rest[..<eq]
            valueText = rest[rest.index(after: eq)...]
        } else {
            keyText = rest
        }
        if valueText == nil && kind != .delete {
            throw syntax(input, "expected 'key=value'",
                         hint: keyText.isEmpty ? "write an override as key=value" : "did you mean '\(input)=VALUE' or '~\(keyText)' to remove it?")
        }
        let (key, package) = try parseKey(String(keyText), input: input)
        var value: OverrideValue?
        if let valueText {
            // The lexer's EQUAL token swallows whitespace after '='.
            let trimmed = valueText.drop { $0 == " " || $0 == "\t" }
            value = try parseValue(String(trimmed), input: input)
        }
        return Override(kind: kind, key: key, package: package, value: value, input: input)
    }

    static func syntax(_ input: String, _ message: String, hint: String? = nil) -> ConfigError {
        ConfigError(.overrideSyntax, "invalid override '\(input)': \(message)",
                    location: .commandLine(input),
                    hint: hint ?? "see 'runner --help' for the override syntax; quote values with special characters")
    }

    // MARK: Keys

    private static func isIdentifier(_ s: Substring, allowDollar: Bool) -> Bool {
        guard let first = s.first else { return false }
        guard first.isASCII && (first.isLetter || first == "_" || (allowDollar && first == "$")) else { return false }
        return s.dropFirst().allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || (allowDollar && $0 == "$")) }
    }

    private static func isIndex(_ s: Substring) -> Bool {
        guard let first = s.first, first.isASCII, first.isNumber else { return false }
        return s == "0" || (first != "0" && s.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "_" })
    }

    private static func isPackage(_ s: Substring) -> Bool {
        if s.isEmpty { return true }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 1 { return isIdentifier(s, allowDollar: true) }
        return parts.allSatisfy { isIdentifier($0, allowDollar: true) || isIndex($0) }
    }

    static func parseKey(_ text: String, input: String) throws(ConfigError) -> (String, String?) {
        var body = Substring(text)
        var package: String?
        if let at = body.firstIndex(of: "@") {
            package = String(body[body.index(after: at)...])
            body = body[..<at]
            if package!.contains(":") {
                throw syntax(input, "the form 'group@pkg1:pkg2' was removed in Hydra 1.1",
                             hint: "use 'group@pkg2=option' or set the package in the defaults list")
            }
            guard isPackage(Substring(package!)) else {
                throw syntax(input, "'\(package!)' is not a valid package", hint: "a package is a dotted path such as 'db.backup'")
            }
        }
        if body.isEmpty {
            throw syntax(input, "missing key before '='", hint: "write an override as key=value")
        }
        let valid: Bool
        if body.contains("/") {
            valid = body.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { isIdentifier($0, allowDollar: false) }
        } else {
            valid = isPackage(body)
        }
        guard valid else {
            if body.contains("..") || body.hasPrefix("/") || body.contains("\\") {
                throw syntax(input, "'\(body)' is not a valid key or config group",
                             hint: "keys are dotted paths (a.b.c) and groups are names joined by '/'; '..' and absolute paths are not allowed")
            }
            throw syntax(input, "'\(body)' is not a valid key or config group",
                         hint: "keys are dotted paths like 'model.params.temperature'; groups look like 'model' or 'server/db'")
        }
        return (String(body), package)
    }

    // MARK: Values

    static func parseValue(_ text: String, input: String) throws(ConfigError) -> OverrideValue {
        if text.isEmpty { return .element(ConfigNode(.string(""), location: .commandLine(input)), text: "") }
        let tokens: [OverrideLexer.Token]
        let lexer = OverrideLexer(text)
        do {
            tokens = try lexer.tokenize()
        } catch {
            let quoted = input.hasSuffix(text) && !text.contains("'") ? String(input.dropLast(text.count)) + "'" + text + "'" : nil
            throw syntax(input, "\(error.message) at position \(error.offset + 1) of the value",
                         hint: error.hint.map { hint in quoted.map { "\(hint): \($0)" } ?? hint })
        }
        var parser = ValueParser(tokens: tokens, lexer: lexer, input: input)
        return try parser.parseTopLevel()
    }
}

/// Recursive descent over value tokens.
struct ValueParser {
    typealias Token = OverrideLexer.Token
    let tokens: [Token]
    let lexer: OverrideLexer
    let input: String
    var position = 0

    init(tokens: [Token], lexer: OverrideLexer, input: String) {
        self.tokens = tokens
        self.lexer = lexer
        self.input = input
    }

    var location: SourceLocation { .commandLine(input) }
    var current: Token? { position < tokens.count ? tokens[position] : nil }

    func error(_ message: String, hint: String? = nil) -> ConfigError {
        OverrideParser.syntax(input, message, hint: hint)
    }

    /// A parsed element: a plain value, or a sweep produced by a function.
    enum Parsed {
        case node(ConfigNode, text: String)
        case sweep(OverrideValue)
    }

    mutating func parseTopLevel() throws(ConfigError) -> OverrideValue {
        var elements: [(ConfigNode, String)] = []
        let first = try parseElement()
        if current?.kind == .comma {
            guard case .node(let node, let text) = first else { throw error("a sweep cannot be part of a list of values") }
            elements.append((node, text))
            while current?.kind == .comma {
                position += 1
                guard case .node(let node, let text) = try parseElement() else {
                    throw error("a sweep cannot be part of a list of values")
                }
                elements.append((node, text))
            }
        }
        if let extra = current {
            throw error(unexpected(extra), hint: hintFor(extra))
        }
        if !elements.isEmpty {
            return .choice(elements.map { SweepElement(node: $0.0, text: $0.1) })
        }
        switch first {
        case .node(let node, let text): return .element(node, text: text)
        case .sweep(let sweep): return sweep
        }
    }

    func unexpected(_ token: Token) -> String {
        switch token.kind {
        case .equal: return "unexpected '=' in the value"
        case .pclose, .bracketClose, .braceClose: return "unbalanced '\(token.text.trimmingWhitespace())'"
        default: return "unexpected '\(token.text)' at position \(token.offset + 1) of the value"
        }
    }

    func hintFor(_ token: Token) -> String {
        switch token.kind {
        case .equal, .pclose, .bracketClose, .braceClose, .popen, .bracketOpen, .braceOpen:
            return "quote the value (key='\"...\"') or escape the character with a backslash"
        default:
            return "quote the value if it contains special characters"
        }
    }

    func text(from start: Int, to end: Int) -> String {
        guard start < end else { return "" }
        let first = tokens[start].offset
        let last = tokens[end - 1].offset + tokens[end - 1].text.unicodeScalars.count
        return String(lexer.text(first, last - first).trimmingWhitespace())
    }

    mutating func parseElement() throws(ConfigError) -> Parsed {
        let start = position
        guard let token = current else { throw error("a value is missing") }
        switch token.kind {
        case .bracketOpen:
            position += 1
            var items: [ConfigNode] = []
            if current?.kind == .bracketClose {
                position += 1
            } else {
                while true {
                    guard case .node(let node, _) = try parseElement() else { throw error("a sweep cannot be inside a list") }
                    items.append(node)
                    if current?.kind == .comma { position += 1; continue }
                    guard current?.kind == .bracketClose else { throw error("expected ',' or ']' in list", hint: "close the list with ']'") }
                    position += 1
                    break
                }
            }
            return .node(ConfigNode(.sequence(items), location: location), text: text(from: start, to: position))
        case .braceOpen:
            position += 1
            var mapping = ConfigMapping()
            if current?.kind == .braceClose {
                position += 1
            } else {
                while true {
                    let (key, typedKey) = try parseDictKey()
                    guard current?.kind == .colon else { throw error("expected ':' after dict key '\(key)'", hint: "write dicts as {key:value,...}") }
                    position += 1
                    guard case .node(let node, _) = try parseElement() else { throw error("a sweep cannot be inside a dict") }
                    mapping[key] = node
                    if typedKey { mapping.markNonStringKey(key) }
                    if current?.kind == .comma { position += 1; continue }
                    guard current?.kind == .braceClose else { throw error("expected ',' or '}' in dict", hint: "close the dict with '}'") }
                    position += 1
                    break
                }
            }
            return .node(ConfigNode(.mapping(mapping), location: location), text: text(from: start, to: position))
        case .id where position + 1 < tokens.count && tokens[position + 1].kind == .popen:
            return try parseFunction()
        case .quoted:
            position += 1
            if let next = current, isPrimitivePart(next.kind, inKey: false) {
                throw error("unexpected text after a quoted string", hint: "put the whole value inside the quotes")
            }
            return .node(ConfigNode(.string(unquote(token.text)), location: location), text: token.text)
        default:
            var parts: [Token] = []
            while let t = current, isPrimitivePart(t.kind, inKey: false) {
                parts.append(t)
                position += 1
            }
            guard !parts.isEmpty else { throw error(unexpected(token), hint: hintFor(token)) }
            if current?.kind == .quoted {
                throw error("unexpected quoted string after text", hint: "put the whole value inside the quotes")
            }
            return .node(ConfigNode(primitive(parts), location: location), text: text(from: start, to: position))
        }
    }

    func isPrimitivePart(_ kind: OverrideLexer.Kind, inKey: Bool) -> Bool {
        switch kind {
        case .id, .null, .int, .float, .bool, .unquotedChar, .esc, .ws: return true
        case .colon, .interpolation: return !inKey
        default: return false
        }
    }

    /// A dict key, and whether it is a number or boolean rather than a string.
    mutating func parseDictKey() throws(ConfigError) -> (String, Bool) {
        var parts: [Token] = []
        while let t = current, isPrimitivePart(t.kind, inKey: true) {
            parts.append(t)
            position += 1
        }
        guard !parts.isEmpty else { throw error("expected a dict key", hint: "write dicts as {key:value,...}") }
        switch primitive(parts) {
        case .int(let i): return (String(i), true)
        case .bigInt(let digits): return (digits, true)
        case .double(let d): return (PythonFormat.yamlFloat(d), true)
        case .bool(let b): return (b ? "true" : "false", true)
        default: return (joinedText(trimmed(parts)), false)
        }
    }

    func trimmed(_ parts: [Token]) -> ArraySlice<Token> {
        var slice = parts[...]
        while slice.first?.kind == .ws { slice = slice.dropFirst() }
        while slice.last?.kind == .ws { slice = slice.dropLast() }
        return slice
    }

    func joinedText(_ parts: ArraySlice<Token>) -> String {
        var result = ""
        for t in parts {
            if t.kind == .esc {
                var chars = t.text.unicodeScalars.makeIterator()
                while chars.next() != nil, let escaped = chars.next() { result.unicodeScalars.append(escaped) }
            } else {
                result += t.text
            }
        }
        return result
    }

    func primitive(_ parts: [Token]) -> ConfigValue {
        let core = trimmed(parts)
        if core.count == 1, let t = core.first {
            switch t.kind {
            // Any size, as Python's int(): beyond 64 bits the exact digits are kept.
            case .int:
                var digits = Substring(t.text.filter { $0 != "_" })
                let negative = digits.first == "-"
                if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
                return ConfigValue.integer(digits: digits, negative: negative) ?? .string(t.text)
            case .float: return .double(parseFloatToken(t.text))
            case .bool: return .bool(t.text.lowercased() == "true")
            case .null: return .null
            default: break
            }
        }
        return .string(joinedText(core))
    }

    func parseFloatToken(_ text: String) -> Double {
        var t = text.filter { $0 != "_" }.lowercased()
        var sign = 1.0
        if t.hasPrefix("-") { sign = -1; t.removeFirst() } else if t.hasPrefix("+") { t.removeFirst() }
        if t == "inf" { return sign * .infinity }
        if t == "nan" { return .nan }
        if t.hasPrefix(".") { t = "0" + t }
        t = t.replacingAll(".e", with: ".0e")
        if t.hasSuffix(".") { t += "0" }
        return sign * (Double(t) ?? .nan)
    }

    /// Hydra's quoted strings: backslashes only escape the quote character (and other
    /// backslashes right before a quote); every other backslash is kept.
    func unquote(_ text: String) -> String {
        let chars = Array(text.unicodeScalars)
        let quote = chars[0]
        let body = chars[1..<chars.count - 1]
        var result = String.UnicodeScalarView()
        var i = body.startIndex
        while i < body.endIndex {
            if body[i] == "\\" {
                var j = i
                while j < body.endIndex && body[j] == "\\" { j += 1 }
                let run = j - i
                if j == body.endIndex || body[j] == quote {
                    result.append(contentsOf: repeatElement("\\" as Unicode.Scalar, count: run / 2))
                    if j < body.endIndex { result.append(quote); j += 1 }
                } else {
                    result.append(contentsOf: repeatElement("\\" as Unicode.Scalar, count: run))
                }
                i = j
            } else {
                result.append(body[i])
                i += 1
            }
        }
        return String(result)
    }

    // MARK: Functions

    mutating func parseFunction() throws(ConfigError) -> Parsed {
        let start = position
        let name = tokens[position].text
        position += 2  // name and '('
        var positional: [Parsed] = []
        var named: [(String, Parsed)] = []
        if current?.kind == .pclose {
            position += 1
        } else {
            while true {
                if current?.kind == .id, position + 1 < tokens.count, tokens[position + 1].kind == .equal {
                    let argName = tokens[position].text
                    position += 2
                    named.append((argName, try parseElement()))
                } else {
                    if !named.isEmpty { throw error("positional argument after a named one in \(name)(...)") }
                    positional.append(try parseElement())
                }
                if current?.kind == .comma { position += 1; continue }
                guard current?.kind == .pclose else { throw error("expected ',' or ')' in \(name)(...)", hint: "close the call with ')'") }
                position += 1
                break
            }
        }
        let callText = text(from: start, to: position)
        return try FunctionCall(name: name, positional: positional, named: named, text: callText, parser: self).evaluate()
    }
}
