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
private struct ValueParser {
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

/// Hydra's override functions: sweeps (`choice`, `range`, `glob`, `interval`), list
/// reordering (`sort`, `shuffle`) and casts (`int`, `float`, `str`, `bool`).
private struct FunctionCall {
    typealias Parsed = ValueParser.Parsed
    let name: String
    let positional: [Parsed]
    let named: [(String, Parsed)]
    let text: String
    let parser: ValueParser

    func error(_ message: String) -> ConfigError {
        parser.error("\(name)(...): \(message)")
    }

    func node(_ p: Parsed) throws(ConfigError) -> ConfigNode {
        guard case .node(let n, _) = p else { throw error("a sweep is not allowed here") }
        return n
    }

    func argument(_ key: String, at index: Int) -> Parsed? {
        if let named = named.first(where: { $0.0 == key }) { return named.1 }
        return index < positional.count ? positional[index] : nil
    }

    func strings(_ p: Parsed) throws(ConfigError) -> [String] {
        let n = try node(p)
        if let seq = n.sequence { return seq.map { PythonFormat.str($0.value) } }
        return [PythonFormat.str(n.value)]
    }

    func evaluate() throws(ConfigError) -> Parsed {
        let location = parser.location
        switch name {
        case "choice":
            guard named.isEmpty else { throw error("choice takes only positional values") }
            guard !positional.isEmpty else { throw error("choice needs at least one value") }
            var elements: [SweepElement] = []
            for p in positional {
                guard case .node(let n, let t) = p else { throw error("nested sweeps are not supported") }
                elements.append(SweepElement(node: n, text: t))
            }
            return .sweep(.choice(elements))
        case "range":
            let args = positional.count
            guard args + named.count >= 1, args + named.count <= 3 else { throw error("expected range(start, stop[, step]) or range(stop)") }
            func number(_ p: Parsed?) throws(ConfigError) -> RangeNumber? {
                guard let p else { return nil }
                let value = try node(p).value
                if case .bigInt = value { throw error("range arguments beyond 64 bits are not supported") }
                guard let n = RangeNumber(value) else { throw error("range arguments must be numbers") }
                guard n.double.isFinite else { throw error("range arguments must be finite numbers") }
                return n
            }
            var start = try number(argument("start", at: 0)) ?? .int(0)
            var stop = try number(argument("stop", at: 1))
            let step = try number(argument("step", at: 2)) ?? .int(1)
            if stop == nil {
                stop = start
                start = .int(0)
            }
            guard !step.isZero else { throw error("the step must not be zero") }
            return .sweep(.range(SweepRange(start: start, stop: stop!, step: step)))
        case "glob":
            guard let include = argument("include", at: 0) else { throw error("glob needs an include pattern") }
            let exclude = try argument("exclude", at: 1).map { p throws(ConfigError) in try strings(p) } ?? []
            return .sweep(.glob(include: try strings(include), exclude: exclude))
        case "interval":
            guard positional.count == 2 else { throw error("expected interval(start, end)") }
            func double(_ p: Parsed) throws(ConfigError) -> Double {
                switch try node(p).value {
                case .int, .bigInt: return try node(p).value.integerAsDouble!
                case .double(let d): return d
                default: throw error("interval bounds must be numbers")
                }
            }
            return .sweep(.interval(try double(positional[0]), try double(positional[1])))
        case "sort", "shuffle":
            return try reorder()
        case "int", "float", "str", "bool":
            let value: Parsed
            if let named = named.first(where: { $0.0 == "value" }) {
                guard positional.isEmpty, self.named.count == 1 else { throw error("cannot use both positional and named arguments") }
                value = named.1
            } else if positional.count == 1 {
                value = positional[0]
            } else if positional.count > 1 {
                // `str(true,1.5)` casts the simple choice sweep `true,1.5`.
                var elements: [SweepElement] = []
                for p in positional {
                    guard case .node(let n, let t) = p else { throw error("nested sweeps are not supported") }
                    elements.append(SweepElement(node: n, text: t))
                }
                value = .sweep(.choice(elements))
            } else {
                throw error("expected a value")
            }
            switch value {
            case .node(let n, _):
                return .node(ConfigNode(try cast(n.value), location: location), text: text)
            case .sweep(.choice(let elements)):
                // Hydra's sweeper writes each cast value back as override text and parses it
                // again for the job, so `str(choice(1,2))` sweeps the integers 1 and 2.
                var out: [SweepElement] = []
                for e in elements {
                    let elementText = SweepText.element(try cast(e.node.value))
                    out.append(SweepElement(node: SweepText.reparsed(elementText, input: parser.input), text: elementText))
                }
                return .sweep(.choice(out))
            case .sweep(.range(let range)):
                guard name == "int" || name == "float" else { throw error("Range can only be cast to int or float") }
                func castBound(_ n: RangeNumber) throws(ConfigError) -> RangeNumber {
                    switch try cast(n.value) {
                    case .int(let i): return .int(i)
                    case .double(let d): return .float(d)
                    case .bigInt: throw error("range arguments beyond 64 bits are not supported")
                    default: throw error("Range can only be cast to int or float")
                    }
                }
                return .sweep(.range(SweepRange(start: try castBound(range.start), stop: try castBound(range.stop),
                                                step: try castBound(range.step))))
            case .sweep(.interval(let low, let high)):
                guard name == "int" || name == "float" else { throw error("Intervals cannot be cast to \(name)") }
                func castBound(_ d: Double) throws(ConfigError) -> Double {
                    try cast(.double(d)).integerAsDouble ?? d
                }
                return .sweep(.interval(try castBound(low), try castBound(high)))
            case .sweep(let other):
                return .sweep(other)
            }
        default:
            throw parser.error("unknown function '\(name)'",
                               hint: "available functions: choice, range, glob, interval, sort, shuffle, int, float, str, bool")
        }
    }

