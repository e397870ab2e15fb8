import TestSupport
import Config
import FakeLLMServer
import Foundation
import Models
import Response
import Testing

/// A fake server and a local_chat model pointed at it.
struct Fixture {
    let server: FakeLLMServer
    let model: any LanguageModel

    init(plan: FaultPlan = FaultPlan(hangSeconds: 2), timeout: Double = 0.5, extraParams: String = "") throws {
        server = try FakeLLMServer(plan: plan, idleTimeout: 300)
        let params = try YAMLLoader.load("base_url: http://127.0.0.1:\(server.port)/v1\ntimeout: \(timeout)\n\(extraParams)", file: "p.yaml")
        model = try ModelMap.default.build(LLMConfig(name: "local_chat", params: params),
                                           environment: ModelEnvironment(environment: { _ in nil }))
    }

    func component(cache: (any ResponseStore)? = nil, retries: Int = 3, concurrency: Int = 4) -> ResponseComponent {
        ResponseComponent(model: model, cache: cache, policy: ResponsePolicy(maxConcurrency: concurrency, maxRetries: retries),
                          log: { message in
                              if ProcessInfo.processInfo.environment["DEBUG_RESPONSES"] != nil { print(message) }
                          },
                          sleep: { _ in })
    }
}

func items(_ prompts: [String]) -> [ResponseItem] {
    prompts.enumerated().map { ResponseItem(id: "item-\($0.offset)", request: .generate(GenerationRequest(prompt: .text($0.element)))) }
}

actor Collector {
    var outcomes: [String: ResponseOutcome] = [:]
    func add(_ o: ResponseOutcome) { outcomes[o.id] = o }
}

func runAll(_ component: ResponseComponent, _ prompts: [String]) async throws -> [String: ResponseOutcome] {
    let collector = Collector()
    try await component.run(items(prompts)) { await collector.add($0) }
    return await collector.outcomes
}

@Suite("ResponseComponent against the fault-injecting server", .timeLimit(.minutes(2)))
struct ResponseComponentTests {
    @Test("retryable faults are retried until answered", arguments: ["429", "500", "503", "408", "409", "reset", "malformed", "truncated", "hang"])
    func retried(fault: String) async throws {
        let fixture = try Fixture()
        defer { fixture.server.stop() }
        let outcomes = try await runAll(fixture.component(), ["q [fault:\(fault)x2] [answer:D]"])
        let outcome = try #require(outcomes["item-0"])
        guard case .answered(.generation(let g)) = outcome.status else { Issue.record("\(fault): \(outcome.status)"); return }
        #expect(g.text == "D")
        #expect(outcome.retries == 2)
        #expect(fixture.server.requestCount() == 3)
    }

    @Test("errors retrying cannot fix are not retried: client errors, 501, 505", arguments: ["400", "404", "422", "501", "505"])
    func notRetried(fault: String) async throws {
        let fixture = try Fixture()
        defer { fixture.server.stop() }
        let component = fixture.component()
        let outcomes = try await runAll(component, ["q [fault:\(fault)]"])
        guard case .failed(let error)? = outcomes["item-0"]?.status else { Issue.record("not failed"); return }
        #expect(error.kind == .http(status: Int(fault)!))
        #expect(fixture.server.requestCount() == 1)
        // What the console shows when too many items failed: the URL, the status, the server's words.
        #expect(component.firstFailure?.message == "http://127.0.0.1:\(fixture.server.port)/v1/chat/completions answered \(fault): injected \(fault)")
    }

