import Config
import Foundation
@testable import Models
@testable import Tasks

/// Task inputs: dataset files, templates, lm-eval task files and the Python literals, JSON and
/// regular expressions they carry.
enum TaskTargets {
    /// JSON Lines and CSV as the standard tasks and lm-eval tasks read them, binary formats
    /// told by their magic bytes, and the errors that locate a bad JSON line.
    static func datasets(_ data: [UInt8]) {
        _ = BinaryFormat.detect(data)
        let raw = writeScratch("fuzz-raw.jsonl", data)
        shaped("datasets") { _ = try LMEvalDataset.read(raw, format: "json", field: nil, delimiter: ",") }
        shaped("datasets") { _ = try DatasetLoader.load(DatasetConfig(path: raw, format: .csv), required: []).all() }
        guard let input = text(data) else { return }
        for (number, line) in input.split(separator: "\n", maxSplits: 4, omittingEmptySubsequences: false).prefix(4).enumerated() {
            expectShaped(JSONDataError.invalidLine(line, file: "fuzz.jsonl", number: number + 1), "datasets")
        }
        let offset = data.isEmpty ? 0 : Int(data[0]) * data.count / 256
        expectShaped(JSONDataError.invalidDocument(input, offset: offset, message: "fuzz", file: "fuzz.json", hint: "fuzz"), "datasets")
        shaped("datasets") { _ = try CSVReader.read(input, file: "fuzz.csv") }
        shaped("datasets") { _ = try LMEvalDataset.json(input, path: "fuzz.json", field: nil) }
        shaped("datasets") { _ = try LMEvalDataset.json(input, path: "fuzz.json", field: "data") }
        shaped("datasets") { _ = try LMEvalDataset.csv(input, path: "fuzz.csv", delimiter: ",") }
        let path = writeScratch("fuzz-dataset.jsonl", data)
        shaped("datasets") {
            _ = try DatasetLoader.load(DatasetConfig(path: path, fields: ["choices": .column("options")], limit: 3, shuffle: true, seed: 1),
                                       required: ["question"]).all()
        }
        shaped("datasets") { _ = try DatasetLoader.load(DatasetConfig(path: path), required: []).all() }
    }

    /// The input as a Hugging Face chat template (rendered for a conversation) and as an
    /// lm-eval template (StrictUndefined, rendered over a document).
    static func templates(_ data: [UInt8]) {
        guard let source = text(data) else { return }
        shaped("templates") {
            let template = try ChatTemplate(source)
            _ = try template.render(messages: [["role": "system", "content": "Be brief."], ["role": "user", "content": "Hi"],
                                               ["role": "assistant", "content": "Hello"], ["role": "user", "content": "2+2?"]],
                                    addGenerationPrompt: true, bosToken: "<s>", eosToken: "</s>")
        }
        shaped("templates") {
            let template = try JinjaTemplate(source, options: .lmEval)
            _ = try template.render(["question": "What is 2+2?", "choices": .array(["3", "4"]), "label": .int(1),
                                     "answer": .object([("text", "4"), ("index", .int(1))]), "score": .double(0.5), "none": .none])
        }
    }

    /// An lm-eval task file: its keys read and checked, and its fields evaluated on a document.
    static func lmEvalTask(_ data: [UInt8]) {
        guard let input = text(data) else { return }
        shaped("lmeval_task") {
            let root = try YAMLLoader.load(input, file: "fuzz-task.yaml")
            guard let keys = root.mapping else { return }
            let definition = try LMEvalTaskDefinition(keys, source: "fuzz-task.yaml")
            let documents = LMEvalDocuments(features: ["question", "choices", "label"], hasChoices: definition.docToChoice != nil, source: "fuzz")
            let doc: TemplateValue = .object([("question", "Why?"), ("choices", .array(["a", "b"])), ("label", .int(1))])
            _ = try documents.text(definition.docToText, doc)
            _ = try documents.target(definition.docToTarget, doc)
            if definition.docToChoice != nil { _ = try documents.choices(definition.docToChoice, doc) }
            for pipeline in definition.filters {
                _ = try LMEvalFilters.Pipeline(pipeline, source: "fuzz").apply(.array([.string("The answer is 42."), .string("B")]))
            }
            _ = try LMEvalTask.generationKwargs(definition, settings: try ConfigDecoder().decode(LMEvalSettings.self, from: .emptyMapping, at: "task"),
                                                place: "fuzz")
        }
    }

    /// A dataset README.md's front matter (`configs:`, `dataset_info:`), then every config
    /// resolved against a file list made of the patterns it names (globs matched as fsspec does).
    static func hfReadme(_ data: [UInt8]) {
        guard let input = text(data) else { return }
        var card: DatasetCard?
        shaped("hf_readme") { card = try DatasetCard.parse(input, file: "README.md") }
        guard let card else { return }
        shaped("hf_readme") { _ = try card.defaultConfigName(file: "README.md") }
        var files = ["README.md", "data/train-00000-of-00001.parquet", "test.jsonl", "a/b/c.csv"]
        for config in card.configs.prefix(8) {
            for (_, patterns) in (config.dataFiles ?? []).prefix(8) { files += patterns.prefix(4).map { String($0.prefix(200)) } }
        }
        let resolver = DataFilesResolver(root: "/fuzz", files: files, card: card)
        for name in resolver.configNames.prefix(8).map(Optional.some) + [nil, "no-such-config"] {
            shaped("hf_readme") { _ = try resolver.resolve(config: name) }
        }
        for pattern in files.prefix(16) { _ = DataFileGlob.select(files, pattern: pattern) }
    }

    /// A line from the lm-eval hook worker (the user's Python runs there): `{"id": n, "ok": ...}`
    /// or `{"id": n, "error": {...}}`; anything else is a failure, never a trap.
    static func workerReply(_ data: [UInt8]) {
        guard let input = text(data) else { return }
        for line in input.split(separator: "\n", omittingEmptySubsequences: false).prefix(8) {
            if case .error(let failure)? = try? LMEvalWorkerReply.parse(line, id: 1) {
                let hook = LMEvalHook(function: "utils.f", yamlFile: "t.yaml", place: "t.yaml:1:1 (doc_to_text)")
                let error = LMEvalPythonWorker.taskError(failure, hook: hook, context: .init(key: "doc_to_text", taskFile: "t.yaml", documents: [0, 1]),
                                                         python: nil)
                if error.message.isEmpty { fatalError("worker_reply: an error without a message") }
            }
        }
    }

    /// Python literals, JSON as Python reads it, and regular expressions with Python's meaning.
    static func python(_ data: [UInt8]) {
        guard let input = text(data) else { return }
        _ = try? PythonLiteral.evaluate(input)
        _ = try? PythonJSON.parse(Substring(input))
        let lines = input.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        if let pattern = lines.first, let regex = try? PythonRegex(String(pattern)) {
            let subject = lines.count > 1 ? String(lines[1]) : "The answer is 42, not 7. #### 1,234"
            _ = regex.findall(subject)
            _ = regex.sub("<\\1\\g<0>>", in: subject, count: 3)
        }
    }
}
