/// Python's `decimal.Decimal`, only as far as Hydra's float ranges use it: exact conversion
/// from a float or an integer, addition rounded to the default context (28 significant
/// digits, ROUND_HALF_EVEN), comparison, and conversion back to the nearest float.
///
/// Hydra steps `range(0, 1, 0.1)` as `Decimal(0.1)` added to a running `Decimal` and
/// converted with `float()` at each value, which is why its seventh value is
/// `0.7000000000000001` and not `0.7`. Reproducing that needs the same arithmetic.
struct PythonDecimal: Comparable, Sendable {
    /// Decimal digits of the magnitude, most significant first, without leading zeros
    /// (`[0]` for zero).
    private(set) var digits: [UInt8]
    /// The value is `digits × 10^exponent`.
    private(set) var exponent: Int
    private(set) var isNegative: Bool

    /// Significant digits kept after an addition (Python's default context).
    static let precision = 28

    init(_ value: Int) {
        isNegative = value < 0
        exponent = 0
        digits = Array(String(value.magnitude).utf8.map { $0 - 48 })
    }

    /// The exact value of a finite float (`Decimal(0.1)` has 55 significant digits).
    init?(exactly value: Double) {
        guard value.isFinite else { return nil }
        isNegative = value.sign == .minus
        guard value != 0 else {
            digits = [0]; exponent = 0
            return
        }
        // value = significand × 2^power with an integer significand.
        var significand: UInt64
        var power: Int
        if value.exponentBitPattern == 0 {
            significand = value.significandBitPattern
            power = -1074
        } else {
            significand = value.significandBitPattern | (1 << 52)
            power = Int(value.exponentBitPattern) - 1075
        }
        while significand & 1 == 0 && power < 0 {
            significand >>= 1
            power += 1
        }
        var magnitude = Array(String(significand).utf8.map { $0 - 48 })
        if power >= 0 {
            for _ in 0..<power { magnitude = Self.multiply(magnitude, by: 2) }
            exponent = 0
        } else {
            // m × 2^-k = m × 5^k × 10^-k
            for _ in 0..<(-power) { magnitude = Self.multiply(magnitude, by: 5) }
            exponent = power
        }
        digits = magnitude
    }

    private init(digits: [UInt8], exponent: Int, isNegative: Bool) {
        var trimmed = digits[...]
        while trimmed.count > 1, trimmed.first == 0 { trimmed = trimmed.dropFirst() }
        self.digits = Array(trimmed)
        self.exponent = exponent
        self.isNegative = isNegative
    }

    var isZero: Bool { digits == [0] }

    /// The nearest float, as Python's `float(Decimal)` gives it.
    var doubleValue: Double {
        let text = (isNegative ? "-" : "") + String(decoding: digits.map { $0 + 48 }, as: UTF8.self) + "e" + String(exponent)
        return Double(text) ?? (isNegative ? -.infinity : .infinity)
    }

    /// `a + b`, computed exactly and then rounded to ``precision`` significant digits.
    static func + (a: PythonDecimal, b: PythonDecimal) -> PythonDecimal {
        let exponent = min(a.exponent, b.exponent)
        let x = a.digits + Array(repeating: 0, count: a.exponent - exponent)
        let y = b.digits + Array(repeating: 0, count: b.exponent - exponent)
        var sum: PythonDecimal
        if a.isNegative == b.isNegative {
            sum = PythonDecimal(digits: add(x, y), exponent: exponent, isNegative: a.isNegative)
        } else {
            switch compareMagnitudes(x, y) {
            case 0:
                // x + (-x) is +0 under ROUND_HALF_EVEN.
                return PythonDecimal(digits: [0], exponent: exponent, isNegative: false)
            case 1:
                sum = PythonDecimal(digits: subtract(x, y), exponent: exponent, isNegative: a.isNegative)
            default:
                sum = PythonDecimal(digits: subtract(y, x), exponent: exponent, isNegative: b.isNegative)
            }
        }
        sum.round(toSignificantDigits: precision)
        return sum
    }

    static func < (a: PythonDecimal, b: PythonDecimal) -> Bool {
        if a.isZero && b.isZero { return false }
        if a.isNegative != b.isNegative { return a.isNegative && !(a.isZero && b.isZero) }
        let exponent = min(a.exponent, b.exponent)
        let x = a.digits + Array(repeating: 0, count: a.exponent - exponent)
        let y = b.digits + Array(repeating: 0, count: b.exponent - exponent)
        let order = compareMagnitudes(x, y)
        return a.isNegative ? order > 0 : order < 0
    }

    static func == (a: PythonDecimal, b: PythonDecimal) -> Bool {
        !(a < b) && !(b < a)
    }

    /// Rounds half to even, keeping at most `count` digits.
    private mutating func round(toSignificantDigits count: Int) {
        let excess = digits.count - count
        guard excess > 0 else { return }
        var kept = Array(digits[..<count])
        let first = digits[count]
        let restIsZero = digits[(count + 1)...].allSatisfy { $0 == 0 }
        let roundUp = first > 5 || (first == 5 && (!restIsZero || kept.last! % 2 == 1))
        if roundUp { kept = Self.add(kept, [1]) }
        exponent += excess
        if kept.count > count {  // 999… rounded up to 1000…
            kept.removeLast()
            exponent += 1
        }
        self = PythonDecimal(digits: kept, exponent: exponent, isNegative: isNegative)
    }

    private static func multiply(_ x: [UInt8], by factor: UInt8) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: x.count + 1)
        var carry = 0
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            let product = Int(x[i]) * Int(factor) + carry
            result[i + 1] = UInt8(product % 10)
            carry = product / 10
        }
        result[0] = UInt8(carry)
        return result.first == 0 ? Array(result.dropFirst()) : result
    }

    private static func add(_ x: [UInt8], _ y: [UInt8]) -> [UInt8] {
        let length = max(x.count, y.count)
        var result = [UInt8](repeating: 0, count: length + 1)
        var carry = 0
        for offset in 0..<length {
            let a = offset < x.count ? Int(x[x.count - 1 - offset]) : 0
            let b = offset < y.count ? Int(y[y.count - 1 - offset]) : 0
            let sum = a + b + carry
            result[length - offset] = UInt8(sum % 10)
            carry = sum / 10
        }
        result[0] = UInt8(carry)
        return result.first == 0 && result.count > 1 ? Array(result.dropFirst()) : result
    }

    /// `x - y` for `x ≥ y`.
    private static func subtract(_ x: [UInt8], _ y: [UInt8]) -> [UInt8] {
        var result = x
        var borrow = 0
        for offset in 0..<x.count {
            let i = x.count - 1 - offset
            var d = Int(x[i]) - borrow - (offset < y.count ? Int(y[y.count - 1 - offset]) : 0)
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 10 }
            result[i] = UInt8(d)
        }
        return result
    }

    /// -1, 0 or 1 for magnitudes without leading zeros beyond a single `0`.
    private static func compareMagnitudes(_ x: [UInt8], _ y: [UInt8]) -> Int {
        let a = x.drop { $0 == 0 }, b = y.drop { $0 == 0 }
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (p, q) in zip(a, b) where p != q { return p < q ? -1 : 1 }
        return 0
    }
}
