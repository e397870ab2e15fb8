/// Recursive descent over jinja2's grammar, with its precedence: conditional expressions,
/// `or`, `and`, `not`, comparisons (`in`, `is`), `~`, `+ -`, `* / // %`, `**`, unary minus,
/// then postfix `.attr`, `[item]`, `(call)` and `|filter`.
struct TemplateParser {
    private var tokens: [TemplateLexer.Token]
    private var position = 0
    private let line: Int, column: Int

    init(_ tokens: [TemplateLexer.Token], line: Int, column: Int) {
        self.tokens = tokens
        self.line = line
        self.column = column
    }

    // MARK: - Statements

    static func parse(_ source: String, options: TemplateOptions) throws(ChatTemplateError) -> [TemplateNode] {
        var pieces = try TemplateLexer.pieces(source, options: options)[...]
        let (nodes, end) = try parseBody(&pieces, until: [])
        if let end { throw ChatTemplateError("unexpected '{% \(end.0) %}'", line: end.1, column: end.2) }
        return nodes
    }

    private static func parseBody(_ pieces: inout ArraySlice<TemplateLexer.Piece>, until ends: Set<String>)
        throws(ChatTemplateError) -> ([TemplateNode], (String, Int, Int, TemplateParser)?) {
        var nodes: [TemplateNode] = []
        while let piece = pieces.popFirst() {
            switch piece {
            case .text(let t): nodes.append(.text(t))
            case .output(let source, let line, let column):
                var parser = TemplateParser(try TemplateLexer.tokens(source, line: line, column: column), line: line, column: column)
                let expression = try parser.expression()
                try parser.expectEnd()
                nodes.append(.output(expression))
            case .statement(let source, let line, let column):
                var parser = TemplateParser(try TemplateLexer.tokens(source, line: line, column: column), line: line, column: column)
                guard case .name(let keyword)? = parser.next() else { throw ChatTemplateError("empty statement", line: line, column: column) }
                if ends.contains(keyword) { return (nodes, (keyword, line, column, parser)) }
                nodes.append(try parser.statement(keyword, pieces: &pieces))
            }
        }
        if let first = ends.sorted().first(where: { $0.hasPrefix("end") }) {
            throw ChatTemplateError("missing '{% \(first) %}'")
        }
        return (nodes, nil)
    }

    private mutating func statement(_ keyword: String, pieces: inout ArraySlice<TemplateLexer.Piece>) throws(ChatTemplateError) -> TemplateNode {
        switch keyword {
        case "for":
            var targets = [try name()]
            while accept(.op(",")) { targets.append(try name()) }
            try expect(.name("in"))
            let iterable = try orExpression()
            var condition: TemplateExpression?
            if accept(.name("if")) { condition = try expression() }
            _ = accept(.name("recursive"))
            try expectEnd()
            var (body, end) = try Self.parseBody(&pieces, until: ["else", "endfor"])
            var otherwise: [TemplateNode] = []
            if end?.0 == "else" {
                (otherwise, end) = try Self.parseBody(&pieces, until: ["endfor"])
            }
            guard end?.0 == "endfor" else { throw fail("missing '{% endfor %}'") }
            return .forLoop(targets: targets, iterable: iterable, condition: condition, body: body, otherwise: otherwise)
        case "if":
            var branches: [(TemplateExpression, [TemplateNode])] = []
            var condition = try expression()
            try expectEnd()
            while true {
                let (body, end) = try Self.parseBody(&pieces, until: ["elif", "else", "endif"])
                branches.append((condition, body))
                guard let (word, _, _, parser) = end else { throw fail("missing '{% endif %}'") }
                if word == "endif" { return .conditional(branches: branches, otherwise: []) }
                if word == "else" {
                    let (otherwise, last) = try Self.parseBody(&pieces, until: ["endif"])
                    guard last?.0 == "endif" else { throw fail("missing '{% endif %}'") }
                    return .conditional(branches: branches, otherwise: otherwise)
                }
                var elifParser = parser
                condition = try elifParser.expression()
                try elifParser.expectEnd()
            }
        case "set":
            let first = try name()
            var attribute: String?
            var targets = [first]
            if accept(.op(".")) { attribute = try name() }
            while accept(.op(",")) { targets.append(try name()) }
            if atEnd {
                let (body, end) = try Self.parseBody(&pieces, until: ["endset"])
                guard end != nil else { throw fail("missing '{% endset %}'") }
                return .assignBlock(name: first, body: body)
            }
            try expect(.op("="))
            let value = try expression()
            try expectEnd()
            return .assign(target: targets, attribute: attribute, value: value)
        case "macro":
            let macroName = try name()
            try expect(.op("("))
            var parameters: [(String, TemplateExpression?)] = []
            while !accept(.op(")")) {
                let parameter = try name()
                parameters.append((parameter, accept(.op("=")) ? try expression() : nil))
                _ = accept(.op(","))
            }
            try expectEnd()
            let (body, end) = try Self.parseBody(&pieces, until: ["endmacro"])
            guard end != nil else { throw fail("missing '{% endmacro %}'") }
            return .macro(name: macroName, parameters: parameters, body: body)
        case "generation":
            let (body, end) = try Self.parseBody(&pieces, until: ["endgeneration"])
            guard end != nil else { throw fail("missing '{% endgeneration %}'") }
            return .block(body)
        default:
            throw fail("unknown statement '\(keyword)'")
        }
    }

