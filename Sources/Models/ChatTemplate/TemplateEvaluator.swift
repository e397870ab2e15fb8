import Foundation

/// Renders parsed templates: scopes (a `for` body sees its loop variables; `set` inside a loop
/// stays inside it, as in jinja2; `namespace()` is how templates carry state out).
struct TemplateEvaluator {
    private var scopes: [[String: TemplateValue]]
    /// jinja2's `StrictUndefined`: a missing name, key or attribute is an error where it is used.
    private let strictUndefined: Bool

    init(globals: [String: TemplateValue], strictUndefined: Bool = false) {
        scopes = [globals]
        self.strictUndefined = strictUndefined
    }

    mutating func render(_ nodes: [TemplateNode], into out: inout String) throws(ChatTemplateError) {
        for node in nodes {
            switch node {
            case .text(let t): out += t
            case .output(let e):
                let value = try evaluate(e)
                if strictUndefined, case .undefined = value { throw ChatTemplateError("'\(Self.describe(e))' is undefined") }
                out += value.text
            case .block(let body): try render(body, into: &out)
            case .forLoop(let targets, let iterable, let condition, let body, let otherwise):
                let source = try evaluate(iterable)
                guard var items = source.iterationItems else { throw ChatTemplateError("'\(source.text)' is not iterable") }
                if case .object(let pairs) = source, targets.count == 2 { items = pairs.map { .array([.string($0.0), $0.1]) } }
                if let condition {
                    var kept: [TemplateValue] = []
                    for item in items {
                        scopes.append(bind(targets, item))
                        let passes = try evaluate(condition).isTruthy
                        scopes.removeLast()
                        if passes { kept.append(item) }
                    }
                    items = kept
                }
                if items.isEmpty { try render(otherwise, into: &out); continue }
                for (index, item) in items.enumerated() {
                    var scope = bind(targets, item)
                    scope["loop"] = .object([
                        ("index", .int(index + 1)), ("index0", .int(index)), ("revindex", .int(items.count - index)),
                        ("revindex0", .int(items.count - index - 1)), ("first", .bool(index == 0)), ("last", .bool(index == items.count - 1)),
                        ("length", .int(items.count)),
                        ("previtem", index > 0 ? items[index - 1] : .undefined),
                        ("nextitem", index + 1 < items.count ? items[index + 1] : .undefined),
                    ])
                    scopes.append(scope)
                    defer { scopes.removeLast() }
                    try render(body, into: &out)
                }
            case .conditional(let branches, let otherwise):
                var taken = false
                for (condition, body) in branches where try evaluate(condition).isTruthy {
                    try render(body, into: &out)
                    taken = true
                    break
                }
                if !taken { try render(otherwise, into: &out) }
            case .assign(let targets, let attribute, let value):
                let v = try evaluate(value)
                if let attribute {
                    guard case .namespace(let box) = lookup(targets[0]) else {
                        throw ChatTemplateError("cannot set '\(attribute)' on '\(targets[0])', which is not a namespace")
                    }
                    box.values[attribute] = v
                } else if targets.count == 1 {
                    scopes[scopes.count - 1][targets[0]] = v
                } else {
                    for (name, item) in bind(targets, v) { scopes[scopes.count - 1][name] = item }
                }
            case .assignBlock(let name, let body):
                var captured = ""
                try render(body, into: &captured)
                scopes[scopes.count - 1][name] = .string(captured)
            case .macro(let name, let parameters, let body):
                let defining = self
                scopes[scopes.count - 1][name] = .callable(CallableBox { (args, kwargs) throws(ChatTemplateError) -> TemplateValue in
                    var evaluator = defining
                    var scope: [String: TemplateValue] = [:]
                    for (i, (parameter, fallback)) in parameters.enumerated() {
                        if i < args.count { scope[parameter] = args[i] }
                        else if let given = kwargs.first(where: { $0.0 == parameter }) { scope[parameter] = given.1 }
                        else if let fallback { scope[parameter] = try evaluator.evaluate(fallback) }
                        else { scope[parameter] = .undefined }
                    }
                    evaluator.scopes.append(scope)
                    var text = ""
                    try evaluator.render(body, into: &text)
                    return .string(text)
                })
            }
        }
    }

    private func bind(_ targets: [String], _ item: TemplateValue) -> [String: TemplateValue] {
        if targets.count == 1 { return [targets[0]: item] }
        let parts = item.iterationItems ?? []
        var scope: [String: TemplateValue] = [:]
        for (i, name) in targets.enumerated() { scope[name] = i < parts.count ? parts[i] : .undefined }
        return scope
    }

