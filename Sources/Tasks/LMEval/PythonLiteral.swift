import Foundation
import Models

/// Python's `ast.literal_eval` for the literals lm-eval reads back from rendered templates
/// (`doc_to_choice: "{{choices.text}}"` renders a list's `repr`, which lm-eval evaluates):
/// strings (quoted either way, with escapes, `r`/`u`/`b` prefixes and implicit
/// concatenation), integers, floats, `True`, `False`, `None`, lists, tuples, sets, dicts, and
/// a leading `-` or `+` on numbers.
///
/// Anything else (names, calls, operators) is an error, as `literal_eval` raises.
enum PythonLiteral {
    struct Failure: Error, Equatable {
        var message: String
    }

    static func evaluate(_ text: String) throws(Failure) -> TemplateValue {
        var parser = Parser(scalars: Array(text.unicodeScalars))
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.i == parser.scalars.count else { throw Failure(message: "unexpected text after the literal") }
        return value
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var i = 0

        func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < scalars.count ? scalars[i + offset] : nil }

        mutating func skipSpace() {
            while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" { i += 1 }
        }

        mutating func value(depth: Int) throws(Failure) -> TemplateValue {
            guard depth < 200 else { throw Failure(message: "nested too deeply") }
            guard let c = peek() else { throw Failure(message: "expected a literal, found the end") }
            switch c {
            case "[": return .array(try sequence(close: "]", depth: depth).items)
            case "(":
                // `(x)` is x itself; `(x,)` and `(x, y)` are tuples, read as lists.
                let (items, sawComma) = try sequence(close: ")", depth: depth)
                return items.count == 1 && !sawComma ? items[0] : .array(items)
            case "{": return try dictOrSet(depth: depth)
            case "'", "\"": return .string(try strings())
            case "-", "+":
                i += 1
                skipSpace()
                let v = try value(depth: depth + 1)
                switch v {
                case .int(let n): return c == "-" ? (n == .min ? .double(-Double(n)) : .int(-n)) : .int(n)
                case .double(let d): return .double(c == "-" ? -d : d)
                default: throw Failure(message: "'\(c)' applies to numbers only")
                }
            default:
                if c.properties.isAlphabetic || c == "_" {
                    let start = i
                    while let d = peek(), d.properties.isAlphabetic || d == "_" || ("0"..."9").contains(d) { i += 1 }
                    let word = String(String.UnicodeScalarView(scalars[start..<i]))
                    if let q = peek(), q == "'" || q == "\"", ["r", "u", "b", "R", "U", "B", "br", "rb", "Br", "bR", "BR", "Rb", "rB", "RB"].contains(word) {
                        i = start
                        return .string(try strings())
                    }
                    switch word {
                    case "True": return .bool(true)
                    case "False": return .bool(false)
                    case "None": return .none
                    default: throw Failure(message: "'\(word)' is not a literal")
                    }
                }
                return try number()
            }
        }

        mutating func sequence(close: Unicode.Scalar, depth: Int) throws(Failure) -> (items: [TemplateValue], sawComma: Bool) {
            i += 1
            var items: [TemplateValue] = []
            var sawComma = false
            while true {
                skipSpace()
                if peek() == close {
                    i += 1
                    return (items, sawComma)
                }
                items.append(try value(depth: depth + 1))
                skipSpace()
                if peek() == "," { i += 1; sawComma = true; continue }
                guard peek() == close else { throw Failure(message: "expected ',' or '\(close)'") }
            }
        }

        mutating func dictOrSet(depth: Int) throws(Failure) -> TemplateValue {
            i += 1
            var pairs: [(String, TemplateValue)] = []
            var set: [TemplateValue] = []
            var isSet: Bool?
            while true {
                skipSpace()
                if peek() == "}" { i += 1; return isSet == true ? .array(set) : .object(pairs) }
                let key = try value(depth: depth + 1)
                skipSpace()
                if peek() == ":" {
                    guard isSet != true else { throw Failure(message: "a set cannot hold 'key: value' pairs") }
                    isSet = false
                    i += 1
                    skipSpace()
                    let v = try value(depth: depth + 1)
                    let name = key.text
                    if let at = pairs.firstIndex(where: { $0.0 == name }) { pairs[at].1 = v } else { pairs.append((name, v)) }
                } else {
                    guard isSet != false else { throw Failure(message: "expected ':' in a dict") }
                    isSet = true
                    set.append(key)
                }
                skipSpace()
                if peek() == "," { i += 1; continue }
                guard peek() == "}" else { throw Failure(message: "expected ',' or '}'") }
            }
        }

