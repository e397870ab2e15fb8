import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The faults a ``FaultPlan`` or a prompt marker (`[fault:429]`) asks for, in each API's error shape.
extension FakeLLMServer {
    func chooseFault(_ prompt: String) -> String? {
        if let (kind, times) = FaultPlan.marker(in: prompt) {
            let key = kind + "\u{0}" + prompt
            let seen = lock.withLock { () -> Int in
                let n = markerCounts[key, default: 0]
                markerCounts[key] = n + 1
                return n
            }
            if times == nil || seen < times! { return kind }
        }
        if plan.random429Rate > 0 {
            let roll: Double = lock.withLock {
                randomState ^= randomState << 13; randomState ^= randomState >> 7; randomState ^= randomState << 17
                return Double(randomState % 1_000_000) / 1_000_000
            }
            if roll < plan.random429Rate { return "429" }
        }
        return nil
    }

    /// Whose error bodies a fault answers with.
    enum Dialect {
        case openAI, alephAlpha, anthropic
    }

    /// Answers with `fault` (`reset`, `hang`, `malformed`, `truncated`, `context`, or a status
    /// code) in the error shape of `dialect`; false when the connection must close.
    func inject(_ fault: String, fd: Int32, dialect: Dialect) -> Bool {
        var retryHeaders: [String: String] = [:]
        if let seconds = plan.retryAfterSeconds { retryHeaders["Retry-After"] = String(seconds) }
        switch fault {
        case "reset":
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
            return false
        case "hang":
            let deadline = Date().addingTimeInterval(plan.hangSeconds)
            while Date() < deadline && !isStopped { usleep(20_000) }
            return false
        case "malformed":
            respond(fd, status: 200, body: Data("{\"choices\": [ not json".utf8))
            return true
        case "truncated":
            let body = Data("{\"choices\": [{\"text\": \"cut short\"".utf8)
            respond(fd, status: 200, body: body, declaredLength: body.count * 3)
            return false
        case "context":
            switch dialect {
            case .alephAlpha:
                respond(fd, status: 400, json: ["error": "Prompt too long: 9000 tokens exceed the model's 2048", "code": "PROMPT_TOO_LONG"])
            case .anthropic:
                respond(fd, status: 400, json: Self.anthropicError("invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"))
            case .openAI:
                respond(fd, status: 400, json: ["error": ["message": "This model's maximum context length is 2048 tokens. However, you requested 9000 tokens.",
                                                          "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"]])
            }
            return true
        default:
            let status = Int(fault) ?? 500
            if dialect == .anthropic {
                respond(fd, status: status, json: Self.anthropicError(Self.anthropicErrorType(status), "injected \(status)"),
                        headers: status == 429 ? anthropicRateLimitHeaders() : [:])
                return true
            }
            respond(fd, status: status, json: ["error": ["message": "injected \(status)", "type": "fake_fault", "code": NSNull()]],
                    headers: status == 429 || status == 503 ? retryHeaders : [:])
            return true
        }
    }
}
