import Config
import Foundation
import Models

/// Loads a task's dataset: reads the file, maps its keys to the task's field names, shuffles
/// with the dataset seed and keeps the first `limit` items.
public enum DatasetLoader {
    /// - Parameters:
    ///   - config: `task.dataset`.
    ///   - required: the task fields every item must have (after mapping).
    /// - Throws: ``TaskError`` for a missing or unreadable file, a bad line, a duplicate id or
    ///   a missing field, naming `file:line`.
    public static func load(_ config: DatasetConfig, required: [String], path: String? = nil) throws(TaskError) -> [DatasetItem] {
        let file = path ?? config.path
        var items: [DatasetItem]
        do {
            items = try readAll(file, format: config.resolvedFormat, fields: config.fields ?? [:], required: required)
        } catch where config.format == nil && error.message.hasPrefix("line is not valid JSON") {
            // The format was guessed from the file name: say so, since a CSV named .txt lands here.
            var explained = error
            explained.hint = "read as JSONL because task.dataset.format is not set and the name does not end in .csv; "
                + "for a CSV file set task.dataset.format=csv"
            throw explained
        }
        if config.shuffle == true {
            var generator = SeededGenerator(seed: config.seed ?? 0)
            items.shuffle(using: &generator)
        }
        if let limit = config.limit {
            guard limit >= 0 else {
                throw TaskError("'task.dataset.limit' must be zero or more, not \(limit)", at: "task.dataset.limit",
                                hint: "use null for the whole dataset")
            }
            items = Array(items.prefix(limit))
        }
        return items
    }

    static func readAll(_ file: String, format: DatasetConfig.Format, fields: [String: FieldSource], required: [String]) throws(TaskError) -> [DatasetItem] {
        guard FileSystem.isFile(file) else {
            throw TaskError("dataset file not found", at: file,
                            hint: "paths are relative to the folder runner is started in (\(FileSystem.currentDirectory())); set task.dataset.path")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw TaskError("dataset file cannot be read", at: file, hint: "check the file's permissions")
        }
        guard var text = String(validating: data, as: UTF8.self) else {
            throw TaskError("dataset file is not UTF-8 text", at: file, hint: "save it as UTF-8")
        }
        // Editors on Windows start UTF-8 files with a byte order mark; Python's utf-8-sig drops it.
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        let records = switch format {
        case .jsonl: try JSONLReader.read(text, file: file)
        case .csv: try CSVReader.read(text, file: file)
        }
        if records.isEmpty {
            throw TaskError("dataset file has no records", at: file, hint: "a JSONL file needs one JSON object per line; a CSV file a header and rows")
        }
        var seen: [String: Int] = [:]
        var items: [DatasetItem] = []
        items.reserveCapacity(records.count)
        for (index, (line, record)) in records.enumerated() {
            let place = "\(file):\(line)"
            var mapped = record
            for (name, source) in fields {
                switch source {
                case .column(let column):
                    guard let value = record[column] else {
                        if required.contains(name) {
                            throw missingField(name, column: column, record: record, place: place)
                        }
                        continue
                    }
                    mapped[name] = value
                case .columns(let columns):
                    var values: [JSONValue] = []
                    for column in columns {
                        guard let value = record[column] else { throw missingField(name, column: column, record: record, place: place) }
                        values.append(value)
                    }
                    mapped[name] = .array(values)
                }
            }
            for name in required where name != "id" && mapped[name] == nil {
                throw missingField(name, column: name, record: record, place: place)
            }
            let id = mapped["id"].map(\.promptText) ?? String(index)
            if let first = seen[id] {
                throw TaskError("duplicate item id '\(id)' (first on line \(first))", at: place,
                                hint: "ids must be unique: the cache and samples.jsonl know items by id")
            }
            seen[id] = line
            items.append(DatasetItem(id: id, fields: mapped, place: place))
        }
        return items
    }

    private static func missingField(_ name: String, column: String, record: [String: JSONValue], place: String) -> TaskError {
        let keys = record.keys.sorted()
        var hint = "the record has: \(keys.joined(separator: ", "))"
        if let guess = DidYouMean.closest(to: column, in: keys) { hint = "did you mean '\(guess)'? " + hint }
        hint += "; map it with task.dataset.fields.\(name)=<key>"
        let what = name == column ? "field '\(name)'" : "field '\(name)' (key '\(column)')"
        return TaskError("record has no \(what)", at: place, hint: hint)
    }
}
