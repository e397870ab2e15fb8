/// Integers of any size, as Python's: `.int` when the value fits in `Int`, `.bigInt` with the
/// exact decimal digits otherwise. Only what configs need: reading digits in a radix, the
/// exact value of a float, conversion to the nearest float, and ordering.
extension ConfigValue {
    /// The integer written in `digits` (no sign, no `_`) in base `radix`, negated when asked;
    /// nil when a character is not a digit of that base.
    public static func integer(digits: some StringProtocol, radix: Int = 10, negative: Bool = false) -> ConfigValue? {
        guard !digits.isEmpty, (2...16).contains(radix),
              digits.allSatisfy({ $0.hexDigitValue.map { $0 < radix } ?? false }) else { return nil }
        if let small = Int(digits, radix: radix) { return .int(negative ? -small : small) }
        var decimal: [UInt8] = [0]
        for character in digits { decimal = BigDecimal.multiplyAdd(decimal, by: radix, adding: character.hexDigitValue!) }
        return integer(decimalDigits: decimal, negative: negative)
    }

    /// `int(x)` of a finite float: its exact value truncated toward zero, as Python gives it
    /// (`int(1.2345678901234568e+29)` is `123456789012345677877719597056`).
    public static func integer(truncating value: Double) -> ConfigValue? {
        guard value.isFinite else { return nil }
        if let small = Int(exactly: value.rounded(.towardZero)) { return .int(small) }
        guard let exact = PythonDecimal(exactly: value) else { return nil }
        var digits = exact.digits
        if exact.exponent >= 0 {
            digits += Array(repeating: 0, count: exact.exponent)
        } else {
            digits.removeLast(min(digits.count, -exact.exponent))
        }
        return integer(decimalDigits: digits.isEmpty ? [0] : digits, negative: value < 0)
    }

    /// Digits most significant first; `.int` when they fit.
    static func integer(decimalDigits: [UInt8], negative: Bool) -> ConfigValue {
        let trimmed = decimalDigits.drop { $0 == 0 }
        if trimmed.isEmpty { return .int(0) }
        let text = (negative ? "-" : "") + String(decoding: trimmed.map { $0 + 48 }, as: UTF8.self)
        if let small = Int(text) { return .int(small) }
        return .bigInt(text)
    }

    /// The nearest float to an integer value (`float(bigint)` in Python); nil for other values.
    public var integerAsDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .bigInt(let digits): return Double(digits)
        default: return nil
        }
    }
}

/// Arithmetic on decimal digit arrays, most significant first.
enum BigDecimal {
    static func multiplyAdd(_ x: [UInt8], by factor: Int, adding addend: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: x.count)
        var carry = addend
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            let value = Int(x[i]) * factor + carry
            result[i] = UInt8(value % 10)
            carry = value / 10
        }
        while carry > 0 {
            result.insert(UInt8(carry % 10), at: 0)
            carry /= 10
        }
        return result
    }

    /// Python's order of two integers given as `.int` or `.bigInt`: -1, 0 or 1.
    static func compare(_ a: ConfigValue, _ b: ConfigValue) -> Int? {
        func parts(_ v: ConfigValue) -> (negative: Bool, magnitude: Substring)? {
            switch v {
            case .int(let i): return (i < 0, Substring(String(i.magnitude)))
            case .bigInt(let s): return s.hasPrefix("-") ? (true, s.dropFirst()) : (false, Substring(s))
            default: return nil
            }
        }
        guard let x = parts(a), let y = parts(b) else { return nil }
        let xZero = x.magnitude == "0", yZero = y.magnitude == "0"
        if xZero && yZero { return 0 }
        if x.negative != y.negative { return x.negative ? -1 : 1 }
        var order: Int
        if x.magnitude.count != y.magnitude.count {
            order = x.magnitude.count < y.magnitude.count ? -1 : 1
        } else {
            order = x.magnitude == y.magnitude ? 0 : (x.magnitude < y.magnitude ? -1 : 1)
        }
        return x.negative ? -order : order
    }
}
