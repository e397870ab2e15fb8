import CTorchAPI
import Dispatch
import Foundation
import Synchronization

/// A loaded Llama-family model on the Torch engine, serving many requests at once.
///
/// The ResponseComponent sends items concurrently, as it does to a server; the engine
/// gathers the generations that arrive into one batch (continuous batching: a sequence joins
/// when a cache slot frees up and leaves when it stops), so 16 streams cost little more than
/// one. Loglikelihood requests that share a context (the choices of one question) reuse its
/// prefill: a one-token continuation costs nothing beyond the context.
///
/// Engine calls block for milliseconds to seconds, so they run on one serial dispatch queue
/// of their own rather than on Swift's small cooperative pool; all state below is touched
/// only on that queue.
final class LocalEngine: @unchecked Sendable {
    struct Options: Sendable, Hashable {
        var dtype: Int32
        var int8: Bool
        var slots: Int
        var maxPositions: Int
        var threads: Int
        /// int8 through the portable loop even where the VNNI kernels run (for tests).
        var portableInt8 = false
    }

    let library: TorchLibrary
    private let handle: OpaquePointer
    let vocabSize: Int
    let options: Options
    private let queue = DispatchQueue(label: "runner.torch.engine")
    /// The last slot is kept for scoring; the others hold generations.
    private let scoringSlot: Int32
    private var freeSlots: [Int32]
    private var waiting: [Job] = []
    private var active: [Sequence] = []
    private var stepping = false
    private let nextJobID = Atomic<Int>(0)
    /// Generations cancelled before they reached the queue.
    private var cancelledEarly: Set<Int> = []
    /// Cancellations waiting for the queue: a long admission round stops early to let them in,
    /// so Ctrl-C ends a run within a prefill or two.
    private let pendingCancellations = Atomic<Int>(0)
    /// The last scored context and its next-token logits.
    private var scoredContext: [Int32] = []
    private var scoredLogits: [Float] = []

    /// A generation request.
    struct Job {
        var id: Int
        var prompt: [Int32]
        var maxNewTokens: Int
        var sampler: Sampler
        var stopTokens: Set<Int32>
        /// Returns true when the text so far ends the generation (a stop string).
        var shouldStop: @Sendable ([Int32]) -> Bool
        var resume: @Sendable (Result<[Int32], any Error>) -> Void
    }

    private struct Sequence {
        var job: Job
        var slot: Int32
        var position: Int32
        var generated: [Int32]
        var next: Int32
    }

    init(checkpoint: LlamaCheckpoint, options: Options, lora: LoRAAdapter?) throws {
        let library = try TorchLibrary.shared.get()
        self.library = library
        self.options = options
        let a = checkpoint.architecture
        vocabSize = a.vocabSize
        var config = rt_llama_config(
            vocab_size: Int64(a.vocabSize), hidden_size: Int64(a.hiddenSize), intermediate_size: Int64(a.intermediateSize),
            num_layers: Int64(a.layers), num_heads: Int64(a.heads), num_kv_heads: Int64(a.kvHeads), head_dim: Int64(a.headDim),
            rope_theta: a.rope.theta, rms_norm_eps: a.rmsNormEps, tie_embeddings: a.tieEmbeddings ? 1 : 0,
            attention_bias: a.attentionBias ? 1 : 0, dtype: options.dtype, slots: Int32(options.slots + 1),
            max_positions: Int32(options.maxPositions))
        try library.check(library.setThreads(Int32(options.threads)), "setting threads")
        var pointer: OpaquePointer?
        try library.check(library.modelNew(&config, &pointer), "creating the model")
        guard let handle = pointer else { throw ModelError(.configuration, "the engine returned no model", hint: nil) }
        self.handle = handle
        scoringSlot = Int32(options.slots)
        freeSlots = (0..<Int32(options.slots)).reversed()
        do {
            try checkpoint.forEachWeight { name, dtype, shape, data in
                let dims = shape.map(Int64.init)
                try library.check(library.setTensor(handle, name, dtype, dims, Int32(dims.count), data), "\(checkpoint.path)")
            }
            if a.rope.scaling != .none {
                var frequencies = a.rope.inverseFrequencies(headDim: a.headDim)
                guard frequencies.count == a.headDim / 2 else {
                    throw ModelError(.configuration, "\(checkpoint.path): \(frequencies.count) RoPE frequency factors for head size \(a.headDim)", hint: nil)
                }
                try library.check(library.setTensor(handle, "rope.inv_freq", Int32(RT_F32), [Int64(frequencies.count)], 1, &frequencies), "\(checkpoint.path)")
            }
            if let lora { try lora.apply(to: handle, library: library) }
            try library.check(library.finalize(handle, options.int8 ? (options.portableInt8 ? 2 : 1) : 0), "\(checkpoint.path)")
        } catch {
            library.free(handle)
            throw error
        }
    }

    deinit { library.free(handle) }

    // MARK: - Generation

