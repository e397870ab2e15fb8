import Columnar
import Foundation

/// The expected rows make_fixtures.py wrote: JSON read by hand so that object keys keep their
/// order (struct fields), integers stay integers, and the script's conventions map back to
/// ``ColumnValue`` (`{"__bytes__": hex}` is bytes; NaN and Infinity are doubles).
struct ExpectedRows {
    var columns: [String]
    var batches: [Int]
    var metadata: [String: String]
    var rows: [[ColumnValue]]

    init(path: String) throws {
        let text = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var parser = Parser(bytes: text)
        guard case let .record(top) = try parser.value() else { throw Parser.Failure(at: 0) }
        let fields = Dictionary(top, uniquingKeysWith: { a, _ in a })
        guard case let .list(names)? = fields["columns"], case let .list(counts)? = fields["batches"],
              case let .record(meta)? = fields["metadata"], case let .list(rowValues)? = fields["rows"] else { throw Parser.Failure(at: 0) }
        columns = names.compactMap { if case let .string(name) = $0 { name } else { nil } }
        batches = counts.compactMap { if case let .int(count) = $0 { Int(count) } else { nil } }
        metadata = Dictionary(meta.compactMap { key, value in if case let .string(text) = value { (key, text) } else { nil } },
                              uniquingKeysWith: { a, _ in a })
        rows = rowValues.map { row in
            guard case let .record(values) = row else { return [] }
            return values.map(\.1)
        }
    }

    private struct Parser {
        struct Failure: Error { var at: Int }
        let bytes: [UInt8]
        var at = 0

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[at]) { at += 1 }
        }

        mutating func literal(_ word: String) -> Bool {
            let scalars = Array(word.utf8)
            guard bytes.count - at >= scalars.count, Array(bytes[at ..< at + scalars.count]) == scalars else { return false }
            at += scalars.count
            return true
        }

        mutating func value() throws -> ColumnValue {
            skipSpace()
            guard at < bytes.count else { throw Failure(at: at) }
            switch bytes[at] {
            case UInt8(ascii: "{"):
                at += 1
                var fields: [(String, ColumnValue)] = []
                skipSpace()
                if bytes[at] == UInt8(ascii: "}") { at += 1; return .record([]) }
                while true {
                    skipSpace()
                    guard case let .string(key) = try value() else { throw Failure(at: at) }
                    skipSpace()
                    guard bytes[at] == UInt8(ascii: ":") else { throw Failure(at: at) }
                    at += 1
                    fields.append((key, try value()))
                    skipSpace()
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    guard bytes[at] == UInt8(ascii: "}") else { throw Failure(at: at) }
                    at += 1
                    break
                }
                if fields.count == 1, fields[0].0 == "__bytes__", case let .string(hex) = fields[0].1 {
                    let digits = Array(hex.utf8)
                    return .bytes(stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0 ..< $0 + 2], as: UTF8.self), radix: 16)! })
                }
                return .record(fields)
            case UInt8(ascii: "["):
                at += 1
                var items: [ColumnValue] = []
                skipSpace()
                if bytes[at] == UInt8(ascii: "]") { at += 1; return .list([]) }
                while true {
                    items.append(try value())
                    skipSpace()
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    guard bytes[at] == UInt8(ascii: "]") else { throw Failure(at: at) }
                    at += 1
                    return .list(items)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            default:
                if literal("null") { return .null }
                if literal("true") { return .bool(true) }
                if literal("false") { return .bool(false) }
                if literal("NaN") { return .double(.nan) }
                if literal("Infinity") { return .double(.infinity) }
                if literal("-Infinity") { return .double(-.infinity) }
                let start = at
                while at < bytes.count, "+-0123456789.eE".utf8.contains(bytes[at]) { at += 1 }
                let text = String(decoding: bytes[start ..< at], as: UTF8.self)
                if !text.contains(where: { ".eE".contains($0) }) {
                    if let int = Int64(text) { return .int(int) }
                    if let uint = UInt64(text) { return .uint(uint) }
                }
                guard let double = Double(text) else { throw Failure(at: start) }
                return .double(double)
            }
        }

        mutating func string() throws -> String {
            at += 1
            var out: [UInt8] = []
            while at < bytes.count, bytes[at] != UInt8(ascii: "\"") {
                if bytes[at] == UInt8(ascii: "\\") {
                    at += 1
                    let escape = bytes[at]
                    at += 1
                    switch escape {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        var code = UInt32(String(decoding: bytes[at ..< at + 4], as: UTF8.self), radix: 16)!
                        at += 4
                        if code >= 0xD800, code < 0xDC00, bytes[at] == UInt8(ascii: "\\") {
                            let low = UInt32(String(decoding: bytes[at + 2 ..< at + 6], as: UTF8.self), radix: 16)!
                            at += 6
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        out.append(contentsOf: Array(String(Character(Unicode.Scalar(code)!)).utf8))
                    default: out.append(escape)
                    }
                } else {
                    out.append(bytes[at])
                    at += 1
                }
            }
            at += 1
            return String(decoding: out, as: UTF8.self)
        }
    }
}