    private func lookup(_ name: String) -> TemplateValue {
        for scope in scopes.reversed() { if let v = scope[name] { return v } }
        return .undefined
    }

    // MARK: - Expressions

    /// - Parameter tolerating: the value may be undefined (the operand of `is defined` or of
    ///   the `default` filter); elsewhere, under `strictUndefined`, an undefined value is an error.
    mutating func evaluate(_ expression: TemplateExpression, tolerating: Bool = false) throws(ChatTemplateError) -> TemplateValue {
        let value = try evaluateValue(expression, tolerating: tolerating)
        if strictUndefined, !tolerating, case .undefined = value {
            switch expression {
            case .name(let n): throw ChatTemplateError("'\(n)' is undefined")
            case .attribute(_, let n): throw ChatTemplateError("'\(n)' is undefined (no such key or attribute)")
            case .item: throw ChatTemplateError("no such item (index or key out of range)")
            default: break
            }
        }
        return value
    }

    private mutating func evaluateValue(_ expression: TemplateExpression, tolerating: Bool) throws(ChatTemplateError) -> TemplateValue {
        switch expression {
        case .literal(let v): return v
        case .name(let n): return lookup(n)
        case .list(let items):
            var values: [TemplateValue] = []
            for item in items { values.append(try evaluate(item)) }
            return .array(values)
        case .dict(let pairs):
            var values: [(String, TemplateValue)] = []
            for (k, v) in pairs { values.append((try evaluate(k).text, try evaluate(v))) }
            return .object(values)
        case .attribute(let base, let name):
            let value = try evaluate(base)
            if case .object = value, case let found = value[name], found != .undefined { return found }
            if case .namespace = value { return value[name] }
            return TemplateMethods.bound(value, name) ?? .undefined
        case .item(let base, let index):
            return Self.item(try evaluate(base), try evaluate(index))
        case .slice(let base, let start, let stop, let step):
            let value = try evaluate(base)
            let s = try start.map { (e) throws(ChatTemplateError) in try evaluate(e) }
            let e = try stop.map { (x) throws(ChatTemplateError) in try evaluate(x) }
            let st = try step.map { (x) throws(ChatTemplateError) in try evaluate(x) }
            return Self.slice(value, s?.number.map { Int($0) }, e?.number.map { Int($0) }, st?.number.map { Int($0) } ?? 1)
        case .call(let callee, let args, let kwargs):
            let function = try evaluate(callee)
            var values: [TemplateValue] = []
            for arg in args { values.append(try evaluate(arg)) }
            var named: [(String, TemplateValue)] = []
            for (k, v) in kwargs { named.append((k, try evaluate(v))) }
            guard case .callable(let box) = function else {
                throw ChatTemplateError("'\(Self.describe(callee))' is not callable")
            }
            return try box.call(values, named)
        case .filter(let base, let name, let args, let kwargs):
            let value = try evaluate(base, tolerating: name == "default" || name == "d")
            var values: [TemplateValue] = []
            for arg in args { values.append(try evaluate(arg)) }
            var named: [(String, TemplateValue)] = []
            for (k, v) in kwargs { named.append((k, try evaluate(v))) }
            return try TemplateFilters.apply(name, to: value, args: values, kwargs: named)
        case .test(let base, let name, let args, let negated):
            let value = try evaluate(base, tolerating: name == "defined" || name == "undefined")
            var values: [TemplateValue] = []
            for arg in args { values.append(try evaluate(arg)) }
            return .bool(try TemplateFilters.test(name, value, values) != negated)
        case .unary(let op, let operand):
            let v = try evaluate(operand)
            if op == "not" { return .bool(!v.isTruthy) }
            if case .int(let i) = v { return .int(-i) }
            guard let d = v.number else { throw ChatTemplateError("cannot negate '\(v.text)'") }
            return .double(-d)
        case .conditional(let condition, let value, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(value) }
            // jinja2's implicit else is a plain Undefined even under StrictUndefined: it renders empty.
            return try otherwise.map { (e) throws(ChatTemplateError) in try evaluate(e) } ?? .string("")
        case .binary(let op, let l, let r):
            if op == "and" { let a = try evaluate(l); return a.isTruthy ? try evaluate(r) : a }
            if op == "or" { let a = try evaluate(l); return a.isTruthy ? a : try evaluate(r) }
            return try Self.binary(op, try evaluate(l), try evaluate(r))
        }
    }

    static func describe(_ e: TemplateExpression) -> String {
        if case .name(let n) = e { return n }
        if case .attribute(_, let n) = e { return n }
        return "expression"
    }

