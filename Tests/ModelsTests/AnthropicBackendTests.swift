import Config
import FakeLLMServer
import Foundation
@testable import Models
import Testing

/// `+model=anthropic` against the fake server's Messages API persona, which refuses what the
/// real API refuses (OpenAI's fields, a `system` role in messages, missing headers).
@Suite("Anthropic Messages API backend", .timeLimit(.minutes(1)))
struct AnthropicBackendTests {
    static let message = #"{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"B"},{"type":"text","text":"!"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":2}}"#

    static func model(_ server: FakeLLMServer, _ params: String = "") throws -> any LanguageModel {
        try makeModel("anthropic", "model_name: claude-test\nbase_url: http://127.0.0.1:\(server.port)\n" + params,
                      env: ["ANTHROPIC_API_KEY": "sk-ant-test"])
    }

    @Test("the wire: x-api-key and anthropic-version, system apart, stop_sequences, max_tokens; no seed, no OpenAI fields")
    func wire() async throws {
        let transport = RecordingTransport(json: Self.message)
        let model = try makeModel("anthropic", "model_name: claude-test\nmax_tokens: 100\nbytes_per_token: 2.0\nstop_sequences: [\"END\"]\ntop_k: 5\n",
                                  env: ["ANTHROPIC_API_KEY": "sk-ant-secret"], transport: transport)
        let answer = try await model.generate(GenerationRequest(prompt: .chat([.system("Be brief."), .user("Q?"), .assistant("A"), .user("Again?")]),
                                                                parameters: GenerationParameters(seed: 7)))
        #expect(answer.text == "B!" && answer.finishReason == "end_turn" && answer.usage == TokenUsage(promptTokens: 12, completionTokens: 2))
        let request = try #require(transport.requests.last)
        #expect(request.url.absoluteString == "https://api.anthropic.com/v1/messages")
        #expect(request.headers["x-api-key"] == "sk-ant-secret" && request.headers["Authorization"] == nil)
        #expect(request.headers["anthropic-version"] == "2023-06-01")
        let body = try #require(transport.lastBody)
        #expect(body["system"] == "Be brief.")
        #expect(body["messages"]?.arrayValue?.map { $0["role"]?.stringValue ?? "" } == ["user", "assistant", "user"])
        #expect(body["max_tokens"] == .int(200))  // ceil(100 * 4 / 2)
        #expect(body["stop_sequences"] == ["END"] && body["top_k"] == .int(5) && body["temperature"]?.doubleValue == 0)
        #expect(body["seed"] == nil && body["stop"] == nil && body["logprobs"] == nil && body["n"] == nil)
        #expect(!model.modelDict.canonicalString.contains("sk-ant-secret"))
    }

    @Test("image parts go out as image blocks: a data URI as a base64 source, anything else as a URL source")
    func images() async throws {
        let transport = RecordingTransport(json: Self.message)
        let model = try makeModel("anthropic", "model_name: m\n", env: ["ANTHROPIC_API_KEY": "k"], transport: transport)
        let parts: [ChatMessage.Part] = [.text("what?"), .imageURL("data:image/png;base64,iVBORw0K"), .imageURL("https://example.org/a.jpg")]
        _ = try await model.generate(GenerationRequest(prompt: .chat([ChatMessage(role: .user, parts: parts)])))
        let content = try #require(transport.lastBody?["messages"]?[0]?["content"]?.arrayValue)
        #expect(content[0] == ["type": "text", "text": "what?"])
        #expect(content[1] == ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBORw0K"]])
        #expect(content[2] == ["type": "image", "source": ["type": "url", "url": "https://example.org/a.jpg"]])
    }

