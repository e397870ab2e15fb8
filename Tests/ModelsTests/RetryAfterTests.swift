import Foundation
@testable import Models
import Testing

@Suite("Retry-After")
struct RetryAfterTests {
    @Test("Retry-After in seconds, as an HTTP date, and retry-after-ms")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // 2015-10-21 07:27:50 GMT
        #expect(RetryAfter.seconds(from: ["retry-after": "12"], now: now) == 12)
        #expect(RetryAfter.seconds(from: ["retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"], now: now) == 10)
        #expect(RetryAfter.seconds(from: ["retry-after-ms": "250", "retry-after": "9"], now: now) == 0.25)
        #expect(RetryAfter.seconds(from: [:], now: now) == nil)
    }
}
