/// Python's `format % values` for the conversions task templates use (`%s`, `%d`, `%i`, `%r`,
/// `%%`), with a tuple (a list here) or a single value.
enum PythonPercentFormat {
    static func apply(_ format: String, _ values: TemplateValue) throws(ChatTemplateError) -> String {
        var arguments: [TemplateValue]
        if case .array(let items) = values { arguments = items } else { arguments = [values] }
        var out = ""
        var iterator = format.makeIterator()
        while let c = iterator.next() {
            guard c == "%" else { out.append(c); continue }
            guard let conversion = iterator.next() else { throw ChatTemplateError("incomplete format") }
            if conversion == "%" { out.append("%"); continue }
            guard !arguments.isEmpty else { throw ChatTemplateError("not enough arguments for format string") }
            let value = arguments.removeFirst()
            switch conversion {
            case "s": out += value.text
            case "r": out += value.repr
            case "d", "i":
                guard let n = value.number else { throw ChatTemplateError("%\(conversion) format: a real number is required, not \(value.repr)") }
                out += String(Int(n))
            default: throw ChatTemplateError("unsupported format character '\(conversion)'")
            }
        }
        guard arguments.isEmpty else { throw ChatTemplateError("not all arguments converted during string formatting") }
        return out
    }
}

/// Python's `sorted()` order for the values templates sort: numbers with numbers, strings
/// with strings (by code point), lists element by element.
enum TemplatePythonOrder {
    static func sorted(_ items: [TemplateValue]) throws(ChatTemplateError) -> [TemplateValue] {
        var failure: ChatTemplateError?
        let result = items.enumerated().sorted { a, b in
            switch less(a.element, b.element) {
            case .some(let x): return x  // Swift's sort is stable, as Python's.
            case .none:
                failure = ChatTemplateError("'<' not supported between \(a.element.repr) and \(b.element.repr)")
                return a.offset < b.offset
            }
        }.map(\.element)
        if let failure { throw failure }
        return result
    }

    private static func less(_ a: TemplateValue, _ b: TemplateValue) -> Bool? {
        switch (a, b) {
        case let (.string(x), .string(y)): return Array(x.unicodeScalars.map(\.value)).lexicographicallyPrecedes(y.unicodeScalars.map(\.value))
        case let (.array(x), .array(y)):
            for (p, q) in zip(x, y) where p != q { return less(p, q) }
            return x.count < y.count
        default:
            guard let x = a.number, let y = b.number else { return nil }
            return x < y
        }
    }
}
