import Config
import FakeLLMServer
import Foundation
@testable import Models
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Backends: registry, params, payloads")
struct BackendTests {
    static let chatOK = #"{"choices":[{"message":{"role":"assistant","content":"B"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#

    @Test("verify_certificate: false builds a transport without certificate checks; the default checks them", arguments: [
        ("verify_certificate: false\n", false), ("verify_certificate: true\n", true), ("", true),
    ])
    func verification(setting: String, verifies: Bool) throws {
        let params = try YAMLLoader.load("base_url: https://x/v1\n" + setting, file: "p")
        let model = try ModelMap.default.build(LLMConfig(name: "local_chat", params: params), environment: ModelEnvironment(environment: { _ in nil }))
        let transport = try #require((model as? OpenAIChatModel)?.client.transport as? CurlTransport)
        #expect(transport.verifyCertificates == verifies)
    }

    @Test("an unknown model name lists the known ones")
    func unknownModel() throws {
        do {
            _ = try makeModel("openai_chta", "{}")
            Issue.record("built")
        } catch let error as ConfigError {
            #expect(error.description.contains("unknown model 'openai_chta'"))
            #expect(error.hint?.contains("did you mean 'openai_chat'?") == true)
            #expect(error.hint?.contains("aleph_alpha, anthropic, hf_local, local_chat, local_completions, openai_chat, openai_completion, vllm") == true)
        }
    }

