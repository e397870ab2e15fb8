import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Anthropic's Messages API: `POST /v1/messages` and the Message Batches under
/// `/v1/messages/batches`. It refuses what the real API refuses, so tests catch a backend that
/// speaks OpenAI to it: no `x-api-key` (401), no `anthropic-version` (400), a `system` role in
/// `messages`, a missing `max_tokens`, a temperature above 1, a whitespace-only stop sequence,
/// and any field the API does not take (`seed`, `n`, `logprobs`: "Extra inputs are not permitted").
extension FakeLLMServer {
    static let anthropicFields: Set<String> = [
        "model", "messages", "max_tokens", "system", "temperature", "top_p", "top_k", "stop_sequences", "metadata", "stream",
        "tools", "tool_choice", "thinking", "service_tier",
    ]

    /// `{"type": "error", "error": {"type", "message"}}`, the API's one error shape.
    static func anthropicError(_ type: String, _ message: String) -> [String: Any] {
        ["type": "error", "error": ["type": type, "message": message], "request_id": "req_fake"]
    }

    static func anthropicErrorType(_ status: Int) -> String {
        switch status {
        case 400: "invalid_request_error"
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 529: "overloaded_error"
        default: "api_error"
        }
    }

    /// A 429's headers: `retry-after` when the plan sets one, and always the exhausted request
    /// limit with its reset time (RFC 3339; 10 s ahead unless the plan says), as the API sends them.
    func anthropicRateLimitHeaders() -> [String: String] {
        let wait = plan.retryAfterSeconds ?? 10
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var headers = ["anthropic-ratelimit-requests-limit": "50", "anthropic-ratelimit-requests-remaining": "0",
                       "anthropic-ratelimit-requests-reset": formatter.string(from: Date().addingTimeInterval(wait))]
        if let seconds = plan.retryAfterSeconds { headers["retry-after"] = String(seconds) }
        return headers
    }

