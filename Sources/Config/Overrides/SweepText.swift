/// How Hydra's basic sweeper writes a swept value back as override text (its
/// `_get_value_element_as_str`), and the value a job gets from that text.
///
/// Each job receives `key=<text>` and parses it again, so a cast's type can be lost on the
/// way: `str(choice(1,2))` sweeps the strings `"1"` and `"2"`, whose text reads back as
/// the integers 1 and 2. We reproduce that rather than keep the cast type.
enum SweepText {
    /// Characters the override grammar needs escaped in an unquoted value.
    private static let special: Set<Character> = ["\\", "(", ")", "[", "]", "{", "}", ":", "=", ",", " ", "\t"]

    static func element(_ value: ConfigValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .bigInt(let digits): return digits
        case .double(let d): return PythonFormat.repr(d)
        case .string(let s): return escaped(s)
        case .sequence(let items): return "[" + items.map { element($0.value) }.joined(separator: ",") + "]"
        case .mapping(let m): return "{" + m.map { escaped($0.key) + ":" + element($0.value.value) }.joined(separator: ",") + "}"
        }
    }

    static func escaped(_ s: String) -> String {
        guard s.contains(where: special.contains) else { return s }
        var out = ""
        for c in s {
            if special.contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// The value a job parses from `text`; the text itself when it does not parse as one value.
    static func reparsed(_ text: String, input: String) -> ConfigNode {
        if case .element(let node, _)? = try? OverrideParser.parseValue(text, input: input) { return node }
        return ConfigNode(.string(text), location: .commandLine(input))
    }
}
