import Models

/// Reads JSON as Python's `json` module does, into ``Models/TemplateValue``: objects keep
/// their key order, integers stay integers (a number with a fraction or exponent is a float),
/// and the values are what lm-eval's Jinja templates and `doc_to_*` functions see.
///
/// The reader is strict (RFC 8259, plus Python's `NaN`, `Infinity` and `-Infinity`), never
/// traps on any input, and reports the offset of the first error.
struct PythonJSON {
    struct Failure: Error, Equatable {
        var message: String
        /// 0-based offset in UTF-8 bytes.
        var offset: Int
    }

    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0

    /// Parses one JSON value filling the whole text (surrounding whitespace allowed).
    static func parse(_ text: Substring) throws(Failure) -> TemplateValue {
        var reader = PythonJSON(bytes: Array(text.utf8))
        reader.skipSpace()
        let value = try reader.value()
        reader.skipSpace()
        guard reader.i == reader.bytes.count else { throw Failure(message: "extra data after the value", offset: reader.i) }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private func fail(_ message: String) -> Failure { Failure(message: message, offset: i) }

    private mutating func value() throws(Failure) -> TemplateValue {
        guard i < bytes.count else { throw fail("expecting a value, found the end") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .none
        case UInt8(ascii: "N"): try literal("NaN"); return .double(.nan)
        case UInt8(ascii: "I"): try literal("Infinity"); return .double(.infinity)
        default: return try number()
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("expecting a value") }
        i += w.count
    }

    private mutating func nested<T>(_ body: (inout PythonJSON) throws(Failure) -> T) throws(Failure) -> T {
        depth += 1
        guard depth <= 512 else { throw fail("nested too deeply") }
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func object() throws(Failure) -> TemplateValue {
        try nested { (r: inout PythonJSON) throws(Failure) -> TemplateValue in
            r.i += 1
            var pairs: [(String, TemplateValue)] = []
            r.skipSpace()
            if r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: "}") { r.i += 1; return .object(pairs) }
            while true {
                r.skipSpace()
                guard r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: "\"") else { throw r.fail("expecting a property name in double quotes") }
                let key = try r.string()
                r.skipSpace()
                guard r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: ":") else { throw r.fail("expecting ':' after a property name") }
                r.i += 1
                r.skipSpace()
                let value = try r.value()
                // Python keeps the last value of a repeated key, in the first key's place.
                if let existing = pairs.firstIndex(where: { $0.0 == key }) { pairs[existing].1 = value } else { pairs.append((key, value)) }
                r.skipSpace()
                guard r.i < r.bytes.count else { throw r.fail("expecting ',' or '}', found the end") }
                if r.bytes[r.i] == UInt8(ascii: ",") { r.i += 1; continue }
                if r.bytes[r.i] == UInt8(ascii: "}") { r.i += 1; return .object(pairs) }
                throw r.fail("expecting ',' or '}'")
            }
        }
    }

    private mutating func array() throws(Failure) -> TemplateValue {
        try nested { (r: inout PythonJSON) throws(Failure) -> TemplateValue in
            r.i += 1
            var items: [TemplateValue] = []
            r.skipSpace()
            if r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: "]") { r.i += 1; return .array(items) }
            while true {
                r.skipSpace()
                items.append(try r.value())
                r.skipSpace()
                guard r.i < r.bytes.count else { throw r.fail("expecting ',' or ']', found the end") }
                if r.bytes[r.i] == UInt8(ascii: ",") { r.i += 1; continue }
                if r.bytes[r.i] == UInt8(ascii: "]") { r.i += 1; return .array(items) }
                throw r.fail("expecting ',' or ']'")
            }
        }
    }

    private mutating func string() throws(Failure) -> String {
        i += 1
        var out: [UInt8] = []
        var scalars = String.UnicodeScalarView()
        func flush() {
            if !out.isEmpty { scalars.append(contentsOf: String(decoding: out, as: UTF8.self).unicodeScalars); out.removeAll() }
        }
        while true {
            guard i < bytes.count else { throw fail("unterminated string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            if b < 0x20 { throw fail("invalid control character in a string") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw fail("unterminated string") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    let save = i
                    i += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) { code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) } else { i = save }
                }
                flush()
                // A lone surrogate cannot be a Swift character; Python would keep it. U+FFFD marks it.
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default:
                i -= 1
                throw fail("invalid \\escape")
            }
        }
        flush()
        return String(scalars)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    private mutating func number() throws(Failure) -> TemplateValue {
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "I") { try literal("Infinity"); return .double(-.infinity) }
        }
        guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { i = start; throw fail("expecting a value") }
        if bytes[i] == 0x30 { i += 1 } else { while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 } }
        var isFloat = false
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isFloat = true
            i += 1
            guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { throw fail("expecting digits after '.'") }
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isFloat = true
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { throw fail("expecting digits in the exponent") }
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if !isFloat, let int = Int(text) { return .int(int) }
        // Python keeps big integers exact; here they become floats (a documented difference).
        guard let double = Double(text) else { throw fail("invalid number") }
        return .double(double)
    }
}
