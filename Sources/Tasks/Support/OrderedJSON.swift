import Models

/// JSON whose object keys keep the order they were written in, for files people read
/// (`results.json`, `samples.jsonl`): the id first, the details last.
public indirect enum OrderedJSON: Sendable, Equatable {
    case value(JSONValue)
    case object([(String, OrderedJSON)])
    case array([OrderedJSON])

    public static func == (a: OrderedJSON, b: OrderedJSON) -> Bool { a.compact == b.compact }

    public static func string(_ s: String) -> OrderedJSON { .value(.string(s)) }
    public static func int(_ i: Int) -> OrderedJSON { .value(.int(i)) }
    public static func double(_ d: Double) -> OrderedJSON { .value(.double(d)) }
    public static func bool(_ b: Bool) -> OrderedJSON { .value(.bool(b)) }
    public static let null = OrderedJSON.value(.null)

    public static func optional(_ s: String?) -> OrderedJSON { s.map(OrderedJSON.string) ?? .null }
    public static func optional(_ d: Double?) -> OrderedJSON { d.map(OrderedJSON.double) ?? .null }
    public static func optional(_ i: Int?) -> OrderedJSON { i.map(OrderedJSON.int) ?? .null }

    /// One line, no spaces: a `samples.jsonl` record.
    public var compact: String {
        var out = ""
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Two-space indentation, one key per line: `results.json`.
    public var pretty: String {
        var out = ""
        write(to: &out, indent: "  ", level: 0)
        return out + "\n"
    }

    private func write(to out: inout String, indent: String?, level: Int) {
        let newline = indent.map { "\n" + String(repeating: $0, count: level + 1) }
        let close = indent.map { "\n" + String(repeating: $0, count: level) } ?? ""
        switch self {
        case .value(let v):
            if case .double(let d) = v, d.isFinite {
                out += Self.number(d)
            } else {
                out += v.canonicalString
            }
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            // Short arrays of scalars stay on one line, as people write them.
            let flat = indent != nil && items.allSatisfy { if case .value = $0 { return true } else { return false } } && items.count <= 16
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += flat ? ", " : "," }
                if !flat, let newline { out += newline }
                item.write(to: &out, indent: indent, level: level + 1)
            }
            out += flat ? "]" : close + "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, item)) in pairs.enumerated() {
                if i > 0 { out += "," }
                if let newline { out += newline }
                out += JSONValue.string(key).canonicalString
                out += indent == nil ? ":" : ": "
                item.write(to: &out, indent: indent, level: level + 1)
            }
            out += close + "}"
        }
    }

    /// Shortest round-trip form, with integers written without a fraction (0.5, 1, 1e-07).
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return String(d)
    }
}