    /// `sort(...)` and `shuffle(...)` of a list, a choice sweep or a range.
    func reorder() throws(ConfigError) -> Parsed {
        let location = parser.location
        var reverse = false
        if let r = named.first(where: { $0.0 == "reverse" }) {
            guard name == "sort", case .node(let n, _) = r.1, case .bool(let b) = n.value else {
                throw error("reverse must be true or false")
            }
            reverse = b
        }
        var items: [SweepElement]
        var isList = false
        if let listArg = named.first(where: { $0.0 == "list" }) {
            isList = true
            guard let seq = try node(listArg.1).sequence else { throw error("list= takes a list") }
            items = seq.map { SweepElement(node: $0, text: PythonFormat.str($0.value)) }
        } else if let sweepArg = named.first(where: { $0.0 == "sweep" })?.1 ?? (positional.count == 1 ? positional[0] : nil),
                  case .sweep(let sweep) = sweepArg {
            switch sweep {
            case .choice(let elements):
                items = elements
            case .range(let range):
                if name == "sort" { return .sweep(.range(range.sorted(reverse: reverse))) }
                // Shuffling a range enumerates it first.
                do {
                    items = try range.values().map { v in
                        SweepElement(node: ConfigNode(v), text: SweepText.element(v))
                    }
                } catch {
                    throw self.error("the range has too many values to shuffle")
                }
            default:
                throw error("only a choice or a range can be \(name == "sort" ? "sorted" : "shuffled")")
            }
        } else if positional.count == 1, case .node(let n, let t) = positional[0] {
            guard let seq = n.sequence else { return .node(n, text: t) }
            isList = true
            items = seq.map { SweepElement(node: $0, text: PythonFormat.str($0.value)) }
        } else {
            guard !positional.isEmpty else { throw error("empty \(name) input") }
            items = []
            for p in positional {
                guard case .node(let n, let t) = p else { throw error("nested sweeps are not supported") }
                items.append(SweepElement(node: n, text: t))
            }
        }
        if name == "sort" {
            // Python's sorted(): numbers (and booleans) by value, strings by code point, lists
            // element by element; anything else, or a mix, cannot be ordered.
            for item in items.dropFirst() {
                guard PythonOrder.comparable(items[0].node.value, item.node.value) else {
                    throw error("'<' not supported between \(items[0].node.kindDescription) and \(item.node.kindDescription)")
                }
            }
            // Stable in both directions, as Python's reverse=True is.
            items.sort { reverse ? PythonOrder.less($1.node.value, $0.node.value) : PythonOrder.less($0.node.value, $1.node.value) }
        } else {
            var generator = SystemRandomNumberGenerator()
            items.shuffle(using: &generator)
        }
        if isList { return .node(ConfigNode(.sequence(items.map(\.node)), location: location), text: text) }
        return .sweep(.choice(items))
    }

    func cast(_ value: ConfigValue) throws(ConfigError) -> ConfigValue {
        switch (name, value) {
        case (_, .sequence(let items)):
            var out: [ConfigNode] = []
            for item in items { out.append(ConfigNode(try cast(item.value))) }
            return .sequence(out)
        case (_, .mapping(let m)):
            var out = ConfigMapping()
            for (k, v) in m { out[k] = ConfigNode(try cast(v.value)) }
            return .mapping(out)
        case ("int", .int), ("int", .bigInt): return value
        case ("int", .double(let d)):
            // Python: int(inf) raises OverflowError, int(nan) ValueError; both are errors here.
            // A large float gives its exact value: int(1e29) is 99999999999999991433150857216.
            guard let i = ConfigValue.integer(truncating: d) else {
                throw error("cannot convert float \(d.isNaN ? "NaN" : (d > 0 ? "infinity" : "-infinity")) to integer")
            }
            return i
        case ("int", .bool(let b)): return .int(b ? 1 : 0)
        case ("int", .string(let s)):
            // Python's int(str): optional sign, decimal digits, `_` between digits.
            var digits = Substring(s.trimmingWhitespace())
            let negative = digits.first == "-"
            if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
            guard digits.first?.isNumber == true, digits.last?.isNumber == true, !digits.contains("__"),
                  let i = ConfigValue.integer(digits: digits.filter { $0 != "_" }, negative: negative) else {
                throw error("cannot convert '\(s)' to int")
            }
            return i
        case ("float", .int), ("float", .bigInt): return .double(value.integerAsDouble!)
        case ("float", .double): return value
        case ("float", .bool(let b)): return .double(b ? 1 : 0)
        case ("float", .string(let s)):
            guard let d = Double(String(s.trimmingWhitespace())) else { throw error("cannot convert '\(s)' to float") }
            return .double(d)
        case ("str", .bool(let b)): return .string(b ? "true" : "false")
        case ("str", .null): return .string("null")
        case ("str", _): return .string(PythonFormat.str(value))
        case ("bool", .bool): return value
        case ("bool", .int(let i)): return .bool(i != 0)
        case ("bool", .bigInt): return .bool(true)
        case ("bool", .double(let d)): return .bool(d != 0)
        case ("bool", .string(let s)):
            switch s.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw error("cannot convert '\(s)' to bool (use true or false)")
            }
        default:
            throw error("cannot convert \(ConfigNode(value).kindDescription) with \(name)()")
        }
    }
}