    @Test("each backend rejects unknown params by key path")
    func unknownParam() {
        #expect {
            _ = try makeModel("local_chat", "base_url: http://127.0.0.1:1/v1\ntemprature: 1\n")
        } throws: { error in
            let e = error as? ConfigError
            return e?.keyPath == "model.params.temprature" && e?.hint == "did you mean 'temperature'?"
        }
    }

    @Test("a missing key names the variable and never a value")
    func missingKey() {
        #expect {
            _ = try makeModel("openai_chat", "model_name: gpt-4o\napi_key_env: MY_KEY\n")
        } throws: { error in
            (error as? ModelError)?.message.contains("MY_KEY") == true && (error as? ModelError)?.kind == .configuration
        }
    }

    @Test("openai_chat: temperature 0.0 by default, max_completion_tokens, bearer key, organization")
    func openAIChatPayload() async throws {
        let transport = RecordingTransport(json: Self.chatOK)
        let model = try makeModel("openai_chat", "model_name: gpt-4o\nmax_tokens: 100\nbytes_per_token: 2.0\norganization: org-1\n",
                                  env: ["OPENAI_API_KEY": "sk-secret"], transport: transport)
        let answer = try await model.generate(GenerationRequest(prompt: .chat([.system("s"), .user("q")])))
        #expect(answer.text == "B" && answer.finishReason == "stop" && answer.usage == TokenUsage(promptTokens: 3, completionTokens: 1))
        let body = try #require(transport.lastBody)
        #expect(body["temperature"]?.doubleValue == 0)
        #expect(body["max_completion_tokens"] == .int(200))  // ceil(100 * 4 / 2)
        #expect(body["max_tokens"] == nil)
        #expect(body["messages"]?[0]?["role"] == "system")
        let request = try #require(transport.requests.last)
        #expect(request.url.absoluteString == "https://api.openai.com/v1/chat/completions")
        #expect(request.headers["Authorization"] == "Bearer sk-secret")
        #expect(request.headers["OpenAI-Organization"] == "org-1")
        #expect(!model.modelDict.canonicalString.contains("sk-secret"))
        #expect(!model.modelDict.canonicalString.contains("org-1"))
    }

    @Test("Azure OpenAI: deployment URL with api-version and the api-key header")
    func azure() async throws {
        let transport = RecordingTransport(json: Self.chatOK)
        let model = try makeModel("openai_chat", "model_name: gpt-4o\nbase_url: https://res.openai.azure.com\nazure_deployment: dep\napi_version: 2024-06-01\n",
                                  env: ["OPENAI_API_KEY": "az-key"], transport: transport)
        _ = try await model.generate(GenerationRequest(prompt: .text("hi")))
        let request = try #require(transport.requests.last)
        #expect(request.url.absoluteString == "https://res.openai.azure.com/openai/deployments/dep/chat/completions?api-version=2024-06-01")
        #expect(request.headers["api-key"] == "az-key" && request.headers["Authorization"] == nil)
    }

    @Test("image parts go out as OpenAI content parts")
    func images() async throws {
        let transport = RecordingTransport(json: Self.chatOK)
        let model = try makeModel("local_chat", "base_url: http://127.0.0.1:1/v1\n", transport: transport)
        let message = ChatMessage(role: .user, parts: [.text("what is this?"), .imageURL("data:image/png;base64,AAAA")])
        _ = try await model.generate(GenerationRequest(prompt: .chat([message])))
        let content = try #require(transport.lastBody?["messages"]?[0]?["content"]?.arrayValue)
        #expect(content[1]["type"] == "image_url" && content[1]["image_url"]?["url"] == "data:image/png;base64,AAAA")
        #expect(transport.lastBody?["max_tokens"] == .int(256))
    }

    @Test("modelDict changes with what changes answers, not with timeouts or keys")
    func identity() throws {
        let a = try makeModel("local_chat", "base_url: http://h/v1\nmodel: m\ntimeout: 5\n")
        let b = try makeModel("local_chat", "base_url: http://h/v1\nmodel: m\ntimeout: 50\nnum_concurrent: 9\n")
        let c = try makeModel("local_chat", "base_url: http://h/v1\nmodel: m2\n")
        let d = try makeModel("local_chat", "base_url: http://h/v1\nmodel: m\ntemperature: 0.7\n")
        #expect(a.modelDict == b.modelDict)
        #expect(a.modelDict != c.modelDict && a.modelDict != d.modelDict)
    }

    @Test("formatters: ChatML, Llama 3, concatenation")
    func formatters() throws {
        let messages: [ChatMessage] = [.system("Be brief."), .user("Hi")]
        #expect(ChatMLFormatter().format(messages, addGenerationPrompt: true)
                == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        #expect(Llama3Formatter().format(messages, addGenerationPrompt: true)
                == "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
        #expect(ConcatFormatter().format(messages, addGenerationPrompt: true) == "Be brief.\n\nHi")
        #expect(throws: ModelError.self) { try FormatterRegistry.make("ChatMLFormater", kwargs: nil) }
    }

    @Test("bytes_per_token scales max_tokens up for dense tokenizers and down for sparse ones")
    func bytesPerToken() {
        #expect(scaledMaxTokens(100, bytesPerToken: nil) == 100)
        #expect(scaledMaxTokens(100, bytesPerToken: 2) == 200)
        #expect(scaledMaxTokens(100, bytesPerToken: 8) == 50)
        #expect(scaledMaxTokens(10, bytesPerToken: 3) == 14)
    }

    @Test("echo scoring sums the continuation's logprobs and checks greedy tokens")
    func echoScoring() throws {
        let json = try JSONValue.parse(Data(#"""
        {"choices":[{"logprobs":{"tokens":["The"," sky"," is"," blue","!"],
          "token_logprobs":[null,-1.0,-0.5,-0.25,-2.0],
          "top_logprobs":[null,{" sky":-1.0},{" is":-0.5},{" blue":-0.25," red":-1.5},{"!":-2.0}],
          "text_offset":[0,3,7,10,15]}}]}
        """#.utf8))
        let result = try OpenAICompletionModel.scoreEcho(json, context: "The sky is", continuation: " blue")
        #expect(result.logprob == -0.25 && result.isGreedy)
        let notGreedy = try JSONValue.parse(Data(#"{"choices":[{"logprobs":{"tokens":["a"," b"],"token_logprobs":[null,-3.0],"top_logprobs":[null,{" c":-0.1," b":-3.0}],"text_offset":[0,1]}}]}"#.utf8))
        let scored = try OpenAICompletionModel.scoreEcho(notGreedy, context: "a", continuation: " b")
        #expect(scored.logprob == -3 && !scored.isGreedy)
    }
}

@Suite("Backends against the fake server over loopback")
struct LoopbackBackendTests {
    @Test("chat, completions and Aleph Alpha answer; loglikelihood matches the server's logprobs", .timeLimit(.minutes(1)))
    func roundTrips() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)/v1"
        let chat = try makeModel("local_chat", "base_url: \(base)\n")
        #expect(try await chat.generate(GenerationRequest(prompt: .text("Pick one [answer:C]"))).text == "C")
        let completions = try makeModel("local_completions", "base_url: \(base)\n")
        #expect(try await completions.generate(GenerationRequest(prompt: .text("Q? [answer:yes]"))).text == "yes")
        let scored = try await completions.loglikelihood(LoglikelihoodRequest(context: "The capital of France is", continuation: " Paris"))
        #expect(scored.logprob <= 0 && scored.logprob > -3 && scored.isGreedy)
        let aleph = try makeModel("aleph_alpha", "model_name: luminous\nbase_url: http://127.0.0.1:\(server.port)\n", env: ["AA_TOKEN": "t"])
        #expect(try await aleph.generate(GenerationRequest(prompt: .text("x [answer:B]"))).text == "B")
        let alephScore = try await aleph.loglikelihood(LoglikelihoodRequest(context: "one two", continuation: " three"))
        #expect(alephScore.logprob <= 0)
        #expect(server.requestCount("chat/completions") == 1 && server.requestCount("completions") == 2 && server.requestCount("complete") == 2)
    }

    @Test("server errors are classified; 401 messages never contain the key", .timeLimit(.minutes(1)))
    func errors() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let model = try makeModel("openai_chat", "model_name: m\nbase_url: http://127.0.0.1:\(server.port)/v1\n", env: ["OPENAI_API_KEY": "sk-very-secret"])
        for (marker, kind) in [("401", ModelError.Kind.http(status: 401)), ("429", .http(status: 429)), ("context", .contextLengthExceeded),
                               ("malformed", .malformedResponse)] {
            do {
                _ = try await model.generate(GenerationRequest(prompt: .text("p [fault:\(marker)]")))
                Issue.record("\(marker) answered")
            } catch let error as ModelError {
                #expect(error.kind == kind, "\(marker): \(error)")
                #expect(!error.description.contains("sk-very-secret"))
            }
        }
    }
}

@Suite("Errors a backend reports")
struct BackendErrorTests {
    @Test("retrying cannot fix a client error (but 408, 409, 429), 501 or 505; it can fix the rest of 5xx", arguments: [
        (400, false), (401, false), (404, false), (405, false), (422, false), (408, true), (409, true), (429, true),
        (500, true), (501, false), (502, true), (503, true), (504, true), (505, false),
    ])
    func retryable(status: Int, retryable: Bool) {
        #expect(ModelError(.http(status: status), "x").isRetryable == retryable)
    }

    @Test("a 404 names the URL asked and the base_url mistake behind it", .timeLimit(.minutes(1)), arguments: [
        ("local_chat", "/v1/chat/completions", "/v1/chat/completions/chat/completions", "base_url must stop before /chat/completions"),
        ("local_chat", "", "/chat/completions", "does base_url end in /v1?"),
        ("local_completions", "/api", "/api/completions", "does base_url end in /v1?"),
        ("aleph_alpha", "/v1", "/v1/complete", "Aleph Alpha's base_url is the API's root"),
    ])
    func notFound(backend: String, basePath: String, asked: String, hint: String) async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let root = "http://127.0.0.1:\(server.port)"
        let model = try makeModel(backend, (backend == "aleph_alpha" ? "model_name: luminous\n" : "") + "base_url: \(root)\(basePath)\n",
                                  env: ["AA_TOKEN": "t"])
        do {
            _ = try await model.generate(GenerationRequest(prompt: .text("q [answer:A]")))
            Issue.record("\(root)\(asked) answered")
        } catch let error as ModelError {
            #expect(error.kind == .http(status: 404))
            #expect(error.message == "\(root)\(asked) answered 404: Invalid URL (POST \(asked))")
            #expect(error.hint?.contains(hint) == true, "\(error.hint ?? "no hint")")
            #expect(!error.isRetryable)
        }
        #expect(server.requestCount() == 0, "nothing was answered")
    }

    @Test("a 404 for a model the server does not serve points at the model name, not base_url")
    func modelNotFound() {
        let body = Data(#"{"object":"error","message":"The model `tiny` does not exist.","type":"NotFoundError","param":null,"code":404}"#.utf8)
        let error = OpenAIClient.error(status: 404, body: body, headers: [:], endpoint: "http://h:8000/v1/chat/completions", path: "chat/completions")
        #expect(error.message == "http://h:8000/v1/chat/completions answered 404: The model `tiny` does not exist.")
        #expect(error.hint?.contains("model name") == true && error.hint?.contains("/v1") == false, "\(error.hint ?? "")")
    }
}

@Suite("The fake server routes only what real servers serve", .timeLimit(.minutes(1)))
struct FakeServerRoutingTests {
    func send(_ method: String, _ path: String, port: Int, body: String? = nil) async throws -> HTTPResponse {
        try await CurlTransport().send(HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, method: method,
                                                   headers: ["Content-Type": "application/json"], body: body.map { Data($0.utf8) }),
                                       timeout: .seconds(10))
    }

    @Test("the real paths answer")
    func served() async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let chat = #"{"model":"m","messages":[{"role":"user","content":"q [answer:A]"}]}"#
        for (method, path, body) in [("POST", "/v1/chat/completions", chat), ("POST", "/v1/completions", #"{"model":"m","prompt":"q"}"#),
                                     ("POST", "/complete", #"{"model":"m","prompt":"q"}"#), ("POST", "/v1/moderations", #"{"input":"q"}"#),
                                     ("GET", "/v1/models", nil), ("GET", "/health", nil), ("GET", "/v1/stats", nil)] as [(String, String, String?)] {
            #expect(try await send(method, path, port: server.port, body: body).status == 200, "\(method) \(path)")
        }
    }

    @Test("anything else is a 404 with OpenAI's error body", arguments: [
        ("POST", "/chat/completions"), ("POST", "/v1/chat/completions/chat/completions"), ("POST", "/v1/complete"),
        ("GET", "/models"), ("GET", "/v1/chat/completions"), ("POST", "/v2/chat/completions"), ("GET", "/v1/health"),
    ])
    func refused(method: String, path: String) async throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let response = try await send(method, path, port: server.port, body: method == "POST" ? #"{"model":"m","prompt":"q"}"# : nil)
        #expect(response.status == 404)
        let error = try JSONValue.parse(response.body)["error"]
        #expect(error?["message"]?.stringValue == "Invalid URL (\(method) \(path))")
        #expect(error?["type"]?.stringValue == "invalid_request_error")
        #expect(server.requestCount() == 0)
    }

    @Test("a first line that is not HTTP gets 400 and the connection closes at once", arguments: [
        [UInt8]([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]), Array("hello there\r\n".utf8),
    ])
    func notHTTP(bytes: [UInt8]) throws {
        let server = try FakeLLMServer(idleTimeout: 300)
        defer { server.stop() }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(server.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { #expect(n == 0, "closed, not timed out"); break }
            answer += chunk[0..<n]
        }
        #expect(String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
    }
}

@Suite("The project's conf/model files")
struct ProjectModelConfigTests {
    static let confDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("conf/model")

    private func config(_ root: ConfigNode) -> String? { root.node(at: "name")?.string }

    @Test("every conf/model file builds its backend: its params are the backend's params")
    func allBuild() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.confDir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 5)
        // Composed as `runner +model=<file>` composes them (smollm2.yaml extends hf_local.yaml).
        let composer = Composer(repository: ConfigRepository(searchPath: [Self.confDir.deletingLastPathComponent().path]), configName: "config")
        for file in files {
            let composition = try composer.compose(overrides: [try OverrideParser.parse("+model=" + file.replacingOccurrences(of: ".yaml", with: ""))])
            // Resolved as a run resolves it: the sampling seed follows the top-level `seed`.
            var resolver = Resolver(root: composition.config)
            let resolved = try resolver.resolveAll()
            var root = try #require(resolved.node(at: "model"))
            #expect(root.node(at: "params.seed")?.value == .int(1234) || root.node(at: "params.sampling_params.seed")?.value == .int(1234)
                    || ["aleph_alpha", "anthropic"].contains(config(root)), "\(file): the seed follows the top-level seed (APIs without a seed excepted)")
            if root.node(at: "params.base_url")?.isMissing == true {
                root.setNode(ConfigNode(.string("http://127.0.0.1:1/v1")), at: "params.base_url")
            }
            if root.node(at: "name")?.value == .string("hf_local") {
                // The bare backend names no checkpoint, and smollm2's path is relative to the
                // project folder: both get the file the setup fetches.
                root.setNode(ConfigNode(.string(LocalModelTests.smollm2)), at: "params.checkpoint_path")
            }
            let config = try ConfigDecoder().decode(LLMConfig.self, from: root)
            if config.name == "vllm" {
                // Building it would start `vllm serve` (RunnerTests/ManagedVLLMTests runs a stand-in):
                // its params are read as the backend reads them.
                _ = try ConfigDecoder().decode(VLLMParams.self, from: root.node(at: "params")!, at: "model.params")
                continue
            }
            let model = try ModelMap.default.build(config, environment: ModelEnvironment(environment: { ["OPENAI_API_KEY": "k", "AA_TOKEN": "t", "ANTHROPIC_API_KEY": "a"][$0] },
                                                                                         transport: RecordingTransport(json: "{}")))
            #expect(model.name == config.name, "\(file)")
        }
    }
}