    func anthropic(_ request: Request, path: String, fd: Int32) -> Bool {
        guard let key = request.headers["x-api-key"], !key.isEmpty else {
            respond(fd, status: 401, json: Self.anthropicError("authentication_error", "x-api-key header is required"))
            return true
        }
        guard request.headers["anthropic-version"] != nil else {
            respond(fd, status: 400, json: Self.anthropicError("invalid_request_error", "anthropic-version: header is required"))
            return true
        }
        if path.hasPrefix("/v1/messages/batches") {
            lock.withLock { counts["batches", default: 0] += 1 }
            let (status, reply) = messageBatches.handle(method: request.method, path: path, body: request.body) { [self] params in
                Self.anthropicProblem(params) == nil ? messageBody(params) : nil
            }
            respond(fd, status: status, reply: reply)
            return true
        }
        guard request.method == "POST", path == "/v1/messages" else {
            respond(fd, status: 404, json: Self.anthropicError("not_found_error", "Not Found"))
            return true
        }
        lock.withLock { counts["messages", default: 0] += 1 }
        guard let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] else {
            respond(fd, status: 400, json: Self.anthropicError("invalid_request_error", "the body is not a JSON object"))
            return true
        }
        if let problem = Self.anthropicProblem(json) {
            respond(fd, status: 400, json: Self.anthropicError("invalid_request_error", problem))
            return true
        }
        if plan.latencyMilliseconds > 0 { usleep(UInt32(plan.latencyMilliseconds * 1000)) }
        if let fault = chooseFault(Self.anthropicPrompt(json)) { return inject(fault, fd: fd, dialect: .anthropic) }
        respond(fd, status: 200, json: messageBody(json))
        return true
    }

    /// What the real API would refuse in a request body, in its words; nil when it would take it.
    static func anthropicProblem(_ json: [String: Any]) -> String? {
        if let extra = json.keys.sorted().first(where: { !anthropicFields.contains($0) }) { return "\(extra): Extra inputs are not permitted" }
        guard json["model"] is String else { return "model: Field required" }
        guard let maxTokens = json["max_tokens"] as? Int else { return "max_tokens: Field required" }
        if maxTokens < 1 { return "max_tokens: Input should be greater than or equal to 1" }
        guard let messages = json["messages"] as? [[String: Any]] else { return "messages: Field required" }
        if messages.isEmpty { return "messages: at least one message is required" }
        for (index, message) in messages.enumerated() {
            let role = message["role"] as? String ?? ""
            if role == "system" {
                return "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role."
            }
            guard role == "user" || role == "assistant" else { return "messages.\(index).role: Input should be 'user' or 'assistant'" }
            if message["content"] is String { continue }
            guard let blocks = message["content"] as? [[String: Any]] else { return "messages.\(index).content: Field required" }
            for block in blocks {
                switch block["type"] as? String {
                case "text": guard block["text"] is String else { return "messages.\(index).content: text blocks need text" }
                case "image":
                    let source = block["source"] as? [String: Any] ?? [:]
                    let media = ["image/jpeg", "image/png", "image/gif", "image/webp"]
                    guard source["type"] as? String == "url" && source["url"] is String
                            || source["type"] as? String == "base64" && media.contains(source["media_type"] as? String ?? "") && source["data"] is String else {
                        return "messages.\(index).content: an image source is base64 (image/jpeg, png, gif or webp) or url"
                    }
                default: return "messages.\(index).content: Input tag '\(block["type"] ?? "")' found does not match any of the expected tags"
                }
            }
        }
        if let system = json["system"], !(system is String) && !(system is [[String: Any]]) { return "system: Input should be a valid string" }
        if let t = json["temperature"] {
            guard let x = t as? Double, x >= 0, x <= 1 else { return "temperature: Input should be less than or equal to 1" }
        }
        if let stops = json["stop_sequences"] {
            guard let list = stops as? [String] else { return "stop_sequences: Input should be a valid list" }
            if list.contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                return "stop_sequences: each stop sequence must contain non-whitespace"
            }
        }
        return nil
    }

    /// The system prompt, then each message's text, one a line: the text the answer is chosen by,
    /// so a conversation gets the same answer here as from the OpenAI chat endpoint.
    static func anthropicPrompt(_ json: [String: Any]) -> String {
        var texts: [String] = []
        if let system = json["system"] as? String { texts.append(system) }
        if let messages = json["messages"] as? [[String: Any]], !messages.isEmpty { texts.append(promptText(json, endpoint: "messages")) }
        return texts.joined(separator: "\n")
    }

    /// A message answering `json`, cut at a stop sequence or at `max_tokens`, as the API cuts.
    func messageBody(_ json: [String: Any]) -> [String: Any] {
        let prompt = Self.anthropicPrompt(json)
        var answer = FakeAnswers.answer(to: prompt)
        var stopReason = "end_turn"
        var stopSequence: Any = NSNull()
        if let stop = (json["stop_sequences"] as? [String] ?? []).compactMap({ s in answer.range(of: s).map { (s, $0) } })
            .min(by: { $0.1.lowerBound < $1.1.lowerBound }) {
            answer = String(answer[..<stop.1.lowerBound])
            stopReason = "stop_sequence"
            stopSequence = stop.0
        }
        let tokens = FakeAnswers.tokens(answer)
        if let maxTokens = json["max_tokens"] as? Int, tokens.count > maxTokens {
            answer = tokens.prefix(maxTokens).joined()
            stopReason = "max_tokens"
            stopSequence = NSNull()
        }
        return ["id": "msg_fake", "type": "message", "role": "assistant", "model": json["model"] as? String ?? "",
                "content": [["type": "text", "text": answer]], "stop_reason": stopReason, "stop_sequence": stopSequence,
                "usage": ["input_tokens": FakeAnswers.tokens(prompt).count, "output_tokens": FakeAnswers.tokens(answer).count]]
    }
}

/// Anthropic's Message Batches, in memory: `POST /v1/messages/batches` with the requests
/// inline, `GET .../{id}` (`in_progress` on the first look, `ended` on the second),
/// `GET .../{id}/results` (JSON Lines, once ended), `POST .../{id}/cancel`. Markers in a
/// request's prompt choose faults: `[batch:fail]` errors that request, `[batch:expire]` expires
/// it and every request after it.
final class FakeMessageBatches: @unchecked Sendable {
    private let lock = NSLock()
    private var batches: [String: [String: Any]] = [:]
    private var requests: [String: [(id: String, params: [String: Any])]] = [:]
    private var results: [String: [String]] = [:]
    private var looks: [String: Int] = [:]
    private var count = 0
    private var held = false

    var created: Int { lock.withLock { count } }
    var hold: Bool {
        get { lock.withLock { held } }
        set { lock.withLock { held = newValue } }
    }

    private static func error(_ status: Int, _ message: String) -> (Int, Any) {
        (status, FakeLLMServer.anthropicError(FakeLLMServer.anthropicErrorType(status), message))
    }

