import Models

/// Where a task's documents came from, so that an error found in one document (a field
/// missing, a target that is not among the choices) names its data file and line, not only
/// the task file: ``LMEvalDocuments`` knows the task file alone and places its errors there.
struct LMEvalDocumentPlaces: Sendable {
    /// The task file (``LMEvalTaskDefinition/source``): errors placed here are re-placed.
    let taskFile: String
    /// Where each document of the evaluated split came from.
    let documents: [LMEvalDataset.Origin]
    /// The few-shot pool and where each example came from; nil when the examples are
    /// `fewshot_config.samples` in the task file itself.
    let pool: [TemplateValue]
    let poolOrigins: [LMEvalDataset.Origin]?
    let poolSplit: String?

    /// `data/test.jsonl:4 (doc 3)`: the document's line and its index in the evaluated split.
    func place(document index: Int) -> String {
        let origin = documents.indices.contains(index) ? documents[index].place : taskFile
        return "\(origin) (doc \(index))"
    }

    /// `data/train.jsonl:2 (few-shot doc 1 of train)`, or the sample's index in the task file.
    func place(shot: TemplateValue) -> String {
        let index = pool.firstIndex(of: shot) ?? 0
        guard let poolOrigins, poolOrigins.indices.contains(index) else {
            return "\(taskFile) (fewshot_config.samples item \(index))"
        }
        return "\(poolOrigins[index].place) (few-shot doc \(index)\(poolSplit.map { " of \($0)" } ?? ""))"
    }

    /// `error` at `place` when ``LMEvalDocuments`` placed it at the task file, with a hint
    /// naming the document's missing fields and the task file; any other error as it is.
    func locate(_ error: TaskError, at place: String, document: TemplateValue) -> TaskError {
        guard error.place == taskFile else { return error }
        var located = error
        located.place = place
        var hints: [String] = []
        // A None (a field missing) is the usual cause: name the document's empty fields.
        let aboutNone = ["None", "missing", "undefined"].contains { error.message.contains($0) }
        if aboutNone, case .object(let pairs) = document {
            let missing = pairs.filter { $0.1 == TemplateValue.none }.map { "'\($0.0)'" }
            if !missing.isEmpty {
                hints.append("\(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") missing or null in this document")
            }
        }
        if let hint = error.hint { hints.append(hint) }
        hints.append("fix this document, or the task file \(taskFile)")
        located.hint = hints.joined(separator: "; ")
        return located
    }
}