    static func item(_ value: TemplateValue, _ index: TemplateValue) -> TemplateValue {
        switch (value, index) {
        case (.array(let a), _):
            guard let i = index.number.map({ Int($0) }) else { return .undefined }
            let k = i < 0 ? a.count + i : i
            return a.indices.contains(k) ? a[k] : .undefined
        case (.string(let s), _):
            guard let i = index.number.map({ Int($0) }) else { return .undefined }
            let chars = Array(s)
            let k = i < 0 ? chars.count + i : i
            return chars.indices.contains(k) ? .string(String(chars[k])) : .undefined
        case (.object, .string(let key)), (.namespace, .string(let key)):
            return value[key]
        default:
            return .undefined
        }
    }

    /// Python slicing: negative bounds count from the end; a negative step walks backwards.
    static func slice(_ value: TemplateValue, _ start: Int?, _ stop: Int?, _ step: Int) -> TemplateValue {
        func indices(_ count: Int) -> [Int] {
            guard step != 0 else { return [] }
            func clamp(_ v: Int?, _ fallback: Int, low: Int, high: Int) -> Int {
                guard let v else { return fallback }
                let k = v < 0 ? v + count : v
                return min(max(k, low), high)
            }
            if step > 0 {
                let a = clamp(start, 0, low: 0, high: count), b = clamp(stop, count, low: 0, high: count)
                return Array(stride(from: a, to: b, by: step))
            }
            let a = clamp(start, count - 1, low: -1, high: count - 1), b = clamp(stop, -1, low: -1, high: count - 1)
            return Array(stride(from: a, to: b, by: step))
        }
        switch value {
        case .array(let a): return .array(indices(a.count).map { a[$0] })
        case .string(let s):
            let chars = Array(s)
            return .string(String(indices(chars.count).map { chars[$0] }))
        default: return .undefined
        }
    }

    static func binary(_ op: String, _ a: TemplateValue, _ b: TemplateValue) throws(ChatTemplateError) -> TemplateValue {
        switch op {
        case "==": return .bool(a == b)
        case "!=": return .bool(a != b)
        case "~": return .string(a.text + b.text)
        case "in":
            switch b {
            case .string(let s): return .bool(s.contains(a.text))
            case .array(let items): return .bool(items.contains(a))
            case .object(let pairs): return .bool(pairs.contains { $0.0 == a.text })
            case .undefined, .none: return .bool(false)
            default: throw ChatTemplateError("'in' needs a string, list or mapping on its right")
            }
        case "+":
            switch (a, b) {
            case let (.string(x), .string(y)): return .string(x + y)
            case let (.array(x), .array(y)): return .array(x + y)
            default: break
            }
        case "<", ">", "<=", ">=":
            if case .string(let x) = a, case .string(let y) = b {
                switch op { case "<": return .bool(x < y); case ">": return .bool(x > y); case "<=": return .bool(x <= y); default: return .bool(x >= y) }
            }
            guard let x = a.number, let y = b.number else { throw ChatTemplateError("cannot compare '\(a.text)' and '\(b.text)'") }
            switch op { case "<": return .bool(x < y); case ">": return .bool(x > y); case "<=": return .bool(x <= y); default: return .bool(x >= y) }
        case "*":
            if case .string(let s) = a, case .int(let n) = b { return .string(String(repeating: s, count: max(0, n))) }
        case "%":
            if case .string(let format) = a { return .string(try PythonPercentFormat.apply(format, b)) }
        default: break
        }
        // Arithmetic: ints stay ints (except /), as in Python.
        if case .int(let x) = a, case .int(let y) = b {
            switch op {
            case "+": return .int(x + y)
            case "-": return .int(x - y)
            case "*": return .int(x * y)
            case "//": guard y != 0 else { throw ChatTemplateError("division by zero") }; return .int(Int((Double(x) / Double(y)).rounded(.down)))
            case "%": guard y != 0 else { throw ChatTemplateError("division by zero") }; return .int(((x % y) + y) % y)
            case "/": guard y != 0 else { throw ChatTemplateError("division by zero") }; return .double(Double(x) / Double(y))
            case "**": return .int(Int(pow(Double(x), Double(y))))
            default: break
            }
        }
        guard let x = a.number, let y = b.number else {
            throw ChatTemplateError("unsupported operand types for \(op): '\(a.text)' and '\(b.text)'")
        }
        switch op {
        case "+": return .double(x + y)
        case "-": return .double(x - y)
        case "*": return .double(x * y)
        case "/": return .double(x / y)
        case "//": return .double((x / y).rounded(.down))
        case "%": return .double(x.truncatingRemainder(dividingBy: y))
        case "**": return .double(pow(x, y))
        default: throw ChatTemplateError("unknown operator \(op)")
        }
    }
}
