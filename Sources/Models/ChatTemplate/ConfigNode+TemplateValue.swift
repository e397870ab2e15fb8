import Config

extension ConfigNode {
    /// The value as a template (and Python) sees it: mappings keep their key order.
    public var templateValue: TemplateValue {
        switch value {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        // Beyond 64 bits: its digits, so a template prints it as Python would.
        case .bigInt(let digits): return .string(digits)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .sequence(let items): return .array(items.map(\.templateValue))
        case .mapping(let m): return .object(m.map { ($0.key, $0.value.templateValue) })
        }
    }
}
