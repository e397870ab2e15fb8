import Foundation

/// How long a server asked us to wait, from `retry-after-ms` or `Retry-After` (seconds, or an
/// HTTP date), else from Anthropic's rate-limit headers: the latest reset time
/// (`anthropic-ratelimit-requests-reset`, RFC 3339) of a limit with nothing remaining.
public enum RetryAfter {
    public static func seconds(from headers: [String: String], now: Date = Date()) -> Double? {
        if let ms = headers["retry-after-ms"].flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), ms >= 0 {
            return ms / 1000
        }
        guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return exhaustedLimitReset(headers, now: now)
        }
        if let seconds = Double(value) { return max(0, seconds) }
        if let date = httpDate(value) { return max(0, date.timeIntervalSince(now)) }
        return nil
    }

    /// Anthropic's limits, each with `-remaining` and `-reset` headers.
    static let anthropicLimits = ["requests", "tokens", "input-tokens", "output-tokens"]

    static func exhaustedLimitReset(_ headers: [String: String], now: Date) -> Double? {
        let waits = anthropicLimits.compactMap { limit -> Double? in
            guard headers["anthropic-ratelimit-\(limit)-remaining"]?.trimmingCharacters(in: .whitespaces) == "0",
                  let reset = headers["anthropic-ratelimit-\(limit)-reset"].flatMap(rfc3339) else { return nil }
            return max(0, reset.timeIntervalSince(now))
        }
        return waits.max()
    }

    /// `2026-12-07T20:48:16Z`, with or without fractional seconds.
    static func rfc3339(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = formatter.date(from: trimmed) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: trimmed)
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
