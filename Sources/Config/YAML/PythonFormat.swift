/// Python's text rules that OmegaConf's output depends on: `repr(float)`, `str()` of values in
/// string interpolation, and whether `int()`/`float()` would accept a string.
public enum PythonFormat {
    /// PyYAML's float representation: `.inf`, `-.inf`, `.nan`, else `repr()` lower-cased with
    /// `.0` added before a bare exponent (`1e-05` becomes `1.0e-05`).
    static func yamlFloat(_ d: Double) -> String {
        if d.isNaN { return ".nan" }
        if d == .infinity { return ".inf" }
        if d == -.infinity { return "-.inf" }
        var r = repr(d).lowercased()
        if !r.contains("."), let e = r.firstIndex(of: "e") {
            r.replaceSubrange(e...e, with: ".0e")
        }
        return r
    }

    /// Python's `repr(float)`: shortest round-trip digits, scientific when the decimal
    /// exponent is below -4 or above 15.
    public static func repr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        let (negative, digits, decpt) = shortestDigits(d)
        var s = negative ? "-" : ""
        if decpt <= -4 || decpt > 16 {
            s += String(digits.first!)
            if digits.count > 1 { s += "." + digits.dropFirst() }
            let exp = decpt - 1
            let expDigits = String(abs(exp))
            s += "e" + (exp < 0 ? "-" : "+") + (expDigits.count < 2 ? "0" + expDigits : expDigits)
        } else if decpt <= 0 {
            s += "0." + String(repeating: "0", count: -decpt) + digits
        } else if decpt >= digits.count {
            s += digits + String(repeating: "0", count: decpt - digits.count) + ".0"
        } else {
            let i = digits.index(digits.startIndex, offsetBy: decpt)
            s += digits[..<i] + "." + digits[i...]
        }
        return s
    }

    /// Python's `str()` of a value as it appears inside an interpolated string.
    public static func str(_ value: ConfigValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .bigInt(let digits): return digits
        case .double(let d): return repr(d)
        case .string(let s): return s
        case .mapping, .sequence: return reprContainer(value)
        }
    }

    /// Python's `repr()` of a dict or list, as `str()` shows a container: `{'a': 1, 'b': [True, None]}`.
    static func reprContainer(_ value: ConfigValue) -> String {
        switch value {
        case .mapping(let m): return "{" + m.map { "'\($0.key)': " + reprContainer($0.value.value) }.joined(separator: ", ") + "}"
        case .sequence(let s): return "[" + s.map { reprContainer($0.value) }.joined(separator: ", ") + "]"
        case .string(let s): return "'" + s.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'") + "'"
        default: return str(value)
        }
    }

    /// Digits and decimal-point position of the shortest representation that round-trips
    /// (value = 0.DIGITS x 10^decpt), taken from Swift's own shortest formatting.
    private static func shortestDigits(_ d: Double) -> (Bool, String, Int) {
        let text = abs(d).description  // e.g. "1e-05", "123.45", "1.5e+300"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var whole = mantissa, fraction: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            whole = mantissa[..<dot]
            fraction = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(whole)
        digits += String(fraction)  // String + Substring is generic: its first use costs start-up
        var decpt = whole.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); decpt -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (d < 0, digits, decpt)
    }

    static let yamlBoolWords: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
        "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ]

    /// OmegaConf's dumper single-quotes strings that look like a YAML bool or that Python's
    /// `int()` or `float()` would accept.
    static func omegaConfWouldQuote(_ s: String) -> Bool {
        // Fast exit: numbers start (after spaces) with a digit, sign, dot, or i/n of inf/nan.
        guard let first = s.utf8.first(where: { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }) else { return false }
        let maybeNumber = (first >= 48 && first <= 57) || first == 43 || first == 45 || first == 46
            || first == 105 || first == 73 || first == 110 || first == 78 || first > 127
        return yamlBoolWords.contains(s) || (maybeNumber && (pythonAcceptsInt(s) || pythonAcceptsFloat(s)))
    }

    private static func stripPython(_ s: String) -> Substring {
        var t = Substring(s)
        while let f = t.first, f.isWhitespace { t = t.dropFirst() }
        while let l = t.last, l.isWhitespace { t = t.dropLast() }
        return t
    }

    /// Digits with single underscores between them (Python's numeric literal rule).
    private static func isDigitRun(_ s: Substring) -> Bool {
        guard let f = s.first, let l = s.last, f.isASCII, f.isNumber, l.isASCII, l.isNumber else { return false }
        var previousUnderscore = false
        for c in s {
            if c == "_" {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if c.isASCII && c.isNumber {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }

    static func pythonAcceptsInt(_ s: String) -> Bool {
        var t = stripPython(s)
        if let f = t.first, f == "+" || f == "-" { t = t.dropFirst() }
        return isDigitRun(t)
    }

    static func pythonAcceptsFloat(_ s: String) -> Bool {
        var t = stripPython(s)
        if let f = t.first, f == "+" || f == "-" { t = t.dropFirst() }
        switch t.lowercased() {
        case "inf", "infinity", "nan": return true
        default: break
        }
        var mantissa = t
        if let e = t.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = t[..<e]
            var exp = t[t.index(after: e)...]
            if let f = exp.first, f == "+" || f == "-" { exp = exp.dropFirst() }
            guard isDigitRun(exp) else { return false }
        }
        if let dot = mantissa.firstIndex(of: ".") {
            let whole = mantissa[..<dot], fraction = mantissa[mantissa.index(after: dot)...]
            if whole.isEmpty && fraction.isEmpty { return false }
            return (whole.isEmpty || isDigitRun(whole)) && (fraction.isEmpty || isDigitRun(fraction))
        }
        return isDigitRun(mantissa)
    }
}

/// The implicit types of PyYAML's default resolver (YAML 1.1), which the dumper consults:
/// a string that would read back as anything else must be quoted.
enum DumpResolver {
    static func resolvesToNonString(_ s: String) -> Bool {
        switch s {
        case "", "~", "null", "Null", "NULL", "<<", "=", "!", "&", "*": return true
        case "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
             "on", "On", "ON", "off", "Off", "OFF": return true
        default: break
        }
        guard let first = s.utf8.first, (first >= 48 && first <= 57) || first == 43 || first == 45 || first == 46 else {
            return false
        }
        return YAMLScalar.parseInt(s) != nil || isPyYAMLFloat(s) || isTimestamp(s)
    }

    /// PyYAML's own float rule, which (unlike OmegaConf's) needs a dot: `1e5` is a string.
    static func isPyYAMLFloat(_ s: String) -> Bool {
        switch s {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
             ".nan", ".NaN", ".NAN": return true
        default: break
        }
        var t = Substring(s)
        if let f = t.first, f == "+" || f == "-" { t = t.dropFirst() }
        guard let dot = t.firstIndex(of: ".") else { return false }
        let whole = t[..<dot]
        var rest = t[t.index(after: dot)...]
        if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            var exp = rest[rest.index(after: e)...]
            guard let sign = exp.first, sign == "+" || sign == "-" else { return false }
            exp = exp.dropFirst()
            guard !exp.isEmpty, exp.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            rest = rest[..<e]
        }
        guard rest.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }) else { return false }
        if whole.isEmpty { return s.first == "." && !rest.isEmpty }
        if whole.contains(":") {
            return whole.split(separator: ":").allSatisfy { $0.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "_" } }
        }
        guard let f = whole.first, f.isASCII, f.isNumber else { return false }
        return whole.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "_" }
    }

    /// `2024-01-31` and `2024-1-31T10:00:00Z`-style timestamps (YAML 1.1).
    static func isTimestamp(_ s: String) -> Bool {
        let c = Array(s.utf8)
        var i = 0
        func digits(_ min: Int, _ max: Int) -> Bool {
            var n = 0
            while i < c.count, n < max, c[i] >= 48, c[i] <= 57 { i += 1; n += 1 }
            return n >= min
        }
        func char(_ x: Character) -> Bool {
            guard i < c.count, c[i] == x.asciiValue! else { return false }
            i += 1
            return true
        }
        guard digits(4, 4), char("-") else { return false }
        if c.count == 10, digits(2, 2), char("-"), digits(2, 2) { return i == c.count }
        i = 5
        guard digits(1, 2), char("-"), digits(1, 2) else { return false }
        if !(char("T") || char("t")) {
            guard i < c.count, c[i] == 32 || c[i] == 9 else { return false }
            while i < c.count, c[i] == 32 || c[i] == 9 { i += 1 }
        }
        return digits(1, 2) && char(":") && digits(2, 2) && char(":") && digits(2, 2)
    }
}