    @Test("a 401 stops the whole run at once instead of failing every item")
    func unauthorized() async throws {
        let fixture = try Fixture()
        defer { fixture.server.stop() }
        let prompts = ["first [fault:401]"] + (1..<200).map { "q\($0) [fault:401]" }
        await #expect(throws: RunStopped.self) {
            _ = try await runAll(fixture.component(concurrency: 1), prompts)
        }
        #expect(fixture.server.requestCount() <= 2)
    }

    @Test("retries give up after max_retries")
    func givesUp() async throws {
        let fixture = try Fixture()
        defer { fixture.server.stop() }
        let outcomes = try await runAll(fixture.component(retries: 2), ["q [fault:500]"])
        guard case .failed(let error)? = outcomes["item-0"]?.status else { Issue.record("not failed"); return }
        #expect(error.kind == .http(status: 500) && outcomes["item-0"]?.retries == 2)
        #expect(fixture.server.requestCount() == 3)
    }

    @Test("oversized prompts are skipped before the call; server context errors after it; neither is cached")
    func skipping() async throws {
        let fixture = try Fixture(extraParams: "max_length: 50\nmax_gen_toks: 10\n")
        defer { fixture.server.stop() }
        let cache = try ResponseCache(path: ":memory:")
        let long = String(repeating: "word ", count: 200)
        let outcomes = try await runAll(fixture.component(cache: cache), [long, "short [fault:context]", "fine [answer:A]"])
        guard case .skipped(let before)? = outcomes["item-0"]?.status else { Issue.record("not skipped"); return }
        #expect(before.contains("context window"))
        guard case .skipped(let after)? = outcomes["item-1"]?.status else { Issue.record("not skipped"); return }
        #expect(after.contains("too long"))
        #expect(fixture.server.requestCount() == 2)
        #expect(try cache.count() == 1)
    }

    @Test("a cached re-run asks the server nothing; refresh asks again; two models keep two entries")
    func caching() async throws {
        let fixture = try Fixture()
        defer { fixture.server.stop() }
        let dirFolder = try TemporaryDirectory("cache")
        let dir = dirFolder.url
        let path = dir.appendingPathComponent("responses.sqlite").path
        let prompts = (0..<20).map { "question \($0)" }
        _ = try await runAll(fixture.component(cache: try ResponseCache(path: path)), prompts)
        #expect(fixture.server.requestCount() == 20)
        let again = try await runAll(fixture.component(cache: try ResponseCache(path: path)), prompts)
        #expect(fixture.server.requestCount() == 20)
        #expect(again.values.allSatisfy { $0.cached })
        _ = try await runAll(fixture.component(cache: try ResponseCache(path: path, mode: .refresh)), prompts)
        #expect(fixture.server.requestCount() == 40)
        // Same prompts, another model: new entries (lm-eval issue #2715 is the bug avoided).
        let other = try Fixture(extraParams: "model: other-model\n")
        defer { other.server.stop() }
        _ = try await runAll(other.component(cache: try ResponseCache(path: path)), prompts)
        #expect(other.server.requestCount() == 20)
        #expect(try ResponseCache(path: path).count() == 40)
    }

    @Test("two writers share one cache file")
    func sharedCache() async throws {
        let fixture = try Fixture()
        defer { fixture.server.stop() }
        let dirFolder = try TemporaryDirectory("cache")
        let dir = dirFolder.url
        let path = dir.appendingPathComponent("shared.sqlite").path
        async let a = runAll(fixture.component(cache: try ResponseCache(path: path)), (0..<50).map { "a\($0)" })
        async let b = runAll(fixture.component(cache: try ResponseCache(path: path)), (0..<50).map { "b\($0)" })
        _ = try await (a, b)
        #expect(try ResponseCache(path: path).count() == 100)
    }

    @Test("two runs asking for the same answers at once ask the server once per answer")
    func sameAnswersAtOnce() async throws {
        let fixture = try Fixture(plan: FaultPlan(latencyMilliseconds: 20))
        defer { fixture.server.stop() }
        let dirFolder = try TemporaryDirectory("cache")
        let dir = dirFolder.url
        let path = dir.appendingPathComponent("shared.sqlite").path
        let prompts = (0..<60).map { "same \($0)" }
        async let a = runAll(fixture.component(cache: try ResponseCache(path: path)), prompts)
        async let b = runAll(fixture.component(cache: try ResponseCache(path: path)), prompts)
        let (first, second) = try await (a, b)
        #expect(fixture.server.requestCount() == 60)
        #expect(first.count == 60 && second.count == 60)
        let answered = first.values.filter { !$0.cached }.count + second.values.filter { !$0.cached }.count
        #expect(answered == 60, "each answer asked for by exactly one run")
        #expect(try ResponseCache(path: path).claimCount() == 0, "no claim outlives its run")
    }

    @Test("no secret reaches the cache file")
    func secretsStayOut() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let secret = "sk-\(UUID().uuidString)"
        let params = try YAMLLoader.load("model_name: m\nbase_url: http://127.0.0.1:\(server.port)/v1\n", file: "p.yaml")
        let model = try ModelMap.default.build(LLMConfig(name: "openai_chat", params: params),
                                               environment: ModelEnvironment(environment: { $0 == "OPENAI_API_KEY" ? secret : nil }))
        let dirFolder = try TemporaryDirectory("cache")
        let dir = dirFolder.url
        let path = dir.appendingPathComponent("c.sqlite").path
        let component = ResponseComponent(model: model, cache: try ResponseCache(path: path), policy: ResponsePolicy(), sleep: { _ in })
        _ = try await runAll(component, ["hello", "world"])
        var bytes = Data()
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            bytes += try Data(contentsOf: dir.appendingPathComponent(file))
        }
        #expect(bytes.count > 0)
        #expect(bytes.range(of: Data(secret.utf8)) == nil)
    }

    @Test("results are matched to their items and memory stays bounded by the concurrency")
    func matching() async throws {
        let fixture = try Fixture()
        defer { fixture.server.stop() }
        let prompts = (0..<300).map { "n\($0) [answer:\($0)]" }
        let outcomes = try await runAll(fixture.component(concurrency: 16), prompts)
        #expect(outcomes.count == 300)
        for index in 0..<300 {
            guard case .answered(.generation(let g))? = outcomes["item-\(index)"]?.status else { Issue.record("item \(index)"); continue }
            #expect(g.text == "\(index)")
        }
    }
}

