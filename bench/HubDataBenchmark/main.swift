#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Config
import Foundation
import Models
import Tasks

// MMLU start-up, in process: each lm-eval task file in TASK_DIR (bench/hub_data.sh copies
// lm-eval's mmlu/default there) is built as `+task=lm_eval task.path=FILE task.limit=1` builds
// it (the task section decoded from YAML, TaskRegistry.default.build with a loglikelihood
// model's capabilities: the file read with its include, the dataset found in the caches and
// read, the document's prompt built), then its first request is made. Prints one JSON line per
// round (the first round is the one a process start pays; the rest show the steady cost) and,
// with --prompt, the first file's first prompt.
//
// Usage: HubDataBenchmark TASK_DIR [ROUNDS] [--prompt]   (HF_DATASETS_CACHE says where the data is)

let arguments = CommandLine.arguments.dropFirst().filter { $0 != "--prompt" }
let showPrompt = CommandLine.arguments.contains("--prompt")
guard let taskDir = arguments.first else {
    FileHandle.standardError.write(Data("usage: HubDataBenchmark TASK_DIR [ROUNDS] [--prompt]\n".utf8))
    exit(2)
}
let rounds = arguments.dropFirst().first.flatMap { Int($0) } ?? 3

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let files = try FileManager.default.contentsOfDirectory(atPath: taskDir)
    .filter { $0.hasPrefix("mmlu_") && $0.hasSuffix(".yaml") }.sorted().map { taskDir + "/" + $0 }
let context = TaskContext(capabilities: ModelCapabilities(loglikelihood: true), modelName: "hf_local", seed: 1234)

/// What the runner does for one task file before the model is asked anything.
func firstRequest(_ file: String) throws -> ModelRequest {
    let section = try YAMLLoader.load("name: lm_eval\npath: \(file)\nlimit: 1\n", file: "task.yaml")
    let config = try ConfigDecoder().decode(TaskConfig.self, from: section, at: "task")
    let task = try TaskRegistry.default.build(config, context: context)
    guard let request = try task.requests(for: task.items.item(at: 0)).first else {
        throw TaskError("no request for the first document of \(file)", at: file)
    }
    return request
}

for round in 1...rounds {
    let start = monotonicSeconds()
    var slowest = (0.0, "")
    var first: ModelRequest?
    for file in files {
        let fileStart = monotonicSeconds()
        let request = try firstRequest(file)
        first = first ?? request
        let seconds = monotonicSeconds() - fileStart
        if seconds > slowest.0 { slowest = (seconds, (file as NSString).lastPathComponent) }
    }
    let elapsed = monotonicSeconds() - start
    print(#"{"measure": "runner in process", "round": \#(round), "tasks": \#(files.count), "total_s": \#(elapsed), "per_task_ms": \#(elapsed * 1000 / Double(max(files.count, 1))), "slowest_ms": \#(slowest.0 * 1000), "slowest": "\#(slowest.1)"}"#)
    if round == 1, showPrompt, case .loglikelihood(let request)? = first {
        FileHandle.standardError.write(Data(("first prompt:\n" + request.context + "\n").utf8))
    }
}
