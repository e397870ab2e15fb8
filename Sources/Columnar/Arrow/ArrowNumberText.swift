/// Numbers Arrow stores in forms Swift has no portable type for: half floats and decimals.
enum ArrowNumberText {
    /// An IEEE 754 half-precision value, exactly, as a Double.
    static func half(_ bits: UInt16) -> Double {
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        let magnitude: Double
        switch exponent {
        case 0: magnitude = fraction * 0x1p-24
        case 31: magnitude = fraction == 0 ? .infinity : .nan
        default: magnitude = Double(sign: .plus, exponent: exponent - 15, significand: 1 + fraction / 1024)
        }
        return bits & 0x8000 != 0 ? -magnitude : magnitude
    }

    /// A decimal's text as Python's `str(Decimal)` writes it ("1.50", "0E-10", "1.23E+4"),
    /// from `width` bytes of little-endian two's complement unscaled value at `raw`.
    static func decimal(_ raw: UnsafeRawBufferPointer, scale: Int) -> String {
        // Little-endian 64-bit limbs, sign-extended.
        let negative = raw[raw.count - 1] & 0x80 != 0
        var limbs = [UInt64](repeating: negative ? .max : 0, count: (raw.count + 7) / 8)
        for index in 0 ..< raw.count {
            let shift = UInt64(8 * (index % 8))
            limbs[index / 8] &= ~(0xFF << shift)
            limbs[index / 8] |= UInt64(raw[index]) << shift
        }
        if negative {
            var carry = true
            for index in limbs.indices {
                limbs[index] = ~limbs[index]
                if carry { (limbs[index], carry) = limbs[index].addingReportingOverflow(1) }
            }
        }
        // Decimal digits by repeated division by 10^19.
        let chunk: UInt64 = 10_000_000_000_000_000_000
        var groups: [UInt64] = []
        while limbs.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for index in limbs.indices.reversed() {
                (limbs[index], remainder) = chunk.dividingFullWidth((high: remainder, low: limbs[index]))
            }
            groups.append(remainder)
        }
        var digits = String(groups.last ?? 0)
        for group in groups.dropLast().reversed() {
            let text = String(group)
            digits += String(repeating: "0", count: 19 - text.count) + text
        }
        return (negative ? "-" : "") + scientific(digits, exponent: -scale)
    }

    /// Python's decimal to-sci-string for a coefficient's digits and an exponent.
    private static func scientific(_ digits: String, exponent: Int) -> String {
        let count = digits.count
        let leftDigits = exponent + count
        let dot = exponent <= 0 && leftDigits > -6 ? leftDigits : 1
        var text: String
        if dot <= 0 {
            text = "0." + String(repeating: "0", count: -dot) + digits
        } else if dot >= count {
            text = digits + String(repeating: "0", count: dot - count)
        } else {
            let split = digits.index(digits.startIndex, offsetBy: dot)
            text = digits[..<split] + "." + digits[split...]
        }
        if leftDigits != dot {
            let power = leftDigits - dot
            text += "E" + (power >= 0 ? "+" : "") + String(power)
        }
        return text
    }
}