    @Test("against the fake server: the answer to the conversation, the system prompt included, cut at a stop sequence")
    func fakeServer() async throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let model = try Self.model(server)
        let answer = try await model.generate(GenerationRequest(prompt: .chat([.system("[answer:yes, then END more]"), .user("Q?")])))
        #expect(answer.text == "yes, then END more" && answer.finishReason == "end_turn")
        let cut = try await model.generate(GenerationRequest(prompt: .chat([.system("[answer:yes, then END more]"), .user("Q?")]),
                                                             parameters: GenerationParameters(stop: ["END"])))
        #expect(cut.text == "yes, then " && cut.finishReason == "stop_sequence")
        #expect(server.requestCount("messages") == 2)
    }

    @Test("the fake server refuses what the real API refuses", arguments: [
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"s"},{"role":"user","content":"q"}]}"#, "Unexpected role \"system\""),
        (#"{"model":"m","max_tokens":5,"seed":1,"messages":[{"role":"user","content":"q"}]}"#, "seed: Extra inputs are not permitted"),
        (#"{"model":"m","messages":[{"role":"user","content":"q"}]}"#, "max_tokens: Field required"),
        (#"{"model":"m","max_tokens":5,"temperature":1.5,"messages":[{"role":"user","content":"q"}]}"#, "temperature"),
        (#"{"model":"m","max_tokens":5,"stop_sequences":["\n"],"messages":[{"role":"user","content":"q"}]}"#, "non-whitespace"),
    ])
    func refusals(body: String, message: String) async throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let url = try #require(URL(string: "http://127.0.0.1:\(server.port)/v1/messages"))
        let headers = ["x-api-key": "k", "anthropic-version": "2023-06-01", "Content-Type": "application/json"]
        let response = try await CurlTransport().send(HTTPRequest(url: url, headers: headers, body: Data(body.utf8)), timeout: .seconds(10))
        #expect(response.status == 400)
        let json = try JSONValue.parse(response.body)
        #expect(json["type"] == "error" && json["error"]?["type"] == "invalid_request_error")
        #expect(json["error"]?["message"]?.stringValue?.contains(message) == true, "\(String(decoding: response.body, as: UTF8.self))")
        // Without the headers: 401 for the key, 400 for the version.
        let noKey = try await CurlTransport().send(HTTPRequest(url: url, headers: ["anthropic-version": "2023-06-01"], body: Data(body.utf8)), timeout: .seconds(10))
        #expect(noKey.status == 401)
        let noVersion = try await CurlTransport().send(HTTPRequest(url: url, headers: ["x-api-key": "k"], body: Data(body.utf8)), timeout: .seconds(10))
        #expect(noVersion.status == 400 && String(decoding: noVersion.body, as: UTF8.self).contains("anthropic-version"))
    }

    @Test("errors: the API's message, a rate limit's reset time, overloaded (529) retried, a long prompt not, a bad key stops the run")
    func errors() async throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let model = try Self.model(server)
        func failure(_ marker: String) async -> ModelError? {
            do {
                _ = try await model.generate(GenerationRequest(prompt: .chat([.user("Q? \(marker)")])))
                return nil
            } catch { return error as? ModelError }
        }
        let limited = try #require(await failure("[fault:429]"))
        #expect(limited.kind == .http(status: 429) && limited.isRetryable)
        #expect(limited.message.contains("/v1/messages answered 429: injected 429"), "\(limited.message)")
        // No retry-after header: a wait at all means the exhausted limit's reset time was read (its
        // exact value is RetryAfterTests'; a stalled test machine may read it after it has passed).
        let wait = try #require(limited.retryAfter, "the reset time of the exhausted limit")
        #expect(wait >= 0 && wait <= 10.5, "the fake's reset is 10 s ahead: \(wait)")
        let overloaded = try #require(await failure("[fault:529]"))
        #expect(overloaded.kind == .http(status: 529) && overloaded.isRetryable)
        let long = try #require(await failure("[fault:context]"))
        #expect(long.kind == .contextLengthExceeded && !long.isRetryable)
        let rejected = try #require(await failure("[fault:401]"))
        #expect(rejected.isFatalForRun && rejected.hint?.contains("api_key_env") == true)
    }

    @Test("a base_url ending in /v1 gets a 404 whose hint says Anthropic's base_url is the API's root")
    func baseURLWithV1() async throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let model = try makeModel("anthropic", "model_name: m\nbase_url: http://127.0.0.1:\(server.port)/v1\n", env: ["ANTHROPIC_API_KEY": "k"])
        do {
            _ = try await model.generate(GenerationRequest(prompt: .text("Q?")))
            Issue.record("answered")
        } catch let error as ModelError {
            #expect(error.kind == .http(status: 404))
            #expect(error.hint?.contains("without /v1") == true, "\(error.hint ?? "")")
        }
    }

    @Test("params: the API's temperature range (0 to 1) and a missing key are config errors before any request")
    func params() {
        #expect {
            _ = try makeModel("anthropic", "model_name: m\ntemperature: 1.5\n", env: ["ANTHROPIC_API_KEY": "k"])
        } throws: { ($0 as? ConfigError)?.keyPath == "model.params.temperature" }
        #expect {
            _ = try makeModel("anthropic", "model_name: m\n")
        } throws: { ($0 as? ModelError)?.message.contains("ANTHROPIC_API_KEY") == true }
    }

    @Test("Message Batches: submit, follow, results by custom_id (errored and expired left out), cancel")
    func batches() async throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let model = try #require(try Self.model(server) as? any BatchCapableModel)
        let prompts = ["one [answer:A]", "two [batch:fail]", "three [answer:C]", "four [batch:expire]"]
        let entries = prompts.enumerated().map { index, prompt in
            let entry = model.batchEntry(for: .generate(GenerationRequest(prompt: .chat([.user(prompt)]))))!
            return BatchEntry(key: "key_\(index)", url: entry.url, body: entry.body)
        }
        let (sent, note) = try await model.batchAPI.submit(entries, endpoint: "/v1/messages", completionWindow: "24h", name: "x")
        #expect(sent.status == "in_progress" && !sent.isFinished && sent.total == 4 && note.contains("4 requests"))
        var state = try await model.batchAPI.retrieve(sent.id)
        for _ in 0..<5 where !state.isFinished { state = try await model.batchAPI.retrieve(sent.id) }
        #expect(state.status == "ended" && state.completed == 2 && state.failed == 2 && state.total == 4)
        let results = try await model.batchAPI.results(of: state)
        #expect(results.map(\.key) == ["key_0", "key_2"])
        let answers = try results.map { try model.batchAnswer($0.body, for: .generate(GenerationRequest(prompt: .text("")))) }
        #expect(answers == [.generation(Generation(text: "A", finishReason: "end_turn", usage: TokenUsage(promptTokens: 2, completionTokens: 1))),
                            .generation(Generation(text: "C", finishReason: "end_turn", usage: TokenUsage(promptTokens: 2, completionTokens: 1)))])
        // A batch cancelled in flight ends with every request canceled and no answer.
        let (other, _) = try await model.batchAPI.submit(Array(entries.prefix(1)), endpoint: "/v1/messages", completionWindow: "24h", name: "x")
        let cancelled = try await model.batchAPI.cancel(other.id)
        #expect(cancelled.isFinished && cancelled.failed == 1 && cancelled.completed == 0)
        #expect(try await model.batchAPI.results(of: cancelled).isEmpty)
    }
}
