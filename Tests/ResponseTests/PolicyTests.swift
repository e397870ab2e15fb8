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

@Suite("Cache keys")
struct CacheKeyTests {
    @Test("the same request and model give the same key; another model or sample another")
    func identity() {
        let request = ModelRequest.generate(GenerationRequest(prompt: .text("hi")))
        #expect(CacheKey.make(modelDict: ["model": "a"], request: request) == CacheKey.make(modelDict: ["model": "a"], request: request))
        #expect(CacheKey.make(modelDict: ["model": "a"], request: request) != CacheKey.make(modelDict: ["model": "b"], request: request))
        let sampled = ModelRequest.generate(GenerationRequest(prompt: .text("hi"), parameters: GenerationParameters(seed: 1), sampleIndex: 1))
        #expect(CacheKey.make(modelDict: ["model": "a"], request: request) != CacheKey.make(modelDict: ["model": "a"], request: sampled))
        #expect(CacheKey.make(modelDict: ["model": "a"], request: request).count == 64)
    }

    /// Every user's cache is keyed by this text and hash: a change to either orphans all stored
    /// answers, so it must be deliberate. The expected values were computed apart from this code,
    /// with Python's `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` and
    /// `hashlib.sha256`.
    @Test("the key of a fixed request and model is pinned: the canonical text {kind, model, request} and its SHA-256")
    func pinned() {
        let scored = ModelRequest.loglikelihood(LoglikelihoodRequest(context: "Question: 2+2?\nAnswer:", continuation: " 4"))
        #expect(CacheKey.make(modelDict: ["model": "gpt-4o", "seed": 1234], request: scored)
                == "cda4d0b027bc4798a6ffa2806e825b646c0eb7508073d96201d13f599c29b075")
        let rolling = ModelRequest.loglikelihoodRolling(RollingLoglikelihoodRequest(text: "café \"quoted\"\ttab"))
        #expect(CacheKey.make(modelDict: ["model": "m"], request: rolling) == "0f861197eae04ce8efa1c61f9ff8f8496d1d376c3503c759602be9731739a99b")
    }
}