    // MARK: - Expressions

    mutating func expression() throws(ChatTemplateError) -> TemplateExpression {
        let value = try orExpression()
        if accept(.name("if")) {
            let condition = try orExpression()
            let otherwise = accept(.name("else")) ? try expression() : nil
            return .conditional(condition, value, otherwise)
        }
        return value
    }

    private mutating func orExpression() throws(ChatTemplateError) -> TemplateExpression {
        var left = try andExpression()
        while accept(.name("or")) { left = .binary("or", left, try andExpression()) }
        return left
    }

    private mutating func andExpression() throws(ChatTemplateError) -> TemplateExpression {
        var left = try notExpression()
        while accept(.name("and")) { left = .binary("and", left, try notExpression()) }
        return left
    }

    private mutating func notExpression() throws(ChatTemplateError) -> TemplateExpression {
        if accept(.name("not")) { return .unary("not", try notExpression()) }
        return try comparison()
    }

    private mutating func comparison() throws(ChatTemplateError) -> TemplateExpression {
        var left = try concatenation()
        while true {
            if case .op(let op)? = peek, ["==", "!=", "<", ">", "<=", ">="].contains(op) {
                position += 1
                left = .binary(op, left, try concatenation())
            } else if accept(.name("in")) {
                left = .binary("in", left, try concatenation())
            } else if peek == .name("not"), position + 1 < tokens.count, tokens[position + 1] == .name("in") {
                position += 2
                left = .unary("not", .binary("in", left, try concatenation()))
            } else {
                return left
            }
        }
    }

    private mutating func concatenation() throws(ChatTemplateError) -> TemplateExpression {
        var left = try sum()
        while accept(.op("~")) { left = .binary("~", left, try sum()) }
        return left
    }

    private mutating func sum() throws(ChatTemplateError) -> TemplateExpression {
        var left = try product()
        while case .op(let op)? = peek, op == "+" || op == "-" {
            position += 1
            left = .binary(op, left, try product())
        }
        return left
    }

    private mutating func product() throws(ChatTemplateError) -> TemplateExpression {
        var left = try power()
        while case .op(let op)? = peek, ["*", "/", "//", "%"].contains(op) {
            position += 1
            left = .binary(op, left, try power())
        }
        return left
    }

    private mutating func power() throws(ChatTemplateError) -> TemplateExpression {
        let left = try unary()
        if accept(.op("**")) { return .binary("**", left, try unary()) }
        return left
    }

    private mutating func unary() throws(ChatTemplateError) -> TemplateExpression {
        if accept(.op("-")) { return .unary("-", try unary()) }
        if accept(.op("+")) { return try unary() }
        return try postfix(try primary())
    }

    private mutating func postfix(_ start: TemplateExpression) throws(ChatTemplateError) -> TemplateExpression {
        var value = start
        while true {
            if accept(.op(".")) {
                value = .attribute(value, try name())
            } else if accept(.op("[")) {
                value = try subscriptOrSlice(value)
            } else if accept(.op("(")) {
                let (args, kwargs) = try arguments()
                value = .call(value, args, kwargs)
            } else if accept(.op("|")) {
                let filter = try name()
                var args: [TemplateExpression] = [], kwargs: [(String, TemplateExpression)] = []
                if accept(.op("(")) { (args, kwargs) = try arguments() }
                value = .filter(value, filter, args, kwargs)
            } else if accept(.name("is")) {
                let negated = accept(.name("not"))
                let test = try name()
                var args: [TemplateExpression] = []
                if accept(.op("(")) { args = try arguments().0 } else if let arg = try testArgument() { args = [arg] }
                value = .test(value, test, args, negated: negated)
            } else {
                return value
            }
        }
    }

