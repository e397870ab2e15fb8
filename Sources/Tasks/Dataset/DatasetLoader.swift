import Config
import Foundation
import Models

/// Loads a task's dataset: reads the file, maps its keys to the task's field names, shuffles
/// with the dataset seed and keeps the first `limit` items.
///
/// A JSONL file is read once in chunks to check every record, and stays on disk afterwards
/// (``DatasetItems``); a CSV file is read whole.
public enum DatasetLoader {
    /// - Parameters:
    ///   - config: `task.dataset`.
    ///   - required: the task fields every item must have (after mapping).
    /// - Throws: ``TaskError`` for a missing or unreadable file, a bad line, a duplicate id or
    ///   a missing field, naming `file:line`.
    public static func load(_ config: DatasetConfig, required: [String], path: String? = nil) throws(TaskError) -> DatasetItems {
        let file = path ?? config.path
        let mapping = RecordMapping(fields: config.fields ?? [:], required: required)
        if let limit = config.limit, limit < 0 {
            throw TaskError("'task.dataset.limit' must be zero or more, not \(limit)", at: "task.dataset.limit",
                            hint: "use null for the whole dataset")
        }
        // A Parquet or Arrow file is read as one whatever its name, unless a format is set.
        var format = config.resolvedFormat
        if config.format == nil {
            switch BinaryFormat.detect(file: file) {
            case .parquet?: format = .parquet
            case .arrowFile?, .arrowStream?: format = .arrow
            default: break
            }
        }
        switch format {
        case .jsonl:
            do {
                return try loadJSONL(file, mapping: mapping, config: config)
            } catch where config.format == nil && error.message.hasPrefix("line is not valid JSON") && !Self.namedAsJSON(file) {
                // The format was guessed from a name that is neither .csv nor JSON's: say so, since a CSV named .txt lands here.
                var explained = error
                explained.hint = "read as JSON Lines because task.dataset.format is not set and the name does not end in .csv "
                    + "(for a CSV file set task.dataset.format=csv); " + (error.hint ?? "")
                throw explained
            }
        case .csv:
            var items = try readCSV(file, mapping: mapping)
            select(&items, config)
            return DatasetItems(items)
        case .parquet, .arrow:
            var items = try readColumnar(file, format: format, mapping: mapping)
            select(&items, config)
            return DatasetItems(items)
        }
    }

    /// The name says JSON (`.jsonl`, `.json`, `.ndjson`), so a bad line is bad JSON, not a CSV read as JSON.
    static func namedAsJSON(_ file: String) -> Bool {
        let name = file.lowercased()
        return [".jsonl", ".json", ".ndjson", ".jsonlines"].contains { name.hasSuffix($0) }
    }

    /// Keeps the shuffled (when asked) first `limit` of `all`, in place.
    static func select<T>(_ all: inout [T], _ config: DatasetConfig) {
        if config.shuffle == true {
            var generator = SeededGenerator(seed: config.seed ?? 0)
            all.shuffle(using: &generator)
        }
        if let limit = config.limit, limit < all.count { all.removeLast(all.count - limit) }
    }

    private static func loadJSONL(_ file: String, mapping: RecordMapping, config: DatasetConfig) throws(TaskError) -> DatasetItems {
        let records = try JSONLRecordFile(path: file, mapping: mapping)
        var spans: [JSONLRecordFile.Span] = []
        // Ids are checked by a 64-bit hash (8 bytes an item, not the ids themselves); a hash
        // seen before sends the loader back over the earlier records to compare the ids.
        var hashes = Set<UInt64>()
        try records.scan { item, span throws(TaskError) in
            if !hashes.insert(FewShotSampler.hash(item.id)).inserted {
                for earlier in spans where try records.read(earlier).id == item.id {
                    throw duplicate(item.id, firstLine: Int(earlier.line), place: item.place)
                }
            }
            if spans.isEmpty { spans.reserveCapacity(records.estimatedRecordCount(firstLine: Int(span.length))) }
            spans.append(span)
        }
        if spans.isEmpty { throw noRecords(file) }
        hashes = []
        select(&spans, config)
        return DatasetItems(file: records, spans: spans)
    }

    private static func readCSV(_ file: String, mapping: RecordMapping) throws(TaskError) -> [DatasetItem] {
        guard FileSystem.isFile(file) else {
            throw TaskError("dataset file not found", at: file,
                            hint: "paths are relative to the folder runner is started in (\(FileSystem.currentDirectory())); set task.dataset.path")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw TaskError("dataset file cannot be read", at: file, hint: "check the file's permissions")
        }
        if let format = BinaryFormat.detect(data) { throw format.error(file) }
        guard var text = String(validating: data, as: UTF8.self) else {
            throw TaskError("dataset file is not UTF-8 text", at: file, hint: "save it as UTF-8")
        }
        // Editors on Windows start UTF-8 files with a byte order mark; Python's utf-8-sig drops it.
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        let records = try CSVReader.read(text, file: file)
        if records.isEmpty { throw noRecords(file) }
        var ids = UniqueIDs()
        var items: [DatasetItem] = []
        items.reserveCapacity(records.count)
        for (number, (line, record)) in records.enumerated() {
            let item = try mapping.item(from: record, number: number, place: "\(file):\(line)")
            try ids.insert(item.id, line: line, place: item.place)
            items.append(item)
        }
        return items
    }

    /// A Parquet or Arrow file (the `datasets` cache's, or one saved by pyarrow or pandas):
    /// each row a record, named `file (row N)` in errors, N counted from 1.
    private static func readColumnar(_ file: String, format: DatasetConfig.Format, mapping: RecordMapping) throws(TaskError) -> [DatasetItem] {
        guard FileSystem.isFile(file) else {
            throw TaskError("dataset file not found", at: file,
                            hint: "paths are relative to the folder runner is started in (\(FileSystem.currentDirectory())); set task.dataset.path")
        }
        var ids = UniqueIDs()
        var items: [DatasetItem] = []
        try DataFileRecords.forEachRow(file, parquet: format == .parquet) { columns, row throws(TaskError) in
            let number = items.count
            var record: [String: JSONValue] = [:]
            for (name, value) in zip(columns, row) { record[name] = value.jsonValue }
            let item = try mapping.item(from: record, number: number, place: "\(file) (row \(number + 1))")
            try ids.insert(item.id, line: number + 1, place: item.place)
            items.append(item)
        }
        if items.isEmpty { throw noRecords(file) }
        return items
    }

    private static func noRecords(_ file: String) -> TaskError {
        TaskError("dataset file has no records", at: file, hint: "a JSONL file needs one JSON object per line; a CSV file a header and rows")
    }

    /// The ids seen so far, with the line each was first on.
    private struct UniqueIDs {
        var lines: [String: Int] = [:]

        mutating func insert(_ id: String, line: Int, place: String) throws(TaskError) {
            if let first = lines.updateValue(line, forKey: id) { throw duplicate(id, firstLine: first, place: place) }
        }
    }

    private static func duplicate(_ id: String, firstLine: Int, place: String) -> TaskError {
        TaskError("duplicate item id '\(id)' (first on line \(firstLine))", at: place,
                  hint: "ids must be unique: the cache and samples.jsonl know items by id")
    }
}