@Suite("Every backend through the ResponseComponent", .timeLimit(.minutes(1)))
struct AllBackendsTests {
    @Test("answers, retries a 429 and scores loglikelihoods where it can", arguments: [
        ("openai_chat", "model_name: gpt-4o\nbase_url: BASE/v1\n", false),
        ("local_chat", "base_url: BASE/v1\n", false),
        ("openai_completion", "model_name: davinci\nbase_url: BASE/v1\n", true),
        ("local_completions", "base_url: BASE/v1\n", true),
        ("aleph_alpha", "model_name: luminous\nbase_url: BASE\n", true),
    ])
    func backend(name: String, params: String, scores: Bool) async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let yaml = params.replacingOccurrences(of: "BASE", with: "http://127.0.0.1:\(server.port)")
        let model = try ModelMap.default.build(LLMConfig(name: name, params: try YAMLLoader.load(yaml, file: "p.yaml")),
                                               environment: ModelEnvironment(environment: { ["OPENAI_API_KEY": "k", "AA_TOKEN": "t"][$0] }))
        let component = ResponseComponent(model: model, cache: try ResponseCache(path: ":memory:"), policy: ResponsePolicy(), sleep: { _ in })
        var requests = [ResponseItem(id: "g", request: .generate(GenerationRequest(prompt: .text("q [answer:B] [fault:429x1]"))))]
        if scores {
            requests.append(ResponseItem(id: "l", request: .loglikelihood(LoglikelihoodRequest(context: "one two", continuation: " three"))))
        }
        let collector = Collector()
        try await component.run(requests) { await collector.add($0) }
        let outcomes = await collector.outcomes
        guard case .answered(.generation(let g))? = outcomes["g"]?.status else { Issue.record("\(name): \(String(describing: outcomes["g"]?.status))"); return }
        #expect(g.text == "B" && outcomes["g"]?.retries == 1)
        if scores {
            guard case .answered(.loglikelihood(let l))? = outcomes["l"]?.status else { Issue.record("\(name) loglikelihood"); return }
            #expect(l.logprob <= 0)
        }
    }
}

