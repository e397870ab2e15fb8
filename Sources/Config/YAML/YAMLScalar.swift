/// Implicit typing of plain YAML scalars, as OmegaConf's loader does it.
///
/// OmegaConf loads YAML with PyYAML's YAML 1.1 rules (so `yes`, `on` and `Off` are booleans,
/// `0x1f` and `0o17`-style octal `017` are integers, `1_000` is an integer) with two changes:
/// floats need no dot (`1e-3` is a float) and timestamps stay strings.
enum YAMLScalar {
    static func resolvePlain(_ text: String) -> ConfigValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .bool(true)
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
        default: break
        }
        if let int = parseInt(text) { return int }
        if let double = parseFloat(text) { return .double(double) }
        return .string(text)
    }

    /// YAML 1.1 integers: decimal, `0b`, `0x`, leading-zero octal, sexagesimal `1:30`, with `_`.
    /// Any size, as Python's ints: `.int`, or `.bigInt` beyond 64 bits.
    static func parseInt(_ text: String) -> ConfigValue? {
        var s = Substring(text)
        var negative = false
        if let first = s.first, first == "-" || first == "+" {
            negative = first == "-"
            s = s.dropFirst()
        }
        guard let first = s.first, first.isASCII, first.isNumber else { return nil }
        if s.hasPrefix("0b") {
            let digits = s.dropFirst(2)
            guard !digits.isEmpty, digits.allSatisfy({ $0 == "0" || $0 == "1" || $0 == "_" }) else { return nil }
            return .integer(digits: digits.filter { $0 != "_" }, radix: 2, negative: negative)
        } else if s.hasPrefix("0x") {
            let digits = s.dropFirst(2)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isHexDigit || $0 == "_" }) else { return nil }
            return .integer(digits: digits.filter { $0 != "_" }, radix: 16, negative: negative)
        } else if s == "0" {
            return .int(0)
        } else if s.first == "0" {
            guard s.allSatisfy({ ("0"..."7").contains($0) || $0 == "_" }) else { return nil }
            return .integer(digits: s.filter { $0 != "_" }, radix: 8, negative: negative)
        } else if s.contains(":") {
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2, isDecimalDigits(parts[0], underscores: true) else { return nil }
            var total = Array(parts[0].filter { $0 != "_" }.utf8.map { $0 - 48 })
            for part in parts.dropFirst() {
                guard (1...2).contains(part.count), isDecimalDigits(part, underscores: false),
                      let v = Int(part), v < 60 else { return nil }
                total = BigDecimal.multiplyAdd(total, by: 60, adding: v)
            }
            return .integer(decimalDigits: total, negative: negative)
        } else {
            guard isDecimalDigits(s, underscores: true) else { return nil }
            return .integer(digits: s.filter { $0 != "_" }, negative: negative)
        }
    }

    /// OmegaConf's float rule: `1.5`, `1.`, `.5`, `1e3`, `1.5e-3`, `.inf`, `-.inf`, `.nan`.
    static func parseFloat(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        var s = Substring(text)
        var sign = ""
        if let first = s.first, first == "-" || first == "+" {
            sign = first == "-" ? "-" : ""
            s = s.dropFirst()
        }
        // mantissa [exponent]
        var mantissa = s
        var exponent: Substring = ""
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = s[..<e]
            exponent = s[s.index(after: e)...]
            var digits = exponent
            if let f = digits.first, f == "+" || f == "-" { digits = digits.dropFirst() }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        let hasDot = mantissa.contains(".")
        if hasDot {
            let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let whole = parts[0], fraction = parts[1]
            if whole.isEmpty {
                // `.5` form: digits required; a signed `.5` is not a float for PyYAML+OmegaConf.
                guard sign.isEmpty, s.first == ".", !fraction.isEmpty, fraction.first!.isNumber,
                      isDecimalDigits(fraction, underscores: true) else { return nil }
                if !exponent.isEmpty, !(exponent.first == "+" || exponent.first == "-") { return nil }
            } else {
                guard whole.first!.isNumber, isDecimalDigits(whole, underscores: true),
                      fraction.isEmpty || isDecimalDigits(fraction, underscores: true) else { return nil }
            }
        } else {
            guard !exponent.isEmpty, let f = mantissa.first, f.isNumber,
                  isDecimalDigits(mantissa, underscores: true) else { return nil }
        }
        var digits = String(mantissa.filter { $0 != "_" })
        if digits.hasSuffix(".") { digits += "0" }
        if digits.hasPrefix(".") { digits = "0" + digits }
        return Double(sign + digits + (exponent.isEmpty ? "" : "e" + exponent))
    }

    private static func isDecimalDigits(_ s: Substring, underscores: Bool) -> Bool {
        !s.isEmpty && s.allSatisfy { ($0.isASCII && $0.isNumber) || (underscores && $0 == "_") }
    }
}

