internal import CTorchAPI
import Foundation
import Synchronization

/// A loaded Llama-family model on the Torch engine, serving many requests at once.
///
/// The ResponseComponent sends items concurrently, as it does to a server; the engine
/// gathers the generations that arrive into one batch (continuous batching: a sequence joins
/// when a cache slot frees up and leaves when it stops), so 16 streams cost little more than
/// one. Waiting prompts are admitted together, packed end to end in one forward pass.
/// Loglikelihood requests that arrive together are scored together (``ScoringBatch``): many
/// questions' contexts in one forward pass, each context once for all its choices, so a
/// one-token continuation costs nothing beyond its context.
///
/// Engine calls block for milliseconds to seconds, so they run on a thread of their own
/// (``EngineThread``) rather than on Swift's small cooperative pool; all state below is
/// touched only on that thread.
final class LocalEngine: @unchecked Sendable {
    struct Options: Sendable, Hashable {
        var dtype: Int32
        var int8: Bool
        var slots: Int
        var maxPositions: Int
        /// Cores to use; see ``threadSplit``.
        var threads: Int
        /// int8 through the portable loop even where the VNNI kernels run (tests).
        var portableInt8 = false
        /// Attention through the portable loop even where the AVX-512 one runs (tests).
        var portableAttention = false

        /// Threads for libtorch's pool and for OpenBLAS's: the pool that does the products gets
        /// the cores, the other one thread (both spin while idle, so both at every core
        /// oversubscribe). float32 products are OpenBLAS's; bfloat16 (oneDNN), int8 (ours)
        /// and the attention run on libtorch's pool. Measured on 2 cores (SmolLM2, 64 streams,
        /// tok/s): bfloat16 522 split this way against 339 the other way, int8 567 against
        /// 389, float32 264 with OpenBLAS's 2 against 176. OPENBLAS_NUM_THREADS caps OpenBLAS's.
        var threadSplit: (compute: Int, blas: Int) {
            let cores = max(1, threads)
            guard dtype == Int32(RT_F32) && !int8 else { return (cores, 1) }
            let cap = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"].flatMap(Int.init) ?? cores
            return (1, max(1, min(cores, cap)))
        }
    }

    let library: TorchLibrary
    private let handle: OpaquePointer
    let vocabSize: Int
    let options: Options
    private let thread = EngineThread(name: "runner.torch.engine")
    /// The last slot is kept for scoring; the others hold generations.
    private let scoringSlot: Int32
    private var freeSlots: [Int32]
    private var waiting: [Job] = []
    private var active: [Sequence] = []
    private var stepping = false
    private let nextJobID = Atomic<Int>(0)
    /// Generations cancelled before they reached the engine thread.
    private var cancelledEarly: Set<Int> = []
    /// Cancellations waiting for the engine thread: a long admission round stops early to let them in,
    /// so Ctrl-C ends a run within a prefill or two.
    private let pendingCancellations = Atomic<Int>(0)
    /// Rows and seconds of every decoding step so far (for the benchmark).
    private var decodeTotal = (rows: 0, seconds: 0.0)
    /// The logits of the last decoding step (grown, never shrunk).
    private var decodeLogits: [Float] = []
    /// Loglikelihood requests not yet scored, in arrival order.
    private var scoring: [ScoringJob] = []
    /// The context the scoring slot holds, with its logits.
    private var resident: ScoringBatch.Resident?

    /// The most requests one scoring batch held and the most prompts one admission packed
    /// (tests check that batching happened).
    private var largest = (scoringBatch: 0, admission: 0)

    /// Rows of one admission or scoring pass: enough for many ~60-token contexts, few enough
    /// that decoding streams wait at most one such pass.
    static let rowsPerPass = 2048
    /// Logit rows of one scoring pass (vocabulary floats each: 128 x 49k x 4 bytes = 25 MB).
    static let logitRowsPerPass = 128

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

