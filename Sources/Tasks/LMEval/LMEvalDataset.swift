import Columnar
import Config
import Foundation
import Models

/// The documents of a task's local `json` or `csv` files, split by split, as Hugging Face
/// `datasets` loads them for lm-eval: JSON Lines, a JSON array of records (or the list under
/// `field`), or CSV with pandas' column types (digit columns are integers, `"000"` is 0);
/// every document has every column of its split, `None` where a record lacks one; a column
/// mixing integers and floats holds floats.
struct LMEvalDataset: Sendable {
    /// Split name to documents, in file order.
    var splits: [String: [TemplateValue]]
    /// Split name to column names, in order of first appearance.
    var columns: [String: [String]]
    /// Split name to where each document came from, for errors about one.
    var origins: [String: [Origin]] = [:]
    /// The dataset card's `dataset_info` features of the config (JSON text), when it has them:
    /// `process_docs` gets a `datasets.Dataset` with them (ClassLabel names and all).
    var features: String? = nil

    /// One record as read: its fields in file order, and the line it starts on (nil inside
    /// one JSON document).
    typealias Record = (fields: [(String, TemplateValue)], line: Int?)

    /// Where a document came from: its data file, and its line unless it is in one JSON document
    /// (then its index names it).
    struct Origin: Sendable, Equatable {
        var file: String
        var line: Int?
        /// The row of a Parquet or Arrow file, from 1.
        var row: Int?

        /// `file:line`, `file (row N)`, or the file alone.
        var place: String { line.map { "\(file):\($0)" } ?? row.map { "\(file) (row \($0))" } ?? file }
    }

    /// - Parameter resolve: finds a data file named in the task (relative paths are looked up
    ///   as the runner looks up data).
    /// - Throws: ``TaskError`` naming the file and line of a bad record.
    static func load(_ task: LMEvalTaskDefinition, resolve: (String) -> String) throws(TaskError) -> LMEvalDataset {
        if !task.isPackaged { return try loadHub(task, resolve: resolve) }
        var splits: [String: [TemplateValue]] = [:]
        var columns: [String: [String]] = [:]
        var origins: [String: [Origin]] = [:]
        for (split, files) in task.dataFiles {
            var records: [[(String, TemplateValue)]] = []
            var places: [Origin] = []
            for name in files {
                let path = resolve(name)
                let read = try read(path, format: task.datasetPath, field: task.jsonField, delimiter: task.csvDelimiter, columnNames: task.csvColumnNames)
                records += read.map(\.fields)
                places += read.enumerated().map { Origin(file: path, line: $1.line, row: columnar(task.datasetPath) ? $0 + 1 : nil) }
            }
            add(split, records, places, to: &splits, &columns, &origins)
        }
        return LMEvalDataset(splits: splits, columns: columns, origins: origins)
    }

    /// One split's records, with every column in each (see ``unify(_:columns:)``).
    private static func add(_ split: String, _ records: [[(String, TemplateValue)]], _ places: [Origin],
                            to splits: inout [String: [TemplateValue]], _ columns: inout [String: [String]], _ origins: inout [String: [Origin]]) {
        var names: [String] = []
        var seen = Set<String>()
        for record in records { for (key, _) in record where seen.insert(key).inserted { names.append(key) } }
        splits[split] = unify(records, columns: names)
        columns[split] = names
        origins[split] = places
    }

