import Foundation

/// How long a server asked us to wait, from `retry-after-ms` or `Retry-After` (seconds, or an
/// HTTP date).
public enum RetryAfter {
    public static func seconds(from headers: [String: String], now: Date = Date()) -> Double? {
        if let ms = headers["retry-after-ms"].flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), ms >= 0 {
            return ms / 1000
        }
        guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        if let date = httpDate(value) { return max(0, date.timeIntervalSince(now)) }
        return nil
    }

    /// IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`), and the two obsolete forms RFC 9110 accepts.
    static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
