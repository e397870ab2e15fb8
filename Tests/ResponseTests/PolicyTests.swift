import Foundation
import Models
@testable import Response
import Testing

@Suite("Pure policies: hashing, backoff, rate limits, adaptive concurrency")
struct PolicyTests {
    @Test("SHA-256 matches the FIPS test vectors")
    func sha256() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("backoff doubles, caps at max_wait, uses full jitter and honours Retry-After")
    func backoff() {
        let b = Backoff(initialWait: 1, maxWait: 10)
        #expect([1, 2, 3, 4, 5, 6].map { b.ceiling(attempt: $0) } == [1, 2, 4, 8, 10, 10])
        #expect(b.delay(attempt: 3, retryAfter: nil, unit: 0.5) == 2)
        #expect(b.delay(attempt: 3, retryAfter: nil, unit: 0) == 0)
        #expect(b.delay(attempt: 1, retryAfter: 7, unit: 0.1) == 7)
    }

    @Test("Retry-After in seconds, as an HTTP date, and retry-after-ms")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // 2015-10-21 07:27:50 GMT
        #expect(RetryAfter.seconds(from: ["retry-after": "12"], now: now) == 12)
        #expect(RetryAfter.seconds(from: ["retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"], now: now) == 10)
        #expect(RetryAfter.seconds(from: ["retry-after-ms": "250", "retry-after": "9"], now: now) == 0.25)
        #expect(RetryAfter.seconds(from: [:], now: now) == nil)
    }

    @Test("token buckets refill continuously")
    func bucket() {
        var bucket = TokenBucket(perMinute: 60, now: 0)
        for _ in 0..<60 { #expect(bucket.take(1, now: 0) == nil) }
        #expect(bucket.take(1, now: 0) == 1)
        #expect(bucket.take(1, now: 1) == nil)
        #expect(bucket.take(120, now: 1) == 60)  // larger than the bucket: wait for a full one
    }

    @Test("two 429s in a row halve the limit; successes raise it step by step")
    func adaptive() {
        var c = AdaptiveConcurrency(maximum: 8, successesPerStep: 2)
        #expect(c.rateLimited() == .none)
        #expect(c.rateLimited() == .lowered(4))
        #expect(c.rateLimited() == .none && c.rateLimited() == .lowered(2))
        #expect(c.succeeded() == .none && c.succeeded() == .raised(3))
    }
}

@Suite("Canonical JSON and cache keys")
struct CanonicalJSONTests {
    @Test("keys sorted, no spaces, strings escaped, same value same key")
    func canonical() throws {
        let value: JSONValue = ["b": [1, 2.5, "x\"y\n"], "a": nil, "c": ["z": true, "y": false]]
        #expect(value.canonicalString == #"{"a":null,"b":[1,2.5,"x\"y\n"],"c":{"y":false,"z":true}}"#)
        #expect(try JSONValue.parse(value.canonicalData) == ["a": nil, "b": [1, 2.5, "x\"y\n"], "c": ["y": false, "z": true]])
        let request = ModelRequest.generate(GenerationRequest(prompt: .text("hi")))
        #expect(CacheKey.make(modelDict: ["model": "a"], request: request) == CacheKey.make(modelDict: ["model": "a"], request: request))
        #expect(CacheKey.make(modelDict: ["model": "a"], request: request) != CacheKey.make(modelDict: ["model": "b"], request: request))
        let sampled = ModelRequest.generate(GenerationRequest(prompt: .text("hi"), parameters: GenerationParameters(seed: 1), sampleIndex: 1))
        #expect(CacheKey.make(modelDict: ["model": "a"], request: request) != CacheKey.make(modelDict: ["model": "a"], request: sampled))
        #expect(CacheKey.make(modelDict: ["model": "a"], request: request).count == 64)
    }
}
