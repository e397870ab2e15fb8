/// Values as Python prints what pyarrow's `to_pylist()` returns for them, shared by the
/// Parquet and Arrow readers: `date.isoformat()`, `str(Decimal)`, half floats as doubles.
enum PythonValueText {
    /// Floor division and its non-negative remainder.
    static func divide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Days since 1970-01-01 as a proleptic Gregorian year, month and day.
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = divide(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `date.isoformat()` of a day count.
    static func date(days: Int64) -> String {
        let (year, month, day) = civil(days: days)
        var text = year < 0 ? "-" + pad(-year, 4) : pad(year, 4)
        text += "-" + pad(month, 2) + "-" + pad(day, 2)
        return text
    }

    /// A non-negative value with leading zeros to `width` digits.
    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

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

    /// `str(Decimal)` of an unscaled value's decimal digits and a scale ("1.50", "0E-10",
    /// "1.23E+4"): Python's to-sci-string.
    static func decimal(negative: Bool, digits: String, scale: Int) -> String {
        let exponent = -scale
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
        return (negative ? "-" : "") + text
    }
}
