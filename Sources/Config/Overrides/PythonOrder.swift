/// Python's `<` on the values an override can hold, for `sort(...)`: numbers and booleans by
/// value, strings by code point, lists element by element. `None` and dicts have no order,
/// and neither do a number and a string.
enum PythonOrder {
    static func comparable(_ a: ConfigValue, _ b: ConfigValue) -> Bool {
        switch (a, b) {
        case (.int, .int), (.int, .double), (.int, .bool), (.double, .int), (.double, .double), (.double, .bool),
             (.bool, .int), (.bool, .double), (.bool, .bool), (.string, .string),
             (.bigInt, .int), (.bigInt, .bigInt), (.bigInt, .double), (.bigInt, .bool), (.int, .bigInt), (.double, .bigInt), (.bool, .bigInt):
            return true
        case (.sequence(let x), .sequence(let y)):
            for (p, q) in zip(x, y) {
                guard comparable(p.value, q.value) else { return false }
                if less(p.value, q.value) || less(q.value, p.value) { return true }
            }
            return true
        default:
            return false
        }
    }

    static func less(_ a: ConfigValue, _ b: ConfigValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y
        case (.bigInt, .int), (.int, .bigInt), (.bigInt, .bigInt): return BigDecimal.compare(a, b) == -1
        case (.string(let x), .string(let y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        case (.sequence(let x), .sequence(let y)):
            for (p, q) in zip(x, y) {
                if less(p.value, q.value) { return true }
                if less(q.value, p.value) { return false }
            }
            return x.count < y.count
        default:
            guard let x = number(a), let y = number(b) else { return false }
            return x < y
        }
    }

    private static func number(_ v: ConfigValue) -> Double? {
        switch v {
        case .int, .bigInt: return v.integerAsDouble
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}
