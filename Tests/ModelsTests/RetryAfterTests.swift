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

    @Test("without Retry-After, Anthropic's reset time of an exhausted limit (RFC 3339); limits with requests left do not count")
    func anthropicLimits() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // 2015-10-21T07:27:50Z
        #expect(RetryAfter.seconds(from: ["anthropic-ratelimit-requests-remaining": "0",
                                          "anthropic-ratelimit-requests-reset": "2015-10-21T07:28:05Z"], now: now) == 15)
        #expect(RetryAfter.seconds(from: ["anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-requests-reset": "2015-10-21T07:28:05Z",
                                          "anthropic-ratelimit-output-tokens-remaining": "0",
                                          "anthropic-ratelimit-output-tokens-reset": "2015-10-21T07:28:30.500Z"], now: now) == 40.5)
        #expect(RetryAfter.seconds(from: ["anthropic-ratelimit-requests-remaining": "3",
                                          "anthropic-ratelimit-requests-reset": "2015-10-21T07:28:05Z"], now: now) == nil)
        // Retry-After, when sent, is the answer.
        #expect(RetryAfter.seconds(from: ["retry-after": "2", "anthropic-ratelimit-requests-remaining": "0",
                                          "anthropic-ratelimit-requests-reset": "2015-10-21T07:28:05Z"], now: now) == 2)
    }
}
