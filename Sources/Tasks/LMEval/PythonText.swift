import Config
import Foundation
import Models
import Response

/// Python's string and formatting rules that lm-evaluation-harness's results depend on:
/// `str.isdigit`, `str.isspace`, `str.strip`/`rstrip`, `str()` and `json.dumps` of values.
enum PythonText {
    /// Python's whitespace: what `str.split()` and `str.strip()` remove.
    static func isSpace(_ c: Unicode.Scalar) -> Bool { PythonWhitespace.isSpace(c) }

    /// `s.isdigit()`: non-empty, every character a decimal or digit numeral (so `²` counts).
    static func isDigit(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal || $0.properties.numericType == .digit }
    }

    /// `s.rstrip()`.
    static func rstrip(_ s: String) -> String {
        var scalars = Substring(s).unicodeScalars
        while let last = scalars.last, isSpace(last) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// `s.strip()`.
    static func strip(_ s: String) -> String {
        var scalars = Substring(s).unicodeScalars
        while let first = scalars.first, isSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, isSpace(last) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    static func endsWithSpace(_ s: String) -> Bool { s.unicodeScalars.last.map(isSpace) ?? false }
    static func startsWithSpace(_ s: String) -> Bool { s.unicodeScalars.first.map(isSpace) ?? false }

    /// `str(value)`.
    static func str(_ value: TemplateValue) -> String { value.text }

    /// `repr(float)`.
    static func float(_ d: Double) -> String { PythonFormat.repr(d) }

    /// `json.dumps(value, ensure_ascii=False)`, or with `indent` as `json.dumps(..., indent=2)`:
    /// `", "` and `": "` between items without indent, one item per line with it.
    static func jsonDumps(_ value: TemplateValue, indent: Int? = nil) -> String {
        var out = ""
        write(value, indent: indent, level: 0, into: &out)
        return out
    }

    private static func write(_ value: TemplateValue, indent: Int?, level: Int, into out: inout String) {
        func newline(_ depth: Int) {
            if let indent { out += "\n" + String(repeating: " ", count: indent * depth) }
        }
        switch value {
        case .none, .undefined: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isNaN ? "NaN" : d.isInfinite ? (d > 0 ? "Infinity" : "-Infinity") : PythonFormat.repr(d)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += indent == nil ? ", " : "," }
                newline(level + 1)
                write(item, indent: indent, level: level + 1, into: &out)
            }
            newline(level)
            out += "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, item)) in pairs.enumerated() {
                if i > 0 { out += indent == nil ? ", " : "," }
                newline(level + 1)
                writeString(key, into: &out)
                out += ": "
                write(item, indent: indent, level: level + 1, into: &out)
            }
            newline(level)
            out += "}"
        case .namespace, .callable: out += "null"
        }
    }

    /// A JSON string as Python's json module writes it with `ensure_ascii=False`.
    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if c.value < 0x20 {
                    out += String(format: "\\u%04x", c.value)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out += "\""
    }

    /// SHA-256 as lowercase hex of a string's UTF-8 (lm-eval's `hash_string`).
    static func sha256(_ s: String) -> String { SHA256.hex(Array(s.utf8)) }
}
