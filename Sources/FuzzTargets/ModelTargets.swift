import Config
import Foundation
import Models

/// What servers send back: every backend's response parsing, over a transport that answers
/// each request with the fuzz input (its first byte picks the HTTP status).
enum ModelTargets {
    /// Answers every request with the current input; one input runs at a time.
    final class Canned: HTTPTransport, @unchecked Sendable {
        var status = 200
        var body = Data()
        func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
            HTTPResponse(status: status, headers: ["retry-after": "1", "content-type": "application/json"], body: body)
        }
    }

    static let statuses = [200, 200, 200, 200, 400, 401, 404, 408, 413, 422, 429, 500, 503]

    static let transport = Canned()

    /// Every HTTP backend, built once (building reads YAML and is slower than parsing a response).
    static let models: [(String, any LanguageModel)] = {
        let environment = ModelEnvironment(environment: { _ in "sk-fuzz" }, transport: transport)
        let configs: [(String, String)] = [
            ("openai_chat", "model_name: gpt-4o\nlogprobs: true\ntop_logprobs: 5\n"),
            ("openai_completion", "model_name: davinci-002\n"),
            ("local_chat", "base_url: http://127.0.0.1:1/v1\n"),
            ("local_completions", "base_url: http://127.0.0.1:1/v1\n"),
            ("aleph_alpha", "model_name: luminous-base\n"),
            ("anthropic", "model_name: claude-sonnet-4-5\n"),
        ]
        var models: [(String, any LanguageModel)] = configs.map { name, params in
            do {
                return (name, try ModelMap.default.build(LLMConfig(name: name, params: try YAMLLoader.load(params, file: "p.yaml")),
                                                         environment: environment))
            } catch {
                fatalError("responses: the fixed \(name) config does not build: \(error)")
            }
        }
        // The safety checker's moderation endpoint (+safety=moderation).
        do {
            models.append(("moderation", try ModerationModel(model: "omni-moderation-latest", baseURL: "http://127.0.0.1:1/v1",
                                                              apiKeyEnv: "OPENAI_API_KEY", environment: environment)))
        } catch {
            fatalError("responses: the moderation model does not build: \(error)")
        }
        return models
    }()

    static func responses(_ data: [UInt8]) {
        guard let first = data.first else { return }
        transport.status = statuses[Int(first) % statuses.count]
        transport.body = Data(data.dropFirst())
        let models = self.models
        blocking {
            for (name, model) in models {
                do {
                    _ = try await model.generate(GenerationRequest(prompt: .chat([.user("Q?")]),
                                                                   parameters: GenerationParameters(maxTokens: 4, logprobs: true, topLogprobs: 5)))
                } catch { expectShaped(error, "responses \(name) generate") }
                if model.capabilities.loglikelihood {
                    do {
                        _ = try await model.loglikelihood(LoglikelihoodRequest(context: "Question: Q?\nAnswer:", continuation: " A"))
                    } catch { expectShaped(error, "responses \(name) loglikelihood") }
                }
                // The Batch API's answers: a batch object, a file's lines, an output line's body.
                if let batchModel = model as? any BatchCapableModel {
                    let api = batchModel.batchAPI
                    do { _ = try await api.retrieve("batch_1") } catch { expectShaped(error, "responses \(name) batch") }
                    let finished = BatchStatus(id: "batch_1", status: "ended", total: 1, completed: 1, failed: 0, isFinished: true, outputFileID: "file-1")
                    do { _ = try await api.results(of: finished) } catch { expectShaped(error, "responses \(name) batch results") }
                    let entry = BatchEntry(key: "k", url: "/v1/x", body: ["model": "m"])
                    do { _ = try await api.submit([entry], endpoint: "/v1/x", completionWindow: "24h", name: "f.jsonl") } catch { expectShaped(error, "responses \(name) submit") }
                    if let json = try? JSONValue.parse(Data(data.dropFirst())) {
                        let request = ModelRequest.generate(GenerationRequest(prompt: .chat([.user("Q?")])))
                        do { _ = try batchModel.batchAnswer(json, for: request) } catch { expectShaped(error, "responses \(name) batch line") }
                    }
                }
            }
        }
    }
}
