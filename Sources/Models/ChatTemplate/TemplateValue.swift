import Config

/// A value inside a chat template, with Python's semantics for truth, equality and text
/// (`None`, `True`, `['a', 'b']`), because templates were written against jinja2.
public enum TemplateValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([TemplateValue])
    /// Keys in insertion order, as Python dicts keep them.
    case object([(String, TemplateValue)])
    /// jinja2's `Undefined`: a missing variable, key or attribute. Renders empty, is falsy.
    case undefined
    /// A `namespace(...)`: mutable from inside loops.
    case namespace(NamespaceBox)
    /// A macro or a built-in function.
    case callable(CallableBox)

    public static func == (a: TemplateValue, b: TemplateValue) -> Bool {
        switch (a, b) {
        case (.none, .none), (.undefined, .undefined): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && x.allSatisfy { pair in y.contains { $0.0 == pair.0 && $0.1 == pair.1 } }
        case let (.namespace(x), .namespace(y)): return x === y
        case let (.callable(x), .callable(y)): return x === y
        default:
            if let x = a.number, let y = b.number { return x == y }
            return false
        }
    }

    /// Ints, doubles and booleans compare as numbers, as in Python.
    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    public var isTruthy: Bool {
        switch self {
        case .none, .undefined: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .array(let a): return !a.isEmpty
        case .object(let o): return !o.isEmpty
        case .namespace, .callable: return true
        }
    }

    public subscript(key: String) -> TemplateValue {
        switch self {
        case .object(let pairs): return pairs.last { $0.0 == key }?.1 ?? .undefined
        case .namespace(let box): return box.values[key] ?? .undefined
        default: return .undefined
        }
    }

    /// `{{ value }}`: what Python's `str()` prints.
    public var text: String {
        switch self {
        case .none: return "None"
        case .undefined: return ""
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return Self.pythonFloat(d)
        case .string(let s): return s
        case .array, .object: return repr
        case .namespace: return "<Namespace>"
        case .callable: return "<function>"
        }
    }

    /// Python's `repr()`, used inside lists and dicts.
    public var repr: String {
        switch self {
        case .string(let s):
            let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
            var out = String(quote)
            for c in s {
                switch c {
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case quote: out += "\\" + String(quote)
                default: out.append(c)
                }
            }
            return out + String(quote)
        case .array(let items): return "[" + items.map(\.repr).joined(separator: ", ") + "]"
        case .object(let pairs): return "{" + pairs.map { TemplateValue.string($0.0).repr + ": " + $0.1.repr }.joined(separator: ", ") + "}"
        default: return text
        }
    }

    static func pythonFloat(_ d: Double) -> String { PythonFormat.repr(d) }

    /// Items to iterate: list elements, dict keys, string characters.
    public var iterationItems: [TemplateValue]? {
        switch self {
        case .array(let a): return a
        case .object(let o): return o.map { .string($0.0) }
        case .string(let s): return s.map { .string(String($0)) }
        case .undefined, .none: return []
        default: return nil
        }
    }
}

/// The mutable state of a `namespace()`.
public final class NamespaceBox: @unchecked Sendable {
    // Only touched by the single render that created it.
    var values: [String: TemplateValue]
    init(_ values: [String: TemplateValue]) { self.values = values }
}

/// A function callable from a template (`raise_exception`, `namespace`, a macro).
public final class CallableBox: @unchecked Sendable {
    // Immutable; the closure runs during one render.
    let call: ([TemplateValue], [(String, TemplateValue)]) throws(ChatTemplateError) -> TemplateValue
    init(_ call: @escaping ([TemplateValue], [(String, TemplateValue)]) throws(ChatTemplateError) -> TemplateValue) { self.call = call }
}
