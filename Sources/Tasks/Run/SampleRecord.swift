import Models
import Response

/// One line of `samples.jsonl`: the item, what was asked, what came back, how it scored.
enum SampleRecord {
    static func line(item: DatasetItem, requests: [ModelRequest], record: ItemRecord, mainMetric: String) -> String {
        var pairs: [(String, OrderedJSON)] = [("id", .string(item.id))]
        switch requests.first {
        case .generate(let r)?:
            switch r.prompt {
            case .text(let text): pairs.append(("prompt", .string(text)))
            case .chat(let messages): pairs.append(("messages", .value(.array(messages.map(\.json)))))
            }
        case .loglikelihood(let r)?:
            pairs.append(("context", .string(r.context)))
            pairs.append(("continuations", .array(requests.compactMap {
                if case .loglikelihood(let l) = $0 { return .string(l.continuation) } else { return nil }
            })))
        case .loglikelihoodRolling(let r)?:
            pairs.append(("text", .string(r.text)))
        case nil: break
        }
        let score = record.score
        pairs.append(("raw_answer", score.map { .string($0.raw) } ?? .null))
        pairs.append(("parsed_answer", .optional(score?.prediction)))
        // Answers that are choices' texts keep their positions beside them (lm-eval's indices).
        let indices = score?.goldIndices
        if indices != nil { pairs.append(("parsed_index", score?.predictionIndex.map(OrderedJSON.int) ?? .null)) }
        if let score, score.golds.count > 1 {
            pairs.append(("gold", .array(score.golds.map(OrderedJSON.string))))
            if let indices { pairs.append(("gold_index", .array(indices.map(OrderedJSON.int)))) }
        } else {
            pairs.append(("gold", .optional(score?.gold)))
            if let indices { pairs.append(("gold_index", indices.count == 1 ? .int(indices[0]) : .array(indices.map(OrderedJSON.int)))) }
        }
        pairs.append(("score", .optional(score?.metrics[score?.scoreMetric ?? mainMetric])))
        if let score {
            pairs.append(("metrics", .object(score.metrics.sorted { $0.key < $1.key }.map { ($0.key, .double($0.value)) })))
            if let method = score.method { pairs.append(("method", .string(method))) }
            pairs.append(contentsOf: score.detail)
        }
        pairs.append(("status", .string(record.status.rawValue)))
        if let reason = record.reason { pairs.append(("reason", .string(reason))) }
        if !record.safety.isEmpty { pairs.append(("safety", .array(record.safety.map { .value($0.json) }))) }
        pairs.append(("cached", .bool(record.cached)))
        pairs.append(("retries", .int(record.retries)))
        pairs.append(("latency_ms", .double((record.latency.milliseconds * 10).rounded() / 10)))
        let usage = record.cached ? record.cachedUsage : record.usage
        pairs.append(("tokens", .object([("prompt", .int(usage.promptTokens)), ("completion", .int(usage.completionTokens))])))
        return OrderedJSON.object(pairs).compact
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    var seconds: Double { milliseconds / 1000 }
}