    /// `answer(params)` is the server's message for a request, nil when the API would refuse the params.
    func handle(method: String, path: String, body: Data, answer: ([String: Any]) -> [String: Any]?) -> (Int, Any) {
        let rest = path.split(separator: "/").map(String.init).dropFirst(3)  // after v1/messages/batches
        lock.lock(); defer { lock.unlock() }
        switch (method, rest.count) {
        case ("POST", 0):
            guard let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let list = json["requests"] as? [[String: Any]],
                  !list.isEmpty else { return Self.error(400, "requests: Field required") }
            var seen = Set<String>()
            var entries: [(String, [String: Any])] = []
            for item in list {
                guard let id = item["custom_id"] as? String, id.count <= 64, !id.isEmpty,
                      id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                    return Self.error(400, "requests: custom_id must match ^[a-zA-Z0-9_-]{1,64}$")
                }
                guard seen.insert(id).inserted else { return Self.error(400, "requests: custom_id '\(id)' is used more than once") }
                guard let params = item["params"] as? [String: Any] else { return Self.error(400, "requests: params: Field required") }
                entries.append((id, params))
            }
            count += 1
            let id = "msgbatch_\(count)"
            requests[id] = entries
            batches[id] = ["id": id, "type": "message_batch", "processing_status": "in_progress", "results_url": NSNull(),
                           "request_counts": ["processing": entries.count, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0]]
            return (200, batches[id]!)
        case ("GET", 1):
            guard var batch = batches[rest.first!] else { return Self.error(404, "no batch \(rest.first!)") }
            if batch["processing_status"] as? String == "in_progress", !held {
                let look = (looks[rest.first!] ?? 0) + 1
                looks[rest.first!] = look
                if look >= 2 { finish(&batch, answer: answer) }
                batches[rest.first!] = batch
            }
            return (200, batch)
        case ("GET", 2) where rest.last == "results":
            guard let batch = batches[rest.first!] else { return Self.error(404, "no batch \(rest.first!)") }
            guard batch["processing_status"] as? String == "ended", let lines = results[rest.first!] else {
                return Self.error(400, "batch \(rest.first!) is still in progress; its results are available once it has ended")
            }
            return (200, Data(lines.map { $0 + "\n" }.joined().utf8))
        case ("POST", 2) where rest.last == "cancel":
            guard var batch = batches[rest.first!] else { return Self.error(404, "no batch \(rest.first!)") }
            if batch["processing_status"] as? String == "in_progress" {
                let total = requests[rest.first!]?.count ?? 0
                batch["processing_status"] = "ended"
                batch["request_counts"] = ["processing": 0, "succeeded": 0, "errored": 0, "canceled": total, "expired": 0]
                results[rest.first!] = (requests[rest.first!] ?? []).map { Self.line($0.id, ["type": "canceled"]) }
                batches[rest.first!] = batch
            }
            return (200, batch)
        default:
            return Self.error(404, "Not Found")
        }
    }

    private func finish(_ batch: inout [String: Any], answer: ([String: Any]) -> [String: Any]?) {
        let id = batch["id"] as? String ?? ""
        var lines: [String] = []
        var succeeded = 0, errored = 0, expired = 0
        var expiring = false
        for (customID, params) in requests[id] ?? [] {
            let prompt = FakeLLMServer.anthropicPrompt(params)
            if prompt.contains("[batch:expire]") { expiring = true }
            if expiring {
                expired += 1
                lines.append(Self.line(customID, ["type": "expired"]))
            } else if !prompt.contains("[batch:fail]"), let message = answer(params) {
                succeeded += 1
                lines.append(Self.line(customID, ["type": "succeeded", "message": message]))
            } else {
                errored += 1
                lines.append(Self.line(customID, ["type": "errored", "error": FakeLLMServer.anthropicError("api_error", "injected batch failure")]))
            }
        }
        results[id] = lines
        batch["processing_status"] = "ended"
        // A host nobody serves: a client that followed results_url (with its key) would fail.
        batch["results_url"] = "http://127.0.0.1:9/v1/messages/batches/\(id)/results"
        batch["request_counts"] = ["processing": 0, "succeeded": succeeded, "errored": errored, "canceled": 0, "expired": expired]
    }

    private static func line(_ customID: String, _ result: [String: Any]) -> String {
        FakeBatchStore.line(["custom_id": customID, "result": result])
    }
}
