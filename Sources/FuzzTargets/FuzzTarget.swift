import Config
import Dispatch
import Foundation

/// One parser of untrusted input, driven by bytes: what a libFuzzer target (`fuzz/`) and the
/// regression tests over the committed corpus both call.
///
/// The contract checked is the runner's: no input traps, and every failure is one of the
/// shaped user errors (``Diagnostics/UserFacingError``) with a message. Anything else ends the
/// process, which is how the fuzzer and the tests notice.
public struct FuzzTarget: Sendable {
    public let name: String
    public let run: @Sendable ([UInt8]) -> Void

    /// Every target, by name (the folder names under `fuzz/corpus/`).
    public static let all: [FuzzTarget] = [
        .init(name: "overrides", run: ConfigTargets.overrides),
        .init(name: "yaml", run: ConfigTargets.yaml),
        .init(name: "compose", run: ConfigTargets.compose),
        .init(name: "interpolation", run: ConfigTargets.interpolation),
        .init(name: "responses", run: ModelTargets.responses),
        .init(name: "gguf", run: CheckpointTargets.gguf),
        .init(name: "safetensors", run: CheckpointTargets.safetensors),
        .init(name: "tokenizer", run: CheckpointTargets.tokenizer),
        .init(name: "datasets", run: TaskTargets.datasets),
        .init(name: "templates", run: TaskTargets.templates),
        .init(name: "lmeval_task", run: TaskTargets.lmEvalTask),
        .init(name: "lmeval_index", run: LMEvalIndexTarget.index),
        .init(name: "python", run: TaskTargets.python),
        .init(name: "worker_reply", run: TaskTargets.workerReply),
        .init(name: "hf_readme", run: TaskTargets.hfReadme),
        .init(name: "report", run: ReportTargets.report),
        .init(name: "parquet", run: ColumnarTargets.parquet),
        .init(name: "codecs", run: ColumnarTargets.codecs),
        .init(name: "arrow", run: ColumnarTargets.arrow),
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// Checks a thrown error has the one shape; anything else stops the process.
func expectShaped(_ error: any Error, _ target: String) {
    guard let shaped = error as? any UserFacingError else {
        fatalError("\(target): a failure that is not a user error: \(type(of: error)): \(error)")
    }
    let problem = shaped.userError
    if problem.message.isEmpty { fatalError("\(target): a user error without a message: \(problem)") }
    _ = problem.description
}

/// Runs `body`, checking what it throws.
func shaped(_ target: String, _ body: () throws -> Void) {
    do { try body() } catch { expectShaped(error, target) }
}

/// Bytes as text, the way the runner reads files (invalid UTF-8 is refused there, so here too).
func text(_ data: [UInt8]) -> String? { String(validating: data, as: UTF8.self) }

/// Waits for an async body from synchronous fuzz code.
func blocking(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        await body()
        done.signal()
    }
    done.wait()
}

/// A scratch folder for targets that read files.
let scratch: String = {
    let path = NSTemporaryDirectory() + "runner-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

func writeScratch(_ name: String, _ data: [UInt8]) -> String {
    let path = scratch + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(data))
    return path
}
