/// Decimals Arrow stores as little-endian two's complement of 4 to 32 bytes.
enum ArrowNumberText {
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
        return PythonValueText.decimal(negative: negative, digits: digits, scale: scale)
    }
}