extension String {
    /// Replaces every occurrence of `target` (without Foundation).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        // On UTF-8 bytes, without _StringProcessing's generic searchers: this runs while
        // composing, where every generic type instantiated at run time costs start-up.
        let text = Array(utf8), pattern = Array(target.utf8)
        guard !pattern.isEmpty, text.count >= pattern.count else { return self }
        var result: [UInt8] = []
        var index = 0, copied = 0
        while index + pattern.count <= text.count {
            if text[index] == pattern[0] && text[index..<index + pattern.count].elementsEqual(pattern) {
                result += text[copied..<index]
                result += replacement.utf8
                index += pattern.count
                copied = index
            } else {
                index += 1
            }
        }
        if copied == 0 { return self }
        result += text[copied...]
        return String(decoding: result, as: UTF8.self)
    }

    /// Where `target` last occurs, as UTF-8 offsets; nil when it does not.
    public func lastUTF8Range(of target: String) -> Range<Int>? {
        let text = Array(utf8), pattern = Array(target.utf8)
        guard !pattern.isEmpty, text.count >= pattern.count else { return nil }
        var start = text.count - pattern.count
        while start >= 0 {
            if text[start..<start + pattern.count].elementsEqual(pattern) { return start..<start + pattern.count }
            start -= 1
        }
        return nil
    }
}

/// How a value reads when it is put into text (Python's `str()`, as OmegaConf does).
public enum ConfigValueText {
    public static func text(_ value: ConfigValue) -> String { PythonFormat.str(value) }
}
