/// Text forms of dates, times, timestamps and decimals exactly as Python prints what pyarrow's
/// `to_pylist()` returns: `date.isoformat()`, `datetime.isoformat()` (pandas `Timestamp` for
/// nanoseconds, which prints 9 digits when there are nanoseconds), `str(Decimal)`.
enum ParquetValueText {
    private static func pad(_ value: Int64, _ width: Int) -> String { PythonValueText.pad(value, width) }

    static func date(days: Int64) -> String { PythonValueText.date(days: days) }

    /// Nanoseconds within a day to `HH:MM:SS[.ffffff[fff]]`.
    private static func clock(nanos: Int64, nanosecondDigits: Bool) -> String {
        let seconds = nanos / 1_000_000_000
        let fraction = nanos % 1_000_000_000
        var text = "\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
        if nanosecondDigits && fraction % 1000 != 0 {
            text += "." + pad(fraction, 9)
        } else if fraction / 1000 != 0 {
            text += "." + pad(fraction / 1000, 6)
        }
        return text
    }

    static func nanosPerUnit(_ unit: ValueKind.TimeUnit) -> Int64 {
        switch unit {
        case .millis: 1_000_000
        case .micros: 1000
        case .nanos: 1
        }
    }

    static func timestamp(_ value: Int64, unit: ValueKind.TimeUnit, utc: Bool) -> String {
        let perDay = 86_400 * (1_000_000_000 / nanosPerUnit(unit))
        var days = value / perDay
        var rest = value % perDay
        if rest < 0 { rest += perDay; days -= 1 }
        return date(days: days) + "T" + clock(nanos: rest * nanosPerUnit(unit), nanosecondDigits: unit == .nanos) + (utc ? "+00:00" : "")
    }

    static func time(_ value: Int64, unit: ValueKind.TimeUnit) -> String {
        let nanos = value.multipliedReportingOverflow(by: nanosPerUnit(unit))
        let dayNanos: Int64 = 86_400_000_000_000
        let inDay = nanos.overflow ? 0 : ((nanos.partialValue % dayNanos) + dayNanos) % dayNanos
        return clock(nanos: inDay, nanosecondDigits: false)
    }

    static func decimal(negative: Bool, digits: String, scale: Int) -> String {
        PythonValueText.decimal(negative: negative, digits: digits, scale: scale)
    }

    static func decimal(_ unscaled: Int64, scale: Int) -> String {
        decimal(negative: unscaled < 0, digits: String(unscaled.magnitude), scale: scale)
    }

    /// A big-endian two's-complement integer (FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY decimals).
    static func decimal(bigEndian bytes: UnsafeRawBufferPointer, scale: Int) -> String {
        if bytes.isEmpty { return decimal(negative: false, digits: "0", scale: scale) }
        if bytes.count <= 8 {
            var value: Int64 = bytes[0] & 0x80 != 0 ? -1 : 0
            for b in bytes { value = (value << 8) | Int64(b) }
            return decimal(value, scale: scale)
        }
        let negative = bytes[0] & 0x80 != 0
        // Magnitude as 32-bit limbs, most significant first.
        var magnitude = [UInt8](bytes)
        if negative {
            for i in magnitude.indices { magnitude[i] = ~magnitude[i] }
            var i = magnitude.count - 1
            while i >= 0 {
                let (sum, carry) = magnitude[i].addingReportingOverflow(1)
                magnitude[i] = sum
                if !carry { break }
                i -= 1
            }
        }
        var limbs: [UInt32] = []
        let padding = (4 - magnitude.count % 4) % 4
        let padded = [UInt8](repeating: 0, count: padding) + magnitude
        for i in stride(from: 0, to: padded.count, by: 4) {
            limbs.append(UInt32(padded[i]) << 24 | UInt32(padded[i + 1]) << 16 | UInt32(padded[i + 2]) << 8 | UInt32(padded[i + 3]))
        }
        var chunks: [UInt32] = []  // base 10^9, least significant first
        while limbs.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for i in limbs.indices {
                let current = remainder << 32 | UInt64(limbs[i])
                limbs[i] = UInt32(current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
        }
        guard let top = chunks.last else { return decimal(negative: false, digits: "0", scale: scale) }
        var digits = String(top)
        for chunk in chunks.dropLast().reversed() {
            let part = String(chunk)
            digits += String(repeating: "0", count: 9 - part.count) + part
        }
        return decimal(negative: negative, digits: digits, scale: scale)
    }
}
