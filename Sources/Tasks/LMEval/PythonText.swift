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

    /// `json.dumps(value, ensure_ascii=False)`, or with `indent` as `json.dumps(..., indent=2)`.
    static func jsonDumps(_ value: TemplateValue, indent: Int? = nil) -> String {
        JSONText.dump(value, indent: indent)
    }

    /// SHA-256 as lowercase hex of a string's UTF-8 (lm-eval's `hash_string`).
    static func sha256(_ s: String) -> String { SHA256.hex(Array(s.utf8)) }
}