    /// A Hugging Face dataset (`org/name` or a folder), found offline by ``HubDatasetLocator``
    /// in the `datasets` cache, the hub cache or the folder; the task's splits must be among
    /// the dataset's.
    static func loadHub(_ task: LMEvalTaskDefinition, resolve: (String) -> String) throws(TaskError) -> LMEvalDataset {
        // A folder named relative to where the runner looks for data (or beside the task file).
        var path = task.datasetPath
        let found = resolve(path)
        if FileSystem.isDirectory(found) { path = found }
        var located: LocatedDataset
        do {
            located = try HubDatasetLocator().locate(path: path, config: task.datasetName, revision: task.revision, dataDir: task.dataDir,
                                                     dataFiles: task.dataFiles.isEmpty ? nil : task.dataFiles.map { ($0.split, $0.files) })
        } catch {
            var error = error
            if error.place == nil { error.place = task.source }
            throw error
        }
        let wanted = [("test_split", task.testSplit), ("validation_split", task.validationSplit), ("training_split", task.trainingSplit),
                      ("fewshot_split", task.fewshotSplit), ("fewshot_config.split", task.fewShot.split)]
        for (key, split) in wanted {
            if let split, located.files(split) == nil {
                throw TaskError("\(key) '\(split)' is not a split of \(task.datasetPath)\(task.datasetName.map { " (\($0))" } ?? ""); it has \(located.splitNames.joined(separator: ", "))",
                                at: task.source, hint: "found in \(located.source.description)")
            }
        }
        let needed = Set(wanted.compactMap(\.1))
        var splits: [String: [TemplateValue]] = [:]
        var columns: [String: [String]] = [:]
        var origins: [String: [Origin]] = [:]
        for (split, files) in located.splits where needed.contains(split) {
            var records: [[(String, TemplateValue)]] = []
            var places: [Origin] = []
            for file in files {
                let read = try DataFileRecords.read(file, field: task.jsonField, columnNames: task.csvColumnNames)
                records += read.map(\.fields)
                let rows = file.format == .parquet || file.format == .arrow
                places += read.enumerated().map { Origin(file: file.path, line: $1.line, row: rows ? $0 + 1 : nil) }
            }
            add(split, records, places, to: &splits, &columns, &origins)
        }
        return LMEvalDataset(splits: splits, columns: columns, origins: origins, features: located.features)
    }

    /// Parquet and Arrow rows have no lines: errors name them by row.
    static func columnar(_ format: String) -> Bool { format == "parquet" || format == "arrow" }

    static func read(_ path: String, format: String, field: String?, delimiter: Character, columnNames: [String]? = nil) throws(TaskError) -> [Record] {
        guard FileSystem.isFile(path) else {
            throw TaskError("data file not found", at: path,
                            hint: "data_files are looked up from the folder runner is started in (\(FileSystem.currentDirectory())), then beside the task file")
        }
        if columnar(format) {
            return try DataFileRecords.read(LocatedDataFile(path: path, format: format == "parquet" ? .parquet : .arrow)).map { ($0.fields, $0.line) }
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw TaskError("data file cannot be read", at: path) }
        return try parse(data, path: path, format: format, field: field, delimiter: delimiter, columnNames: columnNames)
    }

    /// JSON or CSV text already read (or decompressed from a `.gz` file); `path` names it in errors.
    static func parse(_ data: Data, path: String, format: String, field: String?, delimiter: Character, columnNames: [String]? = nil) throws(TaskError) -> [Record] {
        if let binary = BinaryFormat.detect(data) { throw binary.error(path) }
        guard var text = String(validating: data, as: UTF8.self) else { throw TaskError("data file is not UTF-8 text", at: path, hint: "save it as UTF-8") }
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return format == "csv" ? try csv(text, path: path, delimiter: delimiter, columnNames: columnNames) : try json(text, path: path, field: field)
    }

    /// JSON Lines, or one JSON document holding the records.
    static func json(_ text: String, path: String, field: String?) throws(TaskError) -> [Record] {
        let trimmed = PythonText.strip(text)
        if field != nil || trimmed.hasPrefix("[") {
            let document: TemplateValue
            do {
                document = try PythonJSON.parse(Substring(text))
            } catch {
                throw JSONDataError.invalidDocument(text, offset: error.offset, message: error.message, file: path,
                                                    hint: "a .json data file holds one array of records, or one object with the records under dataset_kwargs.field")
            }
            var records = document
            if let field {
                guard case .object = document, case let inner = document[field], inner != .undefined else {
                    throw TaskError("the JSON document has no key '\(field)' (dataset_kwargs.field)", at: path)
                }
                records = inner
            }
            guard case .array(let items) = records else {
                throw TaskError("the JSON document is not a list of records", at: path, hint: "use dataset_kwargs.field to name the key that holds them")
            }
            return try items.enumerated().map { index, item throws(TaskError) in
                guard case .object(let pairs) = item else { throw TaskError("record \(index) is not a JSON object", at: path) }
                return (pairs, nil)
            }
        }
        var records: [Record] = []
        var lineNumber = 0
        for line in JSONLines.lines(text) {
            lineNumber += 1
            if line.unicodeScalars.allSatisfy(PythonText.isSpace) { continue }
            let value: TemplateValue
            do {
                value = try PythonJSON.parse(line)
            } catch {
                throw JSONDataError.invalidLine(line, file: path, number: lineNumber)
            }
            guard case .object(let pairs) = value else {
                throw TaskError("line is not a JSON object", at: "\(path):\(lineNumber)", hint: "each line must be one record, like {\"question\": ...}")
            }
            records.append((pairs, lineNumber))
        }
        return records
    }

