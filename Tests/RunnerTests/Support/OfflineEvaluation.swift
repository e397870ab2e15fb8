import FakeLLMServer
import Foundation
import TestSupport
import Testing

/// Overrides that let any run of the repository's configs evaluate offline, quickly: a fake
/// OpenAI-compatible server on loopback, two items of the bundled example data, no cache.
final class OfflineEvaluation {
    let server: FakeLLMServer

    init() throws { server = try FakeLLMServer(port: 0, idleTimeout: 300) }

    var overrides: [String] {
        ["model.params.base_url=http://127.0.0.1:\(server.port)/v1",
         "task.dataset.path=\(RunnerProcess.packageRoot.path)/data/${task.name}_example.jsonl",
         "task.dataset.limit=2", "response.cache.mode=off"]
    }

    /// OpenAI backends need a key in the environment; the fake server accepts any.
    let environment = ["OPENAI_API_KEY": "sk-fake-for-tests"]

    deinit { server.stop() }
}
