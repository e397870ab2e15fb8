import Foundation
import Models
import Synchronization

/// Asks a model for the answers of many items, as rambla's ResponseComponent does: from the
/// cache when it can, with bounded concurrency, rate limits, retries with backoff, and
/// skipping of prompts too big for the model.
///
/// Items are read lazily from the sequence and at most the concurrency limit are in flight,
/// so a 100,000-item task holds a handful of requests at a time. Each outcome is handed to
/// `onOutcome` as soon as it is known (and an answer is in the cache before that), so a crash
/// loses nothing that was paid for. An answer about to be asked for is claimed in the cache
/// first: another run (or process) that needs it at the same time waits for this one's answer
/// instead of paying for it again, and takes the claim over if this run dies.
///
/// ```swift
/// let responder = ResponseComponent(model: model, cache: cache, policy: ResponsePolicy(config.response))
/// try await responder.run(items) { outcome in write(outcome) }
/// ```
public final class ResponseComponent: Sendable {
    public let model: any LanguageModel
    public let cache: (any ResponseStore)?
    public let policy: ResponsePolicy
    /// The model's identity in canonical JSON, computed once: every cache key starts from it.
    private let modelCanonical: String
    private let log: @Sendable (String) -> Void
    private let random: @Sendable () -> Double
    private let sleep: @Sendable (Double) async throws -> Void
    private let firstError = Mutex<ModelError?>(nil)

    /// Attempts at an unreachable server before the first answer, 0.25 s and 0.5 s apart.
    static let unreachableAttempts = 3
    /// An unreachable server that took this long to fail (a connect timeout) is not tried again
    /// before the first answer.
    static let unreachablePatience: Duration = .seconds(5)

    /// The error of the first item that failed, in any run of this component: what the console
    /// names when too many items errored.
    public var firstFailure: ModelError? { firstError.withLock { $0 } }