    /// CSV with pandas' default type inference per column. `columnNames` (`dataset_kwargs.column_names`):
    /// as datasets passes them to pandas (`names=`, so `header=None`), every row is data.
    static func csv(_ text: String, path: String, delimiter: Character, columnNames: [String]? = nil) throws(TaskError) -> [Record] {
        var rows = try CSVReader.rows(text, file: path, delimiter: delimiter)
        if let columnNames {
            rows.insert((line: 0, fields: columnNames), at: 0)
        }
        guard let header = rows.first?.fields else { return [] }
        var columns: [[String?]] = Array(repeating: [], count: header.count)
        for row in rows.dropFirst() {
            guard row.fields.count == header.count else {
                throw TaskError("row has \(row.fields.count) fields, \(columnNames == nil ? "the header" : "column_names") \(header.count)", at: "\(path):\(row.line)",
                                hint: "quote fields that hold the delimiter")
            }
            for (i, field) in row.fields.enumerated() { columns[i].append(field.isEmpty ? nil : field) }
        }
        let typed = columns.map(inferColumn)
        let count = rows.count - 1
        return (0..<count).map { r in (header.indices.map { (header[$0], typed[$0][r]) }, rows[r + 1].line) }
    }

    /// pandas' `read_csv` types: all integers, else all numbers (floats), else all booleans
    /// (`True`/`False` in any case), else strings; an empty field is missing.
    static func inferColumn(_ values: [String?]) -> [TemplateValue] {
        let present = values.compactMap { $0 }
        if !present.isEmpty, present.count == values.count, present.allSatisfy({ Int(PythonText.strip($0)) != nil }) {
            return present.map { .int(Int(PythonText.strip($0))!) }
        }
        if !present.isEmpty, present.allSatisfy({ Double(PythonText.strip($0)) != nil || ["nan", "inf", "-inf"].contains(PythonText.strip($0).lowercased()) }) {
            return values.map { $0.map { .double(Double(PythonText.strip($0)) ?? .nan) } ?? .none }
        }
        if !present.isEmpty, present.allSatisfy({ ["true", "false"].contains($0.lowercased()) }) {
            return values.map { $0.map { .bool($0.lowercased() == "true") } ?? .none }
        }
        return values.map { $0.map(TemplateValue.string) ?? .none }
    }

    /// Every record gets every column; a column of integers and floats becomes floats.
    static func unify(_ records: [[(String, TemplateValue)]], columns: [String]) -> [TemplateValue] {
        var floatColumns = Set<String>()
        for column in columns {
            var ints = false, doubles = false
            for record in records {
                switch record.first(where: { $0.0 == column })?.1 {
                case .int?: ints = true
                case .double?: doubles = true
                default: break
                }
            }
            if ints && doubles { floatColumns.insert(column) }
        }
        return records.map { record in
            .object(columns.map { column in
                var value = record.last { $0.0 == column }?.1 ?? .none
                if floatColumns.contains(column), case .int(let i) = value { value = .double(Double(i)) }
                return (column, value)
            })
        }
    }
}

/// Lines of a text file split on `\n`, `\r\n` or `\r` (Python's universal newlines), on
/// Unicode scalars: Swift's `Character` treats `\r\n` as one, which would keep CRLF lines whole.
enum JSONLines {
    static func lines(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var i = start
        while i < scalars.endIndex {
            let c = scalars[i]
            if c == "\n" || c == "\r" {
                lines.append(Substring(scalars[start..<i]))
                var next = scalars.index(after: i)
                if c == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                start = next
                i = next
                continue
            }
            i = scalars.index(after: i)
        }
        if start < scalars.endIndex { lines.append(Substring(scalars[start...])) }
        return lines
    }
}
