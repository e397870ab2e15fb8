import Columnar

/// Reads the fixtures' expected rows (JSON written by make_fixtures.py) into ColumnValues,
/// keeping object fields in order: `{"__bytes__": hex}` is bytes, numbers with a fraction or
/// exponent (and NaN, Infinity) are doubles, other numbers integers.
struct ExpectedRowsJSON {
    private let bytes: [UInt8]
    private var position = 0

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func parse(_ text: [UInt8]) throws -> ColumnValue {
        var parser = ExpectedRowsJSON(bytes: text)
        let value = try parser.value()
        parser.whitespace()
        guard parser.position == parser.bytes.count else { throw Failure(description: "trailing bytes at \(parser.position)") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func whitespace() {
        while position < bytes.count, [0x20, 0x0a, 0x0d, 0x09].contains(bytes[position]) { position += 1 }
    }

    private mutating func literal(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard bytes.count - position >= utf8.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else { return false }
        position += utf8.count
        return true
    }

    private mutating func value() throws -> ColumnValue {
        whitespace()
        guard position < bytes.count else { throw Failure(description: "ends early") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var fields: [(String, ColumnValue)] = []
            whitespace()
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .record([]) }
            while true {
                whitespace()
                let key = try string()
                whitespace()
                guard bytes[position] == UInt8(ascii: ":") else { throw Failure(description: "':' expected at \(position)") }
                position += 1
                fields.append((key, try value()))
                whitespace()
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                guard bytes[position] == UInt8(ascii: "}") else { throw Failure(description: "'}' expected at \(position)") }
                position += 1
                break
            }
            if fields.count == 1, fields[0].0 == "__bytes__", case .string(let hex) = fields[0].1 {
                var out: [UInt8] = []
                var chars = Array(hex.utf8)[...]
                while chars.count >= 2 {
                    out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
                    chars = chars.dropFirst(2)
                }
                return .bytes(out)
            }
            return .record(fields)
        case UInt8(ascii: "["):
            position += 1
            var items: [ColumnValue] = []
            whitespace()
            if bytes[position] == UInt8(ascii: "]") { position += 1; return .list([]) }
            while true {
                items.append(try value())
                whitespace()
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                guard bytes[position] == UInt8(ascii: "]") else { throw Failure(description: "']' expected at \(position)") }
                position += 1
                return .list(items)
            }
        case UInt8(ascii: "\""): return .string(try string())
        default:
            if literal("null") { return .null }
            if literal("true") { return .bool(true) }
            if literal("false") { return .bool(false) }
            if literal("NaN") { return .double(.nan) }
            if literal("Infinity") { return .double(.infinity) }
            if literal("-Infinity") { return .double(-.infinity) }
            let start = position
            while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if text.contains(where: { ".eE".contains($0) }) {
                guard let d = Double(text) else { throw Failure(description: "bad number \(text)") }
                return .double(d)
            }
            if let i = Int64(text) { return .int(i) }
            if let u = UInt64(text) { return .uint(u) }
            throw Failure(description: "bad number '\(text)' at \(start)")
        }
    }

    private mutating func string() throws -> String {
        guard bytes[position] == UInt8(ascii: "\"") else { throw Failure(description: "string expected at \(position)") }
        position += 1
        var out: [UInt8] = []
        while true {
            guard position < bytes.count else { throw Failure(description: "unterminated string") }
            let b = bytes[position]
            position += 1
            if b == UInt8(ascii: "\"") { break }
            if b != UInt8(ascii: "\\") { out.append(b); continue }
            let e = bytes[position]
            position += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "u"):
                var code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)!
                position += 4
                if (0xd800..<0xdc00).contains(code), bytes[position] == UInt8(ascii: "\\") {
                    let low = UInt32(String(decoding: bytes[(position + 2)..<(position + 6)], as: UTF8.self), radix: 16)!
                    position += 6
                    code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(code)!)).utf8))
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
