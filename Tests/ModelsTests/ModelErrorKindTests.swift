import Config
import Diagnostics
import Foundation
@testable import Models
import TestSupport
import Testing

/// A model that cannot be built says whose problem it is: a config mistake (exit 2, at its key),
/// a broken file (exit 2, a data error), or this machine failing (exit 1, with the system's cause).
@Suite("ModelError kinds: config, data, environment")
struct ModelErrorKindTests {
    func failure(_ backend: String, _ params: String) -> ModelError? {
        do {
            _ = try makeModel(backend, params)
            return nil
        } catch { return error as? ModelError }
    }

    @Test("a checkpoint that is not GGUF is bad data, not a config mistake")
    func brokenCheckpoint() throws {
        let folder = try TemporaryDirectory()
        try folder.write(["model.gguf": "this is not a model\n"])
        let error = try #require(failure("hf_local", "checkpoint_path: \(folder.url.path)/model.gguf\n"))
        #expect(error.kind == .invalidData && error.message.contains("is not a GGUF file"), "\(error)")
        #expect(error.userError.kind == .data && error.userError.exitCode == 2 && error.isFatalForRun)
    }

    @Test("a vllm executable that cannot be started is this machine's failure: exit 1, with the system's reason as the cause")
    func missingExecutable() throws {
        let error = try #require(failure("vllm", "model_name: m\nexecutable: /nonexistent/vllm\nstartup_timeout: 5\n"))
        #expect(error.kind == .environment, "\(error)")
        #expect(error.userError.kind == .runtime && error.userError.exitCode == 1)
        #expect(error.cause?.isEmpty == false && error.message.contains("/nonexistent/vllm"), "\(error)")
    }

    @Test("config mistakes name their key", arguments: [
        ("local_completions", "base_url: http://h/v1\nformatter_name: ChatMLFormater\n", "model.params.formatter_name"),
        ("hf_local", "device: cuda\ncheckpoint_path: x.gguf\n", "model.params.device"),
        ("hf_local", "model_name: org/absent-model\n", "model.params.model_name"),
    ])
    func configKeys(backend: String, params: String, keyPath: String) throws {
        let error = try #require(failure(backend, params))
        #expect(error.kind == .configuration && error.keyPath == keyPath, "\(error)")
        #expect(error.userError.place.keyPath == keyPath && error.userError.exitCode == 2)
    }
}
