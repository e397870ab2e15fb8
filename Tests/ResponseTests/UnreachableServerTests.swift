import Config
import FakeLLMServer
import Foundation
import Models
import Response
import Synchronization
import Testing

/// A model that answers by a script, to test the ResponseComponent's reaction to failures
/// in a fixed order without a server.
final class ScriptedModel: LanguageModel {
    let name = "scripted"
    var modelDict: JSONValue { ["backend": "scripted"] }
    var capabilities: ModelCapabilities { ModelCapabilities() }
    private let script: Mutex<[Result<String, ModelError>]>
    let calls = Atomic<Int>(0)

    init(_ script: [Result<String, ModelError>]) { self.script = Mutex(script) }

    func generate(_ request: GenerationRequest) async throws -> Generation {
        calls.add(1, ordering: .relaxed)
        let next = script.withLock { $0.isEmpty ? .success("again") : $0.removeFirst() }
        return Generation(text: try next.get())
    }
}

/// "slow" waits until cancelled; anything else cannot reach the server.
final class SlowOrRefusedModel: LanguageModel {
    let name = "slow-or-refused"
    var modelDict: JSONValue { ["backend": "slow-or-refused"] }
    var capabilities: ModelCapabilities { ModelCapabilities() }

    func generate(_ request: GenerationRequest) async throws -> Generation {
        if case .text("slow") = request.prompt {
            try await Task.sleep(for: .seconds(60))
            return Generation(text: "late")
        }
        throw UnreachableServerTests.refused
    }
}

@Suite("an unreachable server", .timeLimit(.minutes(1)))
struct UnreachableServerTests {
    static let refused = ModelError(.unreachable, "cannot reach http://127.0.0.1:9/v1/chat/completions: Connection refused")

    func run(_ model: ScriptedModel, prompts: Int, concurrency: Int = 1) async throws -> (outcomes: [ResponseOutcome], stopped: RunStopped?) {
        let component = ResponseComponent(model: model, cache: nil, policy: ResponsePolicy(maxConcurrency: concurrency, maxRetries: 5), sleep: { _ in })
        let outcomes = Mutex<[ResponseOutcome]>([])
        let items = (0..<prompts).map { ResponseItem(id: "\($0)", request: .generate(GenerationRequest(prompt: .text("q\($0)")))) }
        do {
            try await component.run(items) { outcome in outcomes.withLock { $0.append(outcome) } }
            return (outcomes.withLock { $0 }, nil)
        } catch let stopped as RunStopped {
            return (outcomes.withLock { $0 }, stopped)
        }
    }

    @Test("before any answer: three quick attempts, then the run stops naming the URL")
    func stopsEarly() async throws {
        let model = ScriptedModel(Array(repeating: .failure(Self.refused), count: 100))
        let (outcomes, stopped) = try await run(model, prompts: 40)
        let stop = try #require(stopped)
        #expect(stop.cause.message.contains("http://127.0.0.1:9/v1/chat/completions"))
        #expect(model.calls.load(ordering: .relaxed) == 3, "not 40 items x 6 attempts")
        #expect(outcomes.count == 1)
    }

    @Test("after an answer, a server that goes away and comes back is retried like any failure")
    func retriedOnceAnswered() async throws {
        let model = ScriptedModel([.success("A"), .failure(Self.refused), .failure(Self.refused), .failure(Self.refused), .success("B")])
        let (outcomes, stopped) = try await run(model, prompts: 2)
        #expect(stopped == nil)
        #expect(outcomes.count == 2)
        #expect(outcomes.allSatisfy { if case .answered = $0.status { return true } else { return false } })
        #expect(outcomes.first { $0.id == "1" }?.retries == 3)
    }

    @Test("a caller that cancels on the item that stopped the run (max_error_rate) still learns why it stopped")
    func cancelledByTheCaller() async throws {
        // One item cannot reach the server; the other is in flight when the caller, counting the
        // first failure past its error rate, cancels the run.
        let model = SlowOrRefusedModel()
        let component = ResponseComponent(model: model, cache: nil, policy: ResponsePolicy(maxConcurrency: 2, maxRetries: 5), sleep: { _ in })
        let items = [ResponseItem(id: "slow", request: .generate(GenerationRequest(prompt: .text("slow")))),
                     ResponseItem(id: "bad", request: .generate(GenerationRequest(prompt: .text("bad"))))]
        do {
            try await component.run(items) { outcome in
                if case .failed = outcome.status { withUnsafeCurrentTask { $0?.cancel() } }
            }
            Issue.record("the run went on")
        } catch let stopped as RunStopped {
            #expect(stopped.cause == Self.refused)
        }
        #expect(component.firstFailure == Self.refused)
    }

    @Test("a refused connection is reported as unreachable by the transport")
    func transport() async throws {
        // A port nothing listens on: bind one, then close it.
        let probe = try FakeLLMServer(idleTimeout: 5)
        let port = probe.port
        probe.stop()
        let transport = CurlTransport()
        let request = HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/models")!, method: "GET")
        do {
            _ = try await transport.send(request, timeout: .seconds(5))
            Issue.record("a closed port answered")
        } catch let error as ModelError {
            #expect(error.kind == .unreachable)
            #expect(error.message.contains("http://127.0.0.1:\(port)/v1/models"))
        }
    }
}
