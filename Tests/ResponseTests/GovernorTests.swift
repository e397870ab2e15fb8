import Foundation
@testable import Response
import Synchronization
import Testing

/// The Governor's rate limits on a manual clock: waits are the clock's, so the test asserts the
/// exact waits instead of polling real time.
@Suite("Governor: requests and tokens per minute")
struct GovernorTests {
    /// A clock that stands still until waited on, then jumps by the wait, recording it.
    final class ManualClock: Sendable {
        let state = Mutex((now: 0.0, waits: [Double]()))
        var rateClock: RateClock {
            RateClock(now: { [self] in state.withLock { $0.now } },
                      sleep: { [self] seconds in state.withLock { $0.now += seconds; $0.waits.append(seconds) } })
        }
        var waits: [Double] { state.withLock { $0.waits } }
        func advance(_ seconds: Double) { state.withLock { $0.now += seconds } }
    }

    @Test("requests_per_minute=60: a full bucket goes at once, the next request waits one second, time given back refills")
    func requestsPerMinute() async throws {
        let clock = ManualClock()
        let governor = Governor(policy: ResponsePolicy(requestsPerMinute: 60), clock: clock.rateClock, log: { _ in })
        for _ in 0..<60 { try await governor.admit(tokens: 1) }
        #expect(clock.waits.isEmpty, "the first 60 go at once")
        try await governor.admit(tokens: 1)
        #expect(clock.waits.count == 1 && abs(clock.waits[0] - 1.0) < 1e-9, "\(clock.waits)")
        clock.advance(10)
        for _ in 0..<10 { try await governor.admit(tokens: 1) }
        #expect(clock.waits.count == 1, "ten seconds refill ten requests")
    }

    @Test("tokens_per_minute=600: a 500-token request after 500 tokens waits for 400 more at 10 a second")
    func tokensPerMinute() async throws {
        let clock = ManualClock()
        let governor = Governor(policy: ResponsePolicy(tokensPerMinute: 600), clock: clock.rateClock, log: { _ in })
        try await governor.admit(tokens: 500)
        try await governor.admit(tokens: 500)
        #expect(clock.waits.count == 1 && abs(clock.waits[0] - 40.0) < 1e-9, "\(clock.waits)")
        // A request larger than the whole bucket waits for a full bucket, then goes.
        try await governor.admit(tokens: 5000)
        #expect(clock.waits.count == 2 && abs(clock.waits[1] - 60.0) < 1e-9, "\(clock.waits)")
    }

    @Test("no limits: nothing ever waits")
    func unlimited() async throws {
        let clock = ManualClock()
        let governor = Governor(policy: ResponsePolicy(), clock: clock.rateClock, log: { _ in })
        for _ in 0..<1000 { try await governor.admit(tokens: 10_000) }
        #expect(clock.waits.isEmpty)
    }
}