    /// Generates up to `maxNewTokens` tokens after `prompt`, batched with whatever else is running.
    func generate(prompt: [Int32], maxNewTokens: Int, sampler: Sampler, stopTokens: Set<Int32>,
                  shouldStop: @escaping @Sendable ([Int32]) -> Bool) async throws -> [Int32] {
        guard prompt.count + maxNewTokens <= options.maxPositions else {
            throw ModelError(.contextLengthExceeded, "prompt of \(prompt.count) tokens + \(maxNewTokens) to generate exceeds the \(options.maxPositions)-token context", hint: nil)
        }
        let id = nextJobID.add(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let job = Job(id: id, prompt: prompt, maxNewTokens: maxNewTokens, sampler: sampler, stopTokens: stopTokens,
                              shouldStop: shouldStop, resume: { continuation.resume(with: $0) })
                queue.async {
                    if self.cancelledEarly.remove(id) != nil {
                        job.resume(.failure(CancellationError()))
                        return
                    }
                    self.waiting.append(job)
                    self.scheduleStep()
                }
            }
        } onCancel: {
            pendingCancellations.add(1, ordering: .relaxed)
            queue.async { self.cancel(id) }
        }
    }

    /// Ends generation `id` wherever it is: waiting, running (its slot is freed), or not yet queued.
    private func cancel(_ id: Int) {
        pendingCancellations.subtract(1, ordering: .relaxed)
        if let index = waiting.firstIndex(where: { $0.id == id }) {
            waiting.remove(at: index).resume(.failure(CancellationError()))
        } else if let index = active.firstIndex(where: { $0.job.id == id }) {
            let sequence = active.remove(at: index)
            freeSlots.append(sequence.slot)
            sequence.job.resume(.failure(CancellationError()))
        } else {
            cancelledEarly.insert(id)
        }
    }

    private func scheduleStep() {
        guard !stepping else { return }
        stepping = true
        queue.async { self.step() }
    }

    /// One round: admit waiting jobs into free slots (prefill), then decode one token for
    /// every active sequence in a single call. Re-enqueues itself so scoring requests can run
    /// between rounds.
    private func step() {
        stepping = false
        var logits = [Float](repeating: 0, count: vocabSize)
        while !waiting.isEmpty, pendingCancellations.load(ordering: .relaxed) == 0, let slot = freeSlots.popLast() {
            var job = waiting.removeFirst()
            let status = job.prompt.withUnsafeBufferPointer { p in
                logits.withUnsafeMutableBufferPointer { out in
                    library.prefill(handle, slot, p.baseAddress, Int32(p.count), 0, 0, out.baseAddress)
                }
            }
            if status != 0 {
                freeSlots.append(slot)
                job.resume(.failure(engineError("generation")))
                continue
            }
            let first = logits.withUnsafeBufferPointer { job.sampler.next($0, history: job.prompt) }
            active.append(Sequence(job: job, slot: slot, position: Int32(job.prompt.count), generated: [], next: first))
        }
        // Accept each sequence's pending token; finish those that stop.
        var running: [Sequence] = []
        for var sequence in active {
            let token = sequence.next
            let stopped = sequence.job.stopTokens.contains(token)
            if !stopped { sequence.generated.append(token) }
            if stopped || sequence.generated.count >= sequence.job.maxNewTokens || sequence.job.shouldStop(sequence.generated) {
                freeSlots.append(sequence.slot)
                sequence.job.resume(.success(sequence.generated))
            } else {
                running.append(sequence)
            }
        }
        active = running.sorted { $0.slot < $1.slot }
        if !active.isEmpty {
            let slots = active.map(\.slot), tokens = active.map(\.next), positions = active.map(\.position)
            var batch = [Float](repeating: 0, count: vocabSize * active.count)
            let status = batch.withUnsafeMutableBufferPointer { out in
                library.decode(handle, Int32(active.count), slots, tokens, positions, out.baseAddress)
            }
            if status != 0 {
                let error = engineError("generation")
                for sequence in active { freeSlots.append(sequence.slot); sequence.job.resume(.failure(error)) }
                active = []
            } else {
                batch.withUnsafeBufferPointer { all in
                    for i in active.indices {
                        let row = UnsafeBufferPointer(rebasing: all[(i * vocabSize)..<((i + 1) * vocabSize)])
                        active[i].position += 1
                        let history = active[i].job.prompt + active[i].generated
                        active[i].next = active[i].job.sampler.next(row, history: history)
                    }
                }
            }
        }
        if !waiting.isEmpty || !active.isEmpty { scheduleStep() }
    }

    // MARK: - Scoring

    /// The log probability of `continuation` after `context`, and whether greedy decoding
    /// would produce it.
    func loglikelihood(context: [Int32], continuation: [Int32]) async throws -> (Double, Bool) {
        guard !context.isEmpty, !continuation.isEmpty else {
            throw ModelError(.configuration, "a loglikelihood request needs a context and a continuation of at least one token each", hint: nil)
        }
        // The last continuation token is scored, never read: it needs no position of its own.
        guard context.count + continuation.count - 1 <= options.maxPositions else {
            throw ModelError(.contextLengthExceeded, "context and continuation of \(context.count + continuation.count) tokens exceed the \(options.maxPositions)-token context", hint: nil)
        }
        return try await withCheckedThrowingContinuation { resume in
            queue.async { resume.resume(with: Result { try self.score(context: context, continuation: continuation) }) }
        }
    }

    private func score(context: [Int32], continuation: [Int32]) throws -> (Double, Bool) {
        if context != scoredContext {
            var logits = [Float](repeating: 0, count: vocabSize)
            let status = context.withUnsafeBufferPointer { p in
                logits.withUnsafeMutableBufferPointer { library.prefill(handle, scoringSlot, p.baseAddress, Int32(p.count), 0, 0, $0.baseAddress) }
            }
            guard status == 0 else { scoredContext = []; throw engineError("scoring") }
            scoredContext = context
            scoredLogits = logits
        }
        var total = 0.0
        var greedy = true
        scoredLogits.withUnsafeBufferPointer { row in
            let (lp, best) = Self.logSoftmax(row, at: Int(continuation[0]))
            total += lp
            greedy = greedy && best == Int(continuation[0])
        }
        if continuation.count > 1 {
            // The continuation is written after the context in the scoring slot; the cached
            // context positions stay intact for the next choice.
            let rest = Array(continuation.dropLast())
            var logits = [Float](repeating: 0, count: vocabSize * rest.count)
            let status = rest.withUnsafeBufferPointer { p in
                logits.withUnsafeMutableBufferPointer {
                    library.prefill(handle, scoringSlot, p.baseAddress, Int32(p.count), Int32(context.count), 1, $0.baseAddress)
                }
            }
            guard status == 0 else { throw engineError("scoring") }
            logits.withUnsafeBufferPointer { all in
                for i in 1..<continuation.count {
                    let row = UnsafeBufferPointer(rebasing: all[((i - 1) * vocabSize)..<(i * vocabSize)])
                    let (lp, best) = Self.logSoftmax(row, at: Int(continuation[i]))
                    total += lp
                    greedy = greedy && best == Int(continuation[i])
                }
            }
        }
        return (total, greedy)
    }

    /// The log probability of each token given those before it (tokens[1...]), from one
    /// prefill: what llama.cpp's `logits_all` gives, for parity checks.
    func nextTokenLogprobs(_ tokens: [Int32]) async throws -> [Double] {
        try await withCheckedThrowingContinuation { resume in
            queue.async {
                resume.resume(with: Result { () throws -> [Double] in
                    var logits = [Float](repeating: 0, count: self.vocabSize * tokens.count)
                    let status = tokens.withUnsafeBufferPointer { p in
                        logits.withUnsafeMutableBufferPointer {
                            self.library.prefill(self.handle, self.scoringSlot, p.baseAddress, Int32(p.count), 0, 1, $0.baseAddress)
                        }
                    }
                    guard status == 0 else { throw self.engineError("scoring") }
                    self.scoredContext = []
                    return logits.withUnsafeBufferPointer { all in
                        (0..<(tokens.count - 1)).map { i in
                            Self.logSoftmax(UnsafeBufferPointer(rebasing: all[(i * self.vocabSize)..<((i + 1) * self.vocabSize)]), at: Int(tokens[i + 1])).0
                        }
                    }
                })
            }
        }
    }

    /// The whole log-softmax over the vocabulary after `tokens`, for parity checks.
    func lastPositionLogprobs(_ tokens: [Int32]) async throws -> [Double] {
        try await withCheckedThrowingContinuation { resume in
            queue.async {
                resume.resume(with: Result { () throws -> [Double] in
                    var logits = [Float](repeating: 0, count: self.vocabSize)
                    let status = tokens.withUnsafeBufferPointer { p in
                        logits.withUnsafeMutableBufferPointer {
                            self.library.prefill(self.handle, self.scoringSlot, p.baseAddress, Int32(p.count), 0, 0, $0.baseAddress)
                        }
                    }
                    guard status == 0 else { throw self.engineError("scoring") }
                    self.scoredContext = []
                    let top = Double(logits.max() ?? 0)
                    let logSum = Foundation.log(logits.reduce(0.0) { $0 + Foundation.exp(Double($1) - top) })
                    return logits.map { Double($0) - top - logSum }
                })
            }
        }
    }

    /// log softmax(logits)[index], and the argmax.
    static func logSoftmax(_ logits: UnsafeBufferPointer<Float>, at index: Int) -> (Double, Int) {
        var best = 0
        var top = -Float.infinity
        for i in 0..<logits.count where logits[i] > top { top = logits[i]; best = i }
        var sum = 0.0
        for value in logits { sum += Foundation.exp(Double(value - top)) }
        return (Double(logits[index] - top) - Foundation.log(sum), best)
    }

    private func engineError(_ what: String) -> ModelError {
        ModelError(.engine, "the Torch engine failed during \(what): \(library.lastError().map { String(cString: $0) } ?? "unknown")", hint: nil)
    }
}
