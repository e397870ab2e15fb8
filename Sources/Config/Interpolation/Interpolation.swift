/// OmegaConf's `${...}` syntax inside string values: what counts as an interpolation and
/// how a string splits into literal text and `${...}` expressions.
public enum Interpolation {
    /// OmegaConf treats any string containing `${` as an interpolation (escaped ones included;
    /// resolving `\${x}` gives the literal `${x}`).
    public static func containsInterpolation(_ s: String) -> Bool {
        var previousDollar = false
        for byte in s.utf8 {
            if previousDollar && byte == UInt8(ascii: "{") { return true }
            previousDollar = byte == UInt8(ascii: "$")
        }
        return false
    }

    /// A piece of an interpolated string.
    enum Segment: Equatable {
        case text(String)
        case expression(String)
    }

    /// Splits `a_${b}_\${c}` into text and expressions; `\${` is an escaped literal `${`, and
    /// `\\${` is a backslash followed by an expression.
    static func segments(_ s: String) throws(InterpolationSyntaxError) -> [Segment] {
        let chars = Array(s.unicodeScalars)
        var result: [Segment] = []
        var text = String.UnicodeScalarView()
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                var j = i
                while j < chars.count, chars[j] == "\\" { j += 1 }
                let run = j - i
                if j + 1 < chars.count, chars[j] == "$", chars[j + 1] == "{" {
                    // One scalar at a time: append(contentsOf:) is generic, and its first use costs start-up.
                    for _ in 0..<run / 2 { text.append("\\") }
                    if run % 2 == 1 {
                        text.append("$"); text.append("{")
                        i = j + 2
                        continue
                    }
                    i = j
                    continue
                }
                for scalar in chars[i..<j] { text.append(scalar) }
                i = j
                continue
            }
            if c == "$", i + 1 < chars.count, chars[i + 1] == "{" {
                let end = try matchingBrace(chars, openAt: i + 1)
                if !text.isEmpty { result.append(.text(String(text))); text = String.UnicodeScalarView() }
                var expression = ""
                for scalar in chars[(i + 2)..<end] { expression.unicodeScalars.append(scalar) }
                result.append(.expression(expression))
                i = end + 1
                continue
            }
            text.append(c)
            i += 1
        }
        if !text.isEmpty { result.append(.text(String(text))) }
        return result
    }

    /// The index of the `}` closing the `{` at `openAt`, skipping nested braces and quotes.
    static func matchingBrace(_ chars: [Unicode.Scalar], openAt: Int) throws(InterpolationSyntaxError) -> Int {
        var depth = 0
        var quote: Unicode.Scalar?
        var i = openAt
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\" { i += 2; continue }
                if c == q { quote = nil }
            } else if c == "\\" {
                i += 2
                continue
            } else if (c == "'" || c == "\"") && depth >= 1 && i > openAt + 1 && isInsideArguments(chars, from: openAt + 1, to: i) {
                quote = c
            } else if c == "{" {
                depth += 1
            } else if c == "}" {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        throw InterpolationSyntaxError(message: "unterminated '${' (missing '}')")
    }

    /// Quotes matter only inside resolver arguments (after `name:`).
    private static func isInsideArguments(_ chars: [Unicode.Scalar], from: Int, to: Int) -> Bool {
        chars[from..<to].contains(":")
    }

    /// Splits resolver arguments at top-level commas (outside quotes, brackets and `${}`),
    /// keeping `\,` escapes for the element parser.
    static func splitArguments(_ s: String) -> [String] {
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var depth = 0
        var quote: Unicode.Scalar?
        var iterator = Array(s.unicodeScalars).makeIterator()
        while let c = iterator.next() {
            if let q = quote {
                current.append(c)
                if c == "\\", let n = iterator.next() { current.append(n); continue }
                if c == q { quote = nil }
                continue
            }
            switch c {
            case "\\":
                current.append(c)
                if let n = iterator.next() { current.append(n) }
            case "'", "\"":
                quote = c
                current.append(c)
            case "{", "[", "(":
                depth += 1
                current.append(c)
            case "}", "]", ")":
                depth -= 1
                current.append(c)
            case "," where depth == 0:
                parts.append(String(current))
                current = String.UnicodeScalarView()
            default:
                current.append(c)
            }
        }
        parts.append(String(current))
        return parts
    }
}

struct InterpolationSyntaxError: Error {
    var message: String
}
