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
    /// `datetime.time.isoformat()`: pyarrow truncates nanoseconds to microseconds.
    static func time(_ ticks: Int64, unit: ArrowTimeUnit) -> String {
        let (seconds, fraction) = PythonValueText.divide(ticks, unit.perSecond)
        let micros = unit == .nanosecond ? fraction / 1000 : fraction * (1_000_000 / min(unit.perSecond, 1_000_000))
        return clock(seconds) + (micros == 0 ? "" : "." + PythonValueText.pad(micros, 6))
    }

    static func timestamp(_ ticks: Int64, unit: ArrowTimeUnit, zone: ArrowTimeZone?) -> String {
        var (seconds, fraction) = PythonValueText.divide(ticks, unit.perSecond)
        let offset = zone?.offset(at: seconds) ?? 0
        seconds &+= Int64(offset)
        let (days, secondOfDay) = PythonValueText.divide(seconds, 86400)
        var text = PythonValueText.date(days: days) + "T" + clock(secondOfDay)
        if unit == .nanosecond, fraction % 1000 != 0 {
            text += "." + PythonValueText.pad(fraction, 9)
        } else {
            let micros = unit == .nanosecond ? fraction / 1000 : fraction * (1_000_000 / min(unit.perSecond, 1_000_000))
            if micros != 0 { text += "." + PythonValueText.pad(micros, 6) }
        }
        if zone != nil {
            let magnitude = abs(offset)
            text += (offset < 0 ? "-" : "+") + PythonValueText.pad(Int64(magnitude / 3600), 2) + ":" + PythonValueText.pad(Int64(magnitude / 60 % 60), 2)
            if magnitude % 60 != 0 { text += ":" + PythonValueText.pad(Int64(magnitude % 60), 2) }
        }
        return text
    }

    /// `HH:MM:SS` of a second count (hours may pass 23 for out-of-range times).
    private static func clock(_ seconds: Int64) -> String {
        PythonValueText.pad(seconds / 3600, 2) + ":" + PythonValueText.pad(seconds / 60 % 60, 2) + ":" + PythonValueText.pad(seconds % 60, 2)
    }
}
