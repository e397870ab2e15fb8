import Foundation

/// A timestamp column's zone: a fixed `+HH:MM` offset or a tz database name.
enum ArrowTimeZone {
    case fixed(seconds: Int)
    case named(TimeZone)

    init?(_ text: String) {
        let scalars = Array(text.utf8)
        if let sign = scalars.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            let digits = scalars.dropFirst().filter { $0 != UInt8(ascii: ":") }
            guard digits.count == 4 || digits.count == 2, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            let values = digits.map { Int($0) - 48 }
            let hours = values[0] * 10 + values[1]
            let minutes = digits.count == 4 ? values[2] * 10 + values[3] : 0
            guard hours < 24, minutes < 60 else { return nil }
            self = .fixed(seconds: (sign == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60))
        } else if let zone = TimeZone(identifier: text) {
            self = .named(zone)
        } else {
            return nil
        }
    }

    /// The offset from UTC at the instant `seconds` after the epoch.
    func offset(at seconds: Int64) -> Int {
        switch self {
        case let .fixed(offset): offset
        case let .named(zone): zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
        }
    }
}

/// Dates, times and timestamps as the text Python's `isoformat()` gives for what pyarrow's
/// `to_pylist()` returns (`datetime.date`, `datetime.time`, `datetime.datetime`, and pandas'
/// `Timestamp` for nanoseconds, which shows 9 fraction digits when the nanoseconds are not zero).
enum ArrowTemporalText {
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

    static func date(days: Int64) -> String {
        let (year, month, day) = civil(days: days)
        var text = year < 0 ? "-" + pad(-year, 4) : pad(year, 4)
        text += "-" + pad(month, 2) + "-" + pad(day, 2)
        return text
    }

    /// `datetime.time.isoformat()`: pyarrow truncates nanoseconds to microseconds.
    static func time(_ ticks: Int64, unit: ArrowTimeUnit) -> String {
        let (seconds, fraction) = divide(ticks, unit.perSecond)
        let micros = unit == .nanosecond ? fraction / 1000 : fraction * (1_000_000 / min(unit.perSecond, 1_000_000))
        return clock(seconds) + (micros == 0 ? "" : "." + pad(micros, 6))
    }

    static func timestamp(_ ticks: Int64, unit: ArrowTimeUnit, zone: ArrowTimeZone?) -> String {
        var (seconds, fraction) = divide(ticks, unit.perSecond)
        let offset = zone?.offset(at: seconds) ?? 0
        seconds &+= Int64(offset)
        let (days, secondOfDay) = divide(seconds, 86400)
        var text = date(days: days) + "T" + clock(secondOfDay)
        if unit == .nanosecond, fraction % 1000 != 0 {
            text += "." + pad(fraction, 9)
        } else {
            let micros = unit == .nanosecond ? fraction / 1000 : fraction * (1_000_000 / min(unit.perSecond, 1_000_000))
            if micros != 0 { text += "." + pad(micros, 6) }
        }
        if zone != nil {
            let magnitude = abs(offset)
            text += (offset < 0 ? "-" : "+") + pad(Int64(magnitude / 3600), 2) + ":" + pad(Int64(magnitude / 60 % 60), 2)
            if magnitude % 60 != 0 { text += ":" + pad(Int64(magnitude % 60), 2) }
        }
        return text
    }

    /// `HH:MM:SS` of a second count (hours may pass 23 for out-of-range times).
    private static func clock(_ seconds: Int64) -> String {
        pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
