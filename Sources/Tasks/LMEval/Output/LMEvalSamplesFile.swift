import Foundation
import Models

/// lm-eval's `samples_<task>_<date>.jsonl` lines, from the lines of our `samples.jsonl`: one
/// line per document AND filter (all documents of the first filter, then of the next), with
/// `filtered_resps` that filter's list, `filter`, `metrics` (the names), the three hashes,
/// then each metric's value as a top-level key, in lm-eval's field order.
enum LMEvalSamplesFile {
    /// One scored document of ours, as read back from `samples.jsonl`.
    struct Document {
        var task: String
        var docID: Int
        var fields: TemplateValue
    }

    /// Our scored lm-eval documents in `samples.jsonl` (the last line of a document wins);
    /// `task` in a line names its leaf task, else `defaultTask`.
    static func documents(samplesPath: String, defaultTask: String) -> [Document] {
        guard let data = FileManager.default.contents(atPath: samplesPath) else { return [] }
        var byKey: [String: Document] = [:]
        var order: [String] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let value = try? PythonJSON.parse(line), value.field("status")?.stringValue == "scored",
                  case .int(let docID)? = value.field("doc_id"), value.field("lm_eval_metrics") != nil else { continue }
            let task = value.field("task")?.stringValue ?? defaultTask
            let key = "\(task)\u{0}\(docID)"
            if byKey[key] == nil { order.append(key) }
            byKey[key] = Document(task: task, docID: docID, fields: value)
        }
        return order.compactMap { byKey[$0] }
    }

    /// Each leaf task's lines, tasks in first-seen order, documents by id.
    static func lines(_ documents: [Document]) -> [(task: String, lines: [String])] {
        var tasks: [String] = []
        var byTask: [String: [Document]] = [:]
        for d in documents {
            if byTask[d.task] == nil { tasks.append(d.task) }
            byTask[d.task, default: []].append(d)
        }
        return tasks.map { task in
            let docs = byTask[task]!.sorted { $0.docID < $1.docID }
            let filters = docs.first?.fields.field("filtered_resps")?.objectPairs?.map(\.0) ?? []
            var lines: [String] = []
            for filter in filters {
                for doc in docs { if let line = line(doc.fields, filter: filter) { lines.append(line) } }
            }
            return (task, lines)
        }
    }

    /// `json.dumps(sample, ensure_ascii=False)` of one document under one filter.
    static func line(_ ours: TemplateValue, filter: String) -> String? {
        guard let filtered = ours.field("filtered_resps")?.field(filter),
              case .string(let metricsText)? = ours.field("lm_eval_metrics")?.field(filter),
              let metrics = try? PythonJSON.parse(Substring(metricsText)), let metricPairs = metrics.objectPairs else { return nil }
        var pairs: [(String, TemplateValue)] = []
        for key in ["doc_id", "doc", "target", "arguments", "resps"] { pairs.append((key, ours.field(key) ?? .none)) }
        pairs.append(("filtered_resps", filtered))
        pairs.append(("filter", .string(filter)))
        pairs.append(("metrics", .array(metricPairs.map { .string($0.0) })))
        for key in ["doc_hash", "prompt_hash", "target_hash"] { pairs.append((key, ours.field(key) ?? .none)) }
        pairs.append(contentsOf: metricPairs)
        return PythonText.jsonDumps(.object(pairs))
    }

    /// lm-eval's task hash: SHA-256 of every line's three hashes, concatenated in file order.
    static func taskHash(_ lines: [String]) -> String {
        var text = ""
        for line in lines {
            guard let value = try? PythonJSON.parse(Substring(line)) else { continue }
            for key in ["doc_hash", "prompt_hash", "target_hash"] { text += value.field(key)?.stringValue ?? "" }
        }
        return PythonText.sha256(text)
    }
}
