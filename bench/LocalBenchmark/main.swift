import Config
import Foundation
import Models

// bench/local.sh: greedy decoding and MCQ loglikelihood scoring through the local backend,
// the same workloads bench/local_peers.py runs through llama-cpp-python and transformers.
// Usage: LocalBenchmark CHECKPOINT [float32|bfloat16|int8] [threads]; prints one JSON object.

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: LocalBenchmark CHECKPOINT [float32|bfloat16|int8] [threads]\n".utf8))
    exit(2)
}
let dtype = arguments.count > 2 ? arguments[2] : "float32"

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

let loadStart = ContinuousClock.now
let threads = arguments.count > 3 ? arguments[3] : "null"
// "int8" is quantization: int8 (int8 products by blocks of 32) with float32 between them.
let precision = dtype == "int8" ? "dtype: float32\nquantization: int8" : "dtype: \(dtype)"
let params = try YAMLLoader.load("checkpoint_path: \(arguments[1])\n\(precision)\nbatch_size: 64\nmax_new_tokens: 128\nthreads: \(threads)\n", file: "<bench>")
let model = try ModelMap.default.build(LLMConfig(name: "hf_local", params: params))
let load = ContinuousClock.now - loadStart

let story = Prompt.chat([.user("Write a long story about a dragon who learns to bake bread.")])
let greedy = GenerationParameters(maxTokens: 128, temperature: 0)

// Warm-up: first calls allocate the cache.
_ = try await model.generate(GenerationRequest(prompt: story, parameters: GenerationParameters(maxTokens: 8)))

var singleTokens = 0
let singleTime = try await seconds {
    singleTokens = try await model.generate(GenerationRequest(prompt: story, parameters: greedy)).usage?.completionTokens ?? 0
}

func streamsPerSecond(_ streams: Int) async throws -> Double {
    var batchTokens = 0
    let batchTime = try await seconds {
    batchTokens = try await withThrowingTaskGroup(of: Int.self) { group in
        for i in 0..<streams {
            let prompt = Prompt.chat([.user("Write a long story about dragon number \(i) who learns to bake bread.")])
            group.addTask { try await model.generate(GenerationRequest(prompt: prompt, parameters: greedy)).usage?.completionTokens ?? 0 }
        }
        var total = 0
        for try await n in group { total += n }
        return total
    }
    }
    return Double(batchTokens) / batchTime
}
// LOCAL_BENCH_ONLY=STREAMSxROUNDS (1x6, 64x2): only greedy decoding of that many streams, that
// many times, each rate on its own line: for a profiler attached to this process (perf record
// -p), which then sees nothing else.
if let only = ProcessInfo.processInfo.environment["LOCAL_BENCH_ONLY"] {
    let parts = only.split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2 else { fatalError("LOCAL_BENCH_ONLY: STREAMSxROUNDS, such as 1x6") }
    for _ in 0..<parts[1] { print("\(parts[0]) streams: \(try await streamsPerSecond(parts[0])) tok/s") }
    exit(0)
}
let perSecond16 = try await streamsPerSecond(16)
let decodeBefore64 = await (model as? LocalModel)?.decodeTotals() ?? (tokens: 0, seconds: 0)
let perSecond64 = try await streamsPerSecond(64)
let decodeAfter64 = await (model as? LocalModel)?.decodeTotals() ?? (tokens: 0, seconds: 0)
let decodeTotals64 = (tokens: decodeAfter64.tokens - decodeBefore64.tokens, seconds: decodeAfter64.seconds - decodeBefore64.seconds)

// 100 MCQ items, 4 one-token choices each, contexts of about 60 tokens, as many requests in
// flight as the ResponseComponent sends this backend (its max_concurrency: 2 x batch_size).
let inFlightLimit = model.requestSettings.maxConcurrency ?? 8
let questions = (0..<100).map { i in
    "Question \(i): Which of these is the best answer to question number \(i) about science and history?\n\nA. The first option\nB. The second option\nC. The third option\nD. The fourth option\n\nAnswer:"
}
let mcqTime = try await seconds {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var inFlight = 0
        for q in questions {
            for letter in ["A", "B", "C", "D"] {
                if inFlight >= inFlightLimit { try await group.next(); inFlight -= 1 }
                group.addTask { _ = try await model.loglikelihood(LoglikelihoodRequest(context: q, continuation: " " + letter)) }
                inFlight += 1
            }
        }
        try await group.waitForAll()
    }
}

// Issue 16's yardstick: a decoding step of 64 streams against its matrix products alone (the
// weight products, and attention's over the mean context of the 64-stream run: prompt plus
// half the answer). The step's own rate counts decoding steps only (engine calls and
// sampling), not the prefills the 64-stream figure above includes.
var productsOnly64 = 0.0, weightsOnly64 = 0.0, decodeStep64 = 0.0
if let local = model as? LocalModel {
    let prompt = local.countTokens(Prompt.chat([.user("Write a long story about dragon number 10 who learns to bake bread.")])) ?? 40
    let (weights, attention) = try await local.timeMatrixProducts(rows: 64, context: prompt + 64)
    weightsOnly64 = 64 / weights
    productsOnly64 = 64 / (weights + attention)
    decodeStep64 = decodeTotals64.seconds > 0 ? Double(decodeTotals64.tokens) / decodeTotals64.seconds : 0
}

let result: [String: Any] = [
    "backend": "runner (libtorch \(dtype))",
    "load_seconds": Double(load.components.seconds) + Double(load.components.attoseconds) / 1e18,
    "greedy_tokens_per_second_1_stream": Double(singleTokens) / singleTime,
    "greedy_tokens_per_second_16_streams": perSecond16,
    "greedy_tokens_per_second_64_streams": perSecond64,
    "mcq_items_per_second": Double(questions.count) / mcqTime,
    "decode_steps_tokens_per_second_64_streams": decodeStep64,
    "weight_products_tokens_per_second_64_rows": weightsOnly64,
    "matrix_products_tokens_per_second_64_rows": productsOnly64,
    "decode_step_share_of_matrix_products_64": productsOnly64 > 0 ? decodeStep64 / productsOnly64 : 0,
    // 1 unless the engine's passes ran on several threads (one bfloat16 stream: 32-36 tok/s on
    // 2-3 threads against 124-130 on one).
    "engine_calling_threads": await (model as? LocalModel)?.engineCallingThreads() ?? 0,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
