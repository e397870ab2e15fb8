import Foundation
import Models

/// `response.batch`: before a run asks for anything directly, its uncached requests go through
/// the provider's batch API, and the answers land in the cache; the run then reads them there.
/// Lines that fail in a batch, and requests a batch cannot carry, are asked directly as usual.
///
/// Each batch is recorded in the cache (its id and the keys of its requests) before it is
/// polled: a run killed while a batch is in flight finds the batch there when started again,
/// polls it, and never sends its requests a second time. Ctrl-C leaves the batches running.
struct BatchPrefetcher {
    let model: any BatchCapableModel
    let cache: any ResponseStore
    let settings: ResponsePolicy.BatchSettings
    let modelCanonical: String
    let log: @Sendable (String) -> Void
    let sleep: @Sendable (Double) async throws -> Void
    /// Failed looks at a batch in a row before the run stops (the batches stay recorded).
    var maxPollFailures = 5

    var modelHash: String { SHA256.hex(Array(modelCanonical.utf8)) }

    /// Sends what is missing, waits for every batch of this model, stores their answers.
    ///
    /// - Returns: the keys answered through a batch in this run (priced at the batch price).
    func run(_ requests: [(key: String, request: ModelRequest)]) async throws -> Set<String> {
        let api = model.batchAPI
        var fetched = Set<String>()
        // Batches a killed run left in flight: poll them rather than sending their requests again.
        var inFlight = try cache.pendingBatches(model: modelHash)
        let waiting = Set(inFlight.flatMap(\.keys))
        if !inFlight.isEmpty {
            log("batch: resuming \(inFlight.count) batch\(inFlight.count == 1 ? "" : "es") sent by an earlier run (\(inFlight.map(\.id).joined(separator: ", ")))")
        }
        let requestsByKey = Dictionary(requests.map { ($0.key, $0.request) }, uniquingKeysWith: { first, _ in first })
        let stored = try cache.answers(forKeys: requests.map(\.key).filter { !waiting.contains($0) })
        var toSend: [BatchEntry] = []
        for (key, request) in requests where stored[key] == nil && !waiting.contains(key) {
            guard let entry = model.batchEntry(for: request) else { continue }
            toSend.append(BatchEntry(key: key, url: entry.url, body: entry.body))
        }
        // One endpoint per batch (the APIs' rule); chunks of batch_size.
        for endpoint in Set(toSend.map(\.url)).sorted() {
            let entries = toSend.filter { $0.url == endpoint }
            var start = 0
            while start < entries.count {
                try Task.checkCancellation()
                let chunk = Array(entries[start..<min(start + settings.size, entries.count)])
                start += chunk.count
                let (batch, note) = try await api.submit(chunk, endpoint: endpoint, completionWindow: settings.completionWindow,
                                                         name: "runner-batch-\(modelHash.prefix(8)).jsonl")
                let pending = PendingBatch(id: batch.id, model: modelHash, keys: chunk.map(\.key))
                try cache.recordBatch(pending)
                inFlight.append(pending)
                log("batch \(batch.id): sent \(chunk.count) requests to \(endpoint) (\(note))")
            }
        }
        // Follow every batch to its end; store each answer as it is read.
        var remaining = inFlight
        var lastReport: [String: String] = [:]
        var failures = 0
        while !remaining.isEmpty {
            var still: [PendingBatch] = []
            for pending in remaining {
                let batch: BatchStatus
                do {
                    batch = try await api.retrieve(pending.id)
                    failures = 0
                } catch let error as ModelError where error.isRetryable && failures < maxPollFailures {
                    // A lost connection or a 5xx while a batch runs for hours: look again later.
                    failures += 1
                    log("batch \(pending.id): \(error.message); looking again in \(settings.pollInterval) s (\(failures)/\(maxPollFailures))")
                    still.append(pending)
                    continue
                }
                let report = "\(batch.status) \(batch.completed)/\(batch.total) done, \(batch.failed) failed"
                if lastReport[batch.id] != report {
                    log("batch \(batch.id): \(report)")
                    lastReport[batch.id] = report
                }
                guard batch.isFinished else {
                    still.append(pending)
                    continue
                }
                fetched.formUnion(try await ingest(batch, pending: pending, requests: requestsByKey))
                try cache.finishBatch(id: pending.id)
            }
            remaining = still
            if !remaining.isEmpty { try await sleep(settings.pollInterval) }
        }
        return fetched
    }

    /// Stores the answers of a finished batch; entries that failed stay unanswered and are
    /// asked directly by the run.
    private func ingest(_ batch: BatchStatus, pending: PendingBatch, requests: [String: ModelRequest]) async throws -> Set<String> {
        var answered = Set<String>()
        for (key, body) in try await model.batchAPI.results(of: batch) {
            // A line this run did not ask for (another run's batch for the same model) is stored only when its request is known.
            guard let request = requests[key] else { continue }
            do {
                let answer = try model.batchAnswer(body, for: request)
                try cache.store(answer, forKey: key, modelDict: model.modelDict, request: request, latency: .zero)
                answered.insert(key)
            } catch {
                log("batch \(batch.id): line \(key.prefix(12)): \(error); asked directly instead")
            }
        }
        let failed = pending.keys.count - answered.count
        if failed > 0 {
            log("batch \(batch.id) ended \(batch.status): \(answered.count) answers, \(failed) request\(failed == 1 ? "" : "s") left to ask directly")
        }
        return answered
    }
}