        /// One or more adjacent string literals, concatenated.
        mutating func strings() throws(Failure) -> String {
            var out = ""
            repeat {
                out += try string()
                skipSpace()
            } while peek() == "'" || peek() == "\"" || (peek().map { "rRuUbB".unicodeScalars.contains($0) } == true && (peek(1) == "'" || peek(1) == "\""))
            return out
        }

        mutating func string() throws(Failure) -> String {
            var raw = false
            while let c = peek(), "rRuUbB".unicodeScalars.contains(c) {
                if c == "r" || c == "R" { raw = true }
                i += 1
            }
            guard let quote = peek() else { throw Failure(message: "unterminated string") }
            let triple = peek(1) == quote && peek(2) == quote
            i += triple ? 3 : 1
            var out = String.UnicodeScalarView()
            while true {
                guard let c = peek() else { throw Failure(message: "unterminated string") }
                if c == quote && (!triple || (peek(1) == quote && peek(2) == quote)) {
                    i += triple ? 3 : 1
                    return String(out)
                }
                if !triple && c == "\n" { throw Failure(message: "unterminated string") }
                if c == "\\" {
                    guard let e = peek(1) else { throw Failure(message: "unterminated string") }
                    if raw { out.append(c); out.append(e); i += 2; continue }
                    i += 2
                    switch e {
                    case "\n": break
                    case "\\": out.append("\\")
                    case "'": out.append("'")
                    case "\"": out.append("\"")
                    case "a": out.append("\u{07}")
                    case "b": out.append("\u{08}")
                    case "f": out.append("\u{0C}")
                    case "n": out.append("\n")
                    case "r": out.append("\r")
                    case "t": out.append("\t")
                    case "v": out.append("\u{0B}")
                    case "x": out.append(try hex(2))
                    case "u": out.append(try hex(4))
                    case "U": out.append(try hex(8))
                    case "0"..."7":
                        var v = e.value - 48
                        var n = 1
                        while n < 3, let d = peek(), ("0"..."7").contains(d) { v = v * 8 + d.value - 48; i += 1; n += 1 }
                        guard let s = Unicode.Scalar(v) else { throw Failure(message: "invalid octal escape") }
                        out.append(s)
                    default:
                        // Python keeps an unknown escape as written.
                        out.append("\\"); out.append(e)
                    }
                    continue
                }
                out.append(c)
                i += 1
            }
        }

        mutating func hex(_ count: Int) throws(Failure) -> Unicode.Scalar {
            var v: UInt32 = 0
            for _ in 0..<count {
                guard let c = peek(), let d = c.properties.numericType != nil ? UInt32(String(c)) : hexLetter(c) else {
                    throw Failure(message: "truncated \\x, \\u or \\U escape")
                }
                v = v * 16 + d
                i += 1
            }
            guard let s = Unicode.Scalar(v) else { throw Failure(message: "escape out of range") }
            return s
        }

        func hexLetter(_ c: Unicode.Scalar) -> UInt32? {
            switch c {
            case "a"..."f": return c.value - 97 + 10
            case "A"..."F": return c.value - 65 + 10
            default: return nil
            }
        }

        mutating func number() throws(Failure) -> TemplateValue {
            let start = i
            while let c = peek(), ("0"..."9").contains(c) || c == "." || c == "_" || c == "e" || c == "E" || c == "x" || c == "X"
                    || c == "o" || c == "O" || ("a"..."f").contains(c) || ("A"..."F").contains(c)
                    || ((c == "+" || c == "-") && i > start && (scalars[i - 1] == "e" || scalars[i - 1] == "E")) {
                i += 1
            }
            let text = String(String.UnicodeScalarView(scalars[start..<i])).replacingOccurrences(of: "_", with: "")
            guard !text.isEmpty else { throw Failure(message: "expected a literal") }
            let lower = text.lowercased()
            if lower.hasPrefix("0x"), let v = Int(lower.dropFirst(2), radix: 16) { return .int(v) }
            if lower.hasPrefix("0o"), let v = Int(lower.dropFirst(2), radix: 8) { return .int(v) }
            if lower.hasPrefix("0b"), let v = Int(lower.dropFirst(2), radix: 2) { return .int(v) }
            if !lower.contains("."), !lower.contains("e"), let v = Int(lower) { return .int(v) }
            if let d = Double(lower), lower.first != "." || lower.count > 1 { return .double(d) }
            throw Failure(message: "'\(text)' is not a number")
        }
    }
}