@Suite("Token counts from the model's tokenizer", .timeLimit(.minutes(1)))
struct TokenizerSkippingTests {
    @Test("a local tokenizer.json gives exact counts, and skipping uses them")
    func exactCounts() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let tokenizerPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TokenizersTests/Fixtures/gpt2_style.json").path
        let yaml = "base_url: http://127.0.0.1:\(server.port)/v1\ntokenizer: \(tokenizerPath)\nmax_length: 40\nmax_gen_toks: 8\n"
        let model = try ModelMap.default.build(LLMConfig(name: "local_completions", params: try YAMLLoader.load(yaml, file: "p.yaml")),
                                               environment: ModelEnvironment(environment: { _ in nil }))
        let text = "The quick brown fox jumps over the lazy dog."
        let count = try #require(model.countTokens(.text(text)))
        #expect(count > 5 && count < 30)
        let component = ResponseComponent(model: model, cache: nil, policy: ResponsePolicy(), sleep: { _ in })
        let fits = String(repeating: "a ", count: 10)
        let tooLong = String(repeating: "words and more words ", count: 20)
        let outcomes = try await runAll(component, [fits, tooLong])
        guard case .answered? = outcomes["item-0"]?.status else { Issue.record("short prompt not answered"); return }
        guard case .skipped(let reason)? = outcomes["item-1"]?.status else { Issue.record("long prompt not skipped"); return }
        #expect(reason.contains("prompt has") && !reason.contains("about"))  // exact, not estimated
        #expect(server.requestCount() == 1)
    }
}

actor SleepRecorder {
    var delays: [Double] = []
    func add(_ d: Double) { delays.append(d) }
}

@Suite("Server hints and backend settings", .timeLimit(.minutes(1)))
struct ServerHintTests {
    @Test("Retry-After from the server sets the wait before the retry")
    func retryAfterHonoured() async throws {
        let fixture = try Fixture(plan: FaultPlan(retryAfterSeconds: 3))
        defer { fixture.server.stop() }
        let recorder = SleepRecorder()
        let component = ResponseComponent(model: fixture.model, cache: nil,
                                          policy: ResponsePolicy(maxRetries: 3, backoff: Backoff(initialWait: 0.01, maxWait: 0.02)),
                                          random: { 0.5 }, sleep: { await recorder.add($0) })
        let outcomes = try await runAll(component, ["q [fault:429x1]"])
        guard case .answered? = outcomes["item-0"]?.status else { Issue.record("not answered"); return }
        #expect(await recorder.delays == [3.0])
    }

    @Test("a backend's own concurrency and retry settings win over the general ones")
    func backendSettings() throws {
        let params = try YAMLLoader.load("model_name: m\nbase_url: http://127.0.0.1:1\n", file: "p")
        let aleph = try ModelMap.default.build(LLMConfig(name: "aleph_alpha", params: params),
                                               environment: ModelEnvironment(environment: { $0 == "AA_TOKEN" ? "t" : nil }))
        let config = try ConfigDecoder().decode(ResponseConfig.self, from: try YAMLLoader.load("max_concurrency: 4\nmax_retries: 2\n", file: "r"))
        let policy = ResponsePolicy(config, model: aleph)
        #expect(policy.maxConcurrency == 32 && policy.maxRetries == 100)
        let local = try ModelMap.default.build(LLMConfig(name: "local_chat", params: try YAMLLoader.load("base_url: http://h/v1\nnum_concurrent: 3\n", file: "p")),
                                               environment: ModelEnvironment(environment: { _ in nil }))
        let localPolicy = ResponsePolicy(config, model: local)
        #expect(localPolicy.maxConcurrency == 3 && localPolicy.maxRetries == 2)
    }
}