    /// `is sameas none`, `is equalto 3`: a test may take one bare argument.
    private mutating func testArgument() throws(ChatTemplateError) -> TemplateExpression? {
        switch peek {
        case .string?, .int?, .double?: return try primary()
        case .name(let n)? where !["and", "or", "else", "if", "is", "in", "not"].contains(n): return try primary()
        default: return nil
        }
    }

    private mutating func subscriptOrSlice(_ value: TemplateExpression) throws(ChatTemplateError) -> TemplateExpression {
        var parts: [TemplateExpression?] = [nil]
        var sawColon = false
        while !accept(.op("]")) {
            if accept(.op(":")) { sawColon = true; parts.append(nil); continue }
            parts[parts.count - 1] = try expression()
        }
        if !sawColon {
            guard let index = parts[0] else { throw fail("empty subscript") }
            return .item(value, index)
        }
        while parts.count < 3 { parts.append(nil) }
        return .slice(value, parts[0], parts[1], parts[2])
    }

    private mutating func arguments() throws(ChatTemplateError) -> ([TemplateExpression], [(String, TemplateExpression)]) {
        var args: [TemplateExpression] = [], kwargs: [(String, TemplateExpression)] = []
        while !accept(.op(")")) {
            if case .name(let n)? = peek, position + 1 < tokens.count, tokens[position + 1] == .op("=") {
                position += 2
                kwargs.append((n, try expression()))
            } else {
                args.append(try expression())
            }
            if !accept(.op(",")) { try expect(.op(")")); break }
        }
        return (args, kwargs)
    }

    private mutating func primary() throws(ChatTemplateError) -> TemplateExpression {
        guard let token = next() else { throw fail("unexpected end of expression") }
        switch token {
        case .string(var s):
            while case .string(let more)? = peek { s += more; position += 1 }  // adjacent literals join
            return .literal(.string(s))
        case .int(let i): return .literal(.int(i))
        case .double(let d): return .literal(.double(d))
        case .name(let n):
            switch n {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(n)
            }
        case .op("("):
            let inner = try expression()
            if accept(.op(",")) {
                var items = [inner]
                while !accept(.op(")")) { items.append(try expression()); _ = accept(.op(",")) }
                return .list(items)
            }
            try expect(.op(")"))
            return inner
        case .op("["):
            var items: [TemplateExpression] = []
            while !accept(.op("]")) { items.append(try expression()); _ = accept(.op(",")) }
            return .list(items)
        case .op("{"):
            var pairs: [(TemplateExpression, TemplateExpression)] = []
            while !accept(.op("}")) {
                let key = try expression()
                try expect(.op(":"))
                pairs.append((key, try expression()))
                _ = accept(.op(","))
            }
            return .dict(pairs)
        default:
            throw fail("unexpected '\(token)'")
        }
    }

    // MARK: - Tokens

    private var peek: TemplateLexer.Token? { position < tokens.count ? tokens[position] : nil }
    private var atEnd: Bool { position >= tokens.count }

    private mutating func next() -> TemplateLexer.Token? {
        defer { position += 1 }
        return peek
    }

    private mutating func accept(_ token: TemplateLexer.Token) -> Bool {
        guard peek == token else { return false }
        position += 1
        return true
    }

    private mutating func expect(_ token: TemplateLexer.Token) throws(ChatTemplateError) {
        guard accept(token) else { throw fail("expected \(token), found \(peek.map { "\($0)" } ?? "the end")") }
    }

    private mutating func name() throws(ChatTemplateError) -> String {
        guard case .name(let n)? = next() else { throw fail("expected a name") }
        return n
    }

    mutating func expectEnd() throws(ChatTemplateError) {
        guard atEnd else { throw fail("unexpected '\(tokens[position])'") }
    }

    private func fail(_ message: String) -> ChatTemplateError {
        ChatTemplateError(message, line: line, column: column)
    }
}