    public init(model: any LanguageModel, cache: (any ResponseStore)?, policy: ResponsePolicy,
                log: @escaping @Sendable (String) -> Void = { _ in },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
                sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .milliseconds(Int($0 * 1000))) }) {
        self.model = model
        self.cache = cache
        self.policy = policy
        self.modelCanonical = model.modelDict.canonicalString
        self.log = log
        self.random = random
        self.sleep = sleep
    }

    /// Answers every item.
    ///
    /// - Throws: ``RunStopped`` when the server rejects the key (401/403) or the model is
    ///   misconfigured: the remaining items are not asked.
    public func run<S: Sequence & Sendable>(_ items: S, onOutcome: @escaping @Sendable (ResponseOutcome) async -> Void) async throws
    where S.Element == ResponseItem {
        let governor = Governor(policy: policy, log: log)
        // response.batch: the uncached requests go through the batch API first (the items are
        // read twice: once to collect them, once to answer them, mostly from the cache).
        var batched = Set<String>()
        if let settings = policy.batch {
            guard let batchModel = model as? any BatchCapableModel else {
                throw RunStopped(cause: ModelError(.configuration, "response.batch needs a backend with a batch API (openai_chat, local_chat); \(model.name) has none",
                                                   hint: "set response.batch=false", keyPath: "response.batch"))
            }
            guard let cache, cache.mode == .use else {
                throw RunStopped(cause: ModelError(.configuration, "response.batch keeps the answers in the cache, which this run does not write",
                                                   hint: "set response.cache.mode=use, or response.batch=false", keyPath: "response.batch"))
            }
            let prefetcher = BatchPrefetcher(model: batchModel, cache: cache, settings: settings, modelCanonical: modelCanonical, log: log, sleep: sleep)
            let requests = items.filter { oversizeReason($0.request) == nil }
                .map { (key: CacheKey.make(modelCanonical: modelCanonical, request: $0.request), request: $0.request) }
            do {
                batched = try await prefetcher.run(requests)
            } catch let error as ModelError {
                // The batch API refused or cannot be reached: stop, keeping what was recorded, so
                // the same command resumes the batches already sent.
                var cause = error
                cause.message = "the batch API: " + error.message
                cause.hint = (error.hint.map { $0 + "; " } ?? "") + "batches already sent are kept in the cache: the same command resumes them"
                throw RunStopped(cause: cause)
            }
        }
        let fetchedByBatch = batched
        // Claims on the answers being asked for last a lease; renew them while the run works
        // and give them all up when it ends, however it ends.
        let heartbeat = cache.map { cache in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(cache.claimLease / 3))
                    try? cache.renewClaims()
                }
            }
        }
        defer {
            heartbeat?.cancel()
            try? cache?.releaseAllClaims()
        }
        do {
            try await answerAll(items, governor: governor, fetchedByBatch: fetchedByBatch, onOutcome: onOutcome)
        } catch is CancellationError {
            // A cancelled run whose last error also stopped it (an unreachable server): the stop
            // is the news, not the cancel.
            if let stopped = await governor.stopped { throw RunStopped(cause: stopped) }
            throw CancellationError()
        }
    }

    /// Answers the items the batch did not, bounded by the governor's limit.
    private func answerAll<S: Sequence & Sendable>(_ items: S, governor: Governor, fetchedByBatch: Set<String>,
                                                   onOutcome: @escaping @Sendable (ResponseOutcome) async -> Void) async throws
    where S.Element == ResponseItem {
        let closable = items as? any ClosableItems
        try await withThrowingTaskGroup(of: ResponseOutcome.self) { group in
            var inFlight = 0
            var iterator = items.makeIterator()
            var exhausted = false
            // Items another process is asking for right now: their turn comes after the rest.
            var deferred: [(ResponseItem, String)] = []
            func send(_ item: ResponseItem, key: String, claimed: Bool) async throws {
                while inFlight >= (await governor.limit) {
                    if let outcome = try await group.next() {
                        inFlight -= 1
                        await onOutcome(outcome)
                    }
                }
                if let stopped = await governor.stopped { throw RunStopped(cause: stopped) }
                // A stopped run (Ctrl-C) sends nothing more; nor does one whose caller closed the
                // items (too many errors): what is in flight is still awaited below.
                try Task.checkCancellation()
                if closable?.isClosed == true { return }
                group.addTask { try await self.answer(item, key: key, governor: governor, claimed: claimed) }
                inFlight += 1
            }
            while !exhausted, closable?.isClosed != true {
                // Read a bounded chunk and answer what the cache has in one lookup.
                var chunk: [(ResponseItem, String)] = []
                while chunk.count < Self.chunkSize, let item = iterator.next() {
                    chunk.append((item, CacheKey.make(modelCanonical: modelCanonical, request: item.request)))
                }
                exhausted = chunk.count < Self.chunkSize
                let cached = (try? cache?.answers(forKeys: chunk.map(\.1))) ?? [:]
                var pending: ArraySlice<(ResponseItem, String)> = []
                for (item, key) in chunk {
                    if let answer = cached[key] {
                        // An answer this run's batch brought is paid for by this run, at the batch price.
                        let viaBatch = fetchedByBatch.contains(key)
                        await onOutcome(ResponseOutcome(id: item.id, status: .answered(answer), cached: !viaBatch, retries: 0, latency: .zero,
                                                        batched: viaBatch))
                    } else {
                        pending.append((item, key))
                    }
                }
                // Claim the rest a few at a time, just before sending them, so that another
                // run asking for the same answers takes the next ones instead of waiting.
                while !pending.isEmpty {
                    let batch = pending.prefix(max(1, await governor.limit))
                    pending = pending.dropFirst(batch.count)
                    let states = (try? cache?.claim(keys: batch.map(\.1))) ?? [:]
                    for (item, key) in batch {
                        switch states[key] {
                        case .answered(let answer):
                            await onOutcome(ResponseOutcome(id: item.id, status: .answered(answer), cached: true, retries: 0, latency: .zero))
                        case .heldElsewhere:
                            deferred.append((item, key))
                        case .claimed, nil:
                            try await send(item, key: key, claimed: true)
                        }
                    }
                }
            }
            for (item, key) in deferred {
                try await send(item, key: key, claimed: false)
            }
            while let outcome = try await group.next() {
                await onOutcome(outcome)
            }
            if let stopped = await governor.stopped { throw RunStopped(cause: stopped) }
        }
    }

    /// Items read ahead per cache lookup; bounds memory together with the concurrency.
    static let chunkSize = 512

    /// Answers a single request (cache, skip check, retries), for callers without a batch.
    public func answer(_ request: ModelRequest) async throws -> ResponseOutcome {
        let governor = Governor(policy: policy, log: log)
        let key = CacheKey.make(modelCanonical: modelCanonical, request: request)
        let outcome = try await answer(ResponseItem(id: "", request: request), key: key, governor: governor, claimed: false)
        if let stopped = await governor.stopped { throw RunStopped(cause: stopped) }
        return outcome
    }

    /// Prompt tokens by the model's tokenizer, else estimated from UTF-8 bytes.
    func promptTokens(_ request: ModelRequest) -> (count: Int, estimated: Bool) {
        let prompt: Prompt
        switch request {
        case .generate(let r): prompt = r.prompt
        case .loglikelihood(let r): prompt = .text(r.context + r.continuation)
        case .loglikelihoodRolling(let r): prompt = .text(r.text)
        }
        if let count = model.countTokens(prompt) { return (count, false) }
        return (Int((Double(prompt.byteCount) / policy.estimateBytesPerToken).rounded(.up)), true)
    }

    /// Why the item must be skipped before asking, if it must.
    func oversizeReason(_ request: ModelRequest) -> String? {
        guard policy.skipOversized, let window = model.contextWindow else { return nil }
        // A rolling score reads the text in windows of the context: no length is too long.
        if case .loglikelihoodRolling = request { return nil }
        let (prompt, estimated) = promptTokens(request)
        var generate = 0
        if case .generate(let r) = request { generate = r.parameters.maxTokens ?? model.maxTokens ?? 0 }
        guard prompt + generate > window else { return nil }
        return "prompt has \(estimated ? "about " : "")\(prompt) tokens + \(generate) to generate, more than the \(window)-token context window"
    }

    /// One item: its claim (unless the caller holds it), then the model; a claim not ended by
    /// a stored answer is released, so that a process waiting for it asks instead.
    private func answer(_ item: ResponseItem, key: String, governor: Governor, claimed: Bool) async throws -> ResponseOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        if !claimed, let cache {
            if let stored = try await waitForClaim(key, cache: cache) {
                return ResponseOutcome(id: item.id, status: .answered(stored), cached: true, retries: 0, latency: clock.now - started)
            }
        }
        do {
            let outcome = try await ask(item, key: key, governor: governor, started: started)
            if case .answered = outcome.status {} else { try? cache?.release(key: key) }
            if case .failed(let error) = outcome.status { firstError.withLock { if $0 == nil { $0 = error } } }
            return outcome
        } catch {
            try? cache?.release(key: key)
            throw error
        }
    }

    /// Waits until `key` is answered by whoever claimed it (the answer), or is claimed by this
    /// run (nil): its owner stores the answer, fails and releases it, or dies and its claim lapses.
    private func waitForClaim(_ key: String, cache: any ResponseStore) async throws -> ModelAnswer? {
        var pause = 0.05
        while true {
            switch try? cache.claim(keys: [key])[key] {
            case .answered(let answer): return answer
            case .claimed, nil: return nil
            case .heldElsewhere:
                try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
                pause = min(pause * 2, 1)
            }
        }
    }

    /// The skip check, then the model with retries; stores the answer.
    private func ask(_ item: ResponseItem, key: String, governor: Governor, started: ContinuousClock.Instant) async throws -> ResponseOutcome {
        let clock = ContinuousClock()
        if let reason = oversizeReason(item.request) {
            return ResponseOutcome(id: item.id, status: .skipped(reason), cached: false, retries: 0, latency: .zero)
        }
        var retries = 0
        let firstAttempt = clock.now
        while true {
            if let stopped = await governor.stopped { return ResponseOutcome(id: item.id, status: .failed(stopped), cached: false, retries: retries, latency: clock.now - started) }
            try await governor.admit(tokens: promptTokens(item.request).count)
            let attemptStart = clock.now
            do {
                let answer: ModelAnswer
                switch item.request {
                case .generate(let r): answer = .generation(try await model.generate(r))
                case .loglikelihood(let r): answer = .loglikelihood(try await model.loglikelihood(r))
                case .loglikelihoodRolling(let r): answer = .loglikelihood(try await model.loglikelihoodRolling(r))
                }
                let latency = clock.now - attemptStart
                await governor.succeeded()
                if let cache {
                    do {
                        try cache.store(answer, forKey: key, modelDict: model.modelDict, request: item.request, latency: latency)
                    } catch {
                        log("could not store an answer in the cache: \(error)")
                    }
                }
                return ResponseOutcome(id: item.id, status: .answered(answer), cached: false, retries: retries, latency: latency)
            } catch let error as ModelError {
                if error.isFatalForRun {
                    await governor.stop(error)
                    return ResponseOutcome(id: item.id, status: .failed(error), cached: false, retries: retries, latency: clock.now - started)
                }
                // Nothing has answered yet and the server cannot be reached: a wrong URL or a
                // server that is not running. Stop within a second or two, not after every
                // item's retries; once it has answered, a restart is retried as usual.
                if error.kind == .unreachable, !(await governor.answered) {
                    if retries >= Self.unreachableAttempts - 1 || clock.now - firstAttempt >= Self.unreachablePatience {
                        await governor.stop(error)
                        return ResponseOutcome(id: item.id, status: .failed(error), cached: false, retries: retries, latency: clock.now - started)
                    }
                    retries += 1
                    try await sleep(0.25 * Double(retries))
                    continue
                }
                if error.kind == .contextLengthExceeded {
                    return ResponseOutcome(id: item.id, status: .skipped("the server says the prompt is too long: \(error.message)"),
                                           cached: false, retries: retries, latency: clock.now - started)
                }
                guard error.isRetryable, retries < policy.maxRetries else {
                    return ResponseOutcome(id: item.id, status: .failed(error), cached: false, retries: retries, latency: clock.now - started)
                }
                if case .http(429) = error.kind { await governor.rateLimited() }
                retries += 1
                let delay = policy.backoff.delay(attempt: retries, retryAfter: error.retryAfter, unit: random())
                log("item \(item.id): \(error.message); retry \(retries)/\(policy.maxRetries) in \(String(format: "%.2f", delay)) s")
                try await sleep(delay)
            }
        }
    }
}