    private struct ScoringJob {
        var request: ScoringBatch.Request
        var resume: @Sendable (Result<(Double, Bool), any Error>) -> Void
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
        var pointer: OpaquePointer?
        try library.check(library.modelNew(&config, &pointer), "creating the model")
        guard let handle = pointer else { throw ModelError(.environment, "the engine returned no model", hint: nil) }
        self.handle = handle
        let (compute, blas) = options.threadSplit
        try library.check(library.setThreads(handle, Int32(compute), Int32(blas)), "setting threads")
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
                    throw ModelError(.invalidData, "\(checkpoint.path): \(frequencies.count) RoPE frequency factors for head size \(a.headDim)", hint: nil)
                }
                try library.check(library.setTensor(handle, "rope.inv_freq", Int32(RT_F32), [Int64(frequencies.count)], 1, &frequencies), "\(checkpoint.path)")
            }
            if let lora { try lora.apply(to: handle, library: library) }
            let flags = (options.int8 ? Int32(RT_QUANTIZE_INT8) : 0) | (options.portableInt8 ? Int32(RT_PORTABLE_INT8) : 0)
                | (options.portableAttention ? Int32(RT_PORTABLE_ATTENTION) : 0)
            try library.check(library.finalize(handle, flags), "\(checkpoint.path)")
        } catch {
            library.free(handle)
            throw error
        }
    }

    deinit {
        thread.stop()
        library.free(handle)
    }

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
                thread.async {
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
            thread.async { self.cancel(id) }
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
        thread.async { self.step() }
    }

    /// One round: score the waiting loglikelihood requests (one batch), admit waiting jobs
    /// into free slots (one packed prefill), then decode one token for every active sequence
    /// in a single call. Re-enqueues itself while work remains.
    private func step() {
        stepping = false
        if !scoring.isEmpty { scoreBatch() }
        var admitted: [(job: Job, slot: Int32)] = []
        var rows = 0
        while let job = waiting.first, pendingCancellations.load(ordering: .relaxed) == 0, let slot = freeSlots.last,
              admitted.isEmpty || rows + job.prompt.count <= Self.rowsPerPass {
            waiting.removeFirst()
            freeSlots.removeLast()
            admitted.append((job, slot))
            rows += job.prompt.count
        }
        if !admitted.isEmpty { admit(admitted) }
        largest.admission = max(largest.admission, admitted.count)
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
            let started = ContinuousClock.now
            defer {
                let elapsed = ContinuousClock.now - started
                decodeTotal.rows += active.count
                decodeTotal.seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            let slots = active.map(\.slot), tokens = active.map(\.next), positions = active.map(\.position)
            // One buffer for every step: 64 streams' logits are 12 MB, and a fresh array a step
            // costs its zeroing and page faults (3-4% of a step, perf).
            if decodeLogits.count < vocabSize * active.count { decodeLogits = [Float](repeating: 0, count: vocabSize * active.count) }
            let status = decodeLogits.withUnsafeMutableBufferPointer { out in
                library.decode(handle, Int32(active.count), slots, tokens, positions, out.baseAddress)
            }
            if status != 0 {
                let error = engineError("generation")
                for sequence in active { freeSlots.append(sequence.slot); sequence.job.resume(.failure(error)) }
                active = []
            } else {
                decodeLogits.withUnsafeBufferPointer { all in
                    for i in active.indices {
                        let row = UnsafeBufferPointer(rebasing: all[(i * vocabSize)..<((i + 1) * vocabSize)])
                        active[i].position += 1
                        let history = active[i].job.sampler.needsHistory ? active[i].job.prompt + active[i].generated : []
                        active[i].next = active[i].job.sampler.next(row, history: history)
                    }
                }
            }
        }
        if !waiting.isEmpty || !active.isEmpty || !scoring.isEmpty { scheduleStep() }
    }

    /// Prefills the admitted prompts in one pass and samples each one's first token. When the
    /// pass fails, each prompt is tried alone, so one bad prompt fails only its own job.
    private func admit(_ admitted: [(job: Job, slot: Int32)]) {
        var pass = ForwardPass()
        for (job, slot) in admitted { pass.append(slot: slot, tokens: job.prompt[...], from: 0, logits: .last) }
        guard let logits = try? run(pass) else {
            if admitted.count > 1 { return admitted.forEach { admit([$0]) } }
            freeSlots.append(admitted[0].slot)
            return admitted[0].job.resume(.failure(engineError("generation")))
        }
        logits.withUnsafeBufferPointer { all in
            for (i, (job, slot)) in admitted.enumerated() {
                var job = job
                let first = job.sampler.next(UnsafeBufferPointer(rebasing: all[(i * vocabSize)..<((i + 1) * vocabSize)]), history: job.prompt)
                active.append(Sequence(job: job, slot: slot, position: Int32(job.prompt.count), generated: [], next: first))
            }
        }
    }

    /// One forward pass on the engine thread, outside any batch: the parity checks' prefills,
    /// and rows tests expect the engine to refuse. The scoring slot's resident context is
    /// forgotten, as the pass may write over it.
    func forward(_ pass: ForwardPass) async throws -> [Float] {
        guard !pass.isEmpty else { throw ModelError(.invalidData, "a forward pass needs at least one token", hint: nil) }
        return try await thread.value {
            self.resident = nil
            return try self.run(pass)
        }
    }

    /// One call of the engine's forward pass; returns its logit rows (rows x vocabulary).
    private func run(_ pass: ForwardPass) throws -> [Float] {
        // A batch of one-token continuations of the resident context needs no rows at all.
        guard !pass.isEmpty else { return [] }
        for copy in pass.copies {
            guard library.copySlot(handle, copy.from, copy.to, copy.length) == 0 else { throw engineError("copying a cached context") }
        }
        var logits = [Float](repeating: 0, count: pass.logitRows.count * vocabSize)
        let status = logits.withUnsafeMutableBufferPointer { out in
            library.forward(handle, Int32(pass.tokens.count), pass.slots, pass.tokens, pass.positions, Int32(pass.logitRows.count),
                            pass.logitRows, out.baseAddress)
        }
        guard status == 0 else { throw engineError("a forward pass") }
        return logits
    }

    // MARK: - Scoring

    /// The log probability of `continuation` after `context`, and whether greedy decoding
    /// would produce it.
    func loglikelihood(context: [Int32], continuation: [Int32]) async throws -> (Double, Bool) {
        guard !context.isEmpty, !continuation.isEmpty else {
            throw ModelError(.invalidData, "a loglikelihood request needs a context and a continuation of at least one token each", hint: nil)
        }
        // The last continuation token is scored, never read: it needs no position of its own.
        guard context.count + continuation.count - 1 <= options.maxPositions else {
            throw ModelError(.contextLengthExceeded, "context and continuation of \(context.count + continuation.count) tokens exceed the \(options.maxPositions)-token context", hint: nil)
        }
        return try await withCheckedThrowingContinuation { resume in
            thread.async {
                self.scoring.append(ScoringJob(request: .init(context: context, continuation: continuation), resume: { resume.resume(with: $0) }))
                self.scheduleStep()
            }
        }
    }

    /// Scores the longest prefix of the waiting requests that fits one batch, in the scoring
    /// slot and the generation slots free at the moment (lent for the batch, back after it).
    private func scoreBatch() {
        let batch = ScoringBatch(scoring.map(\.request), slots: [scoringSlot] + freeSlots, resident: resident,
                                 rowBudget: Self.rowsPerPass, logitBudget: Self.logitRowsPerPass)
        let jobs = scoring.prefix(batch.count)
        largest.scoringBatch = max(largest.scoringBatch, batch.count)
        scoring.removeFirst(batch.count)
        do {
            let logits = try batch.passes.map(run)
            let results = batch.results(logits, vocabulary: vocabSize)
            resident = batch.nextResident.map { next in
                ScoringBatch.Resident(context: next.context, logits: next.logitIndex.map { Array(logits[0][($0 * vocabSize)..<(($0 + 1) * vocabSize)]) }
                                          ?? resident?.logits ?? [])
            }
            for (job, result) in zip(jobs, results) { job.resume(.success(result)) }
        } catch {
            resident = nil
            for job in jobs { job.resume(.failure(error)) }
        }
    }

    /// The log probability of each token given those before it (tokens[1...]), from one
    /// prefill: what llama.cpp's `logits_all` gives, for parity checks.
    func nextTokenLogprobs(_ tokens: [Int32]) async throws -> [Double] {
        var pass = ForwardPass()
        pass.append(slot: scoringSlot, tokens: tokens[...], from: 0, logits: .all)
        let logits = try await forward(pass)
        return logits.withUnsafeBufferPointer { all in
            (0..<(tokens.count - 1)).map { i in
                Self.logSoftmax(UnsafeBufferPointer(rebasing: all[(i * vocabSize)..<((i + 1) * vocabSize)]), at: Int(tokens[i + 1])).0
            }
        }
    }

    /// The whole log-softmax over the vocabulary after `tokens`, for parity checks.
    func lastPositionLogprobs(_ tokens: [Int32]) async throws -> [Double] {
        var pass = ForwardPass()
        pass.append(slot: scoringSlot, tokens: tokens[...], from: 0, logits: .last)
        let logits = try await forward(pass)
        let top = Double(logits.max() ?? 0)
        let logSum = Foundation.log(logits.reduce(0.0) { $0 + Foundation.exp(Double($1) - top) })
        return logits.map { Double($0) - top - logSum }
    }

    /// Seconds a decoding step's matrix products alone take for `rows` rows (the median of
    /// `repeats` runs): the weight products, and attention's over `context` cached positions a
    /// row. Together, the floor under a decoding step of `rows` streams (for the benchmark).
    func timeProducts(rows: Int, context: Int, repeats: Int) async throws -> (weights: Double, attention: Double) {
        try await thread.value {
            var weights = 0.0, attention = 0.0
            let status = self.library.timeProducts(self.handle, Int32(rows), Int32(context), Int32(repeats), &weights, &attention)
            guard status == 0 else { throw self.engineError("timing the products") }
            return (weights, attention)
        }
    }

    /// Decoding steps run so far: the rows (tokens) they decoded and the seconds they took,
    /// engine calls and sampling included, admissions and scoring not.
    func decodeTotals() async -> (rows: Int, seconds: Double) {
        await thread.value { self.decodeTotal }
    }

    /// The most requests one scoring batch held and the most prompts one admission packed so far.
    func largestBatches() async -> (scoringBatch: Int, admission: Int) {
        await thread.value { self.largest }
    }

    /// How many threads have run the engine's passes: one, the engine thread (tests).
    func callingThreads() async -> Int {
        await thread.value { Int(self.library.callingThreads(self.handle)) }
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
