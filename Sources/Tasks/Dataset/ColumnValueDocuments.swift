import Columnar
import Models

extension ColumnValue {
    /// The value as a document field, as `datasets` hands it to lm-eval: ints, floats, text,
    /// lists and dicts; bytes as Python's `b'...'` text (a template renders them that way).
    var templateValue: TemplateValue {
        switch self {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int(i))
        case .uint(let u): return .double(Double(u))
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .bytes(let b): return .string(Self.pythonBytes(b))
        case .list(let items): return .array(items.map(\.templateValue))
        case .record(let fields): return .object(fields.map { ($0.0, $0.1.templateValue) })
        }
    }

    /// Python's `repr(bytes)`: printable ASCII as is, `\\`, `\'`, `\t`, `\n`, `\r`, else `\xNN`.
    static func pythonBytes(_ bytes: [UInt8]) -> String {
        var text = "b'"
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): text += "\\\\"
            case UInt8(ascii: "'"): text += "\\'"
            case 9: text += "\\t"
            case 10: text += "\\n"
            case 13: text += "\\r"
            case 32..<127: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789abcdef")
                text += "\\x\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
            }
        }
        return text + "'"
    }
}

extension ColumnValue {
    /// The value as a JSON record field (the standard tasks' records): bytes as Python's text.
    var jsonValue: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int(i))
        case .uint(let u): return .double(Double(u))
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .bytes(let b): return .string(Self.pythonBytes(b))
        case .list(let items): return .array(items.map(\.jsonValue))
        case .record(let fields): return .object(Dictionary(fields.map { ($0.0, $0.1.jsonValue) }, uniquingKeysWith: { _, last in last }))
        }
    }
}
