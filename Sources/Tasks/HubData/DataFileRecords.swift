import Columnar
import Foundation
import Models

/// The records of one located data file, by its format: JSON / JSON Lines / CSV / TSV through
/// ``LMEvalDataset``'s readers (the same parsing and CSV type inference as local `data_files`),
/// Parquet and Arrow IPC streams through the `Columnar` readers, each row a record of its
/// columns in schema order (line nil; the row's place is its index in the file).
///
/// Gzipped JSON and CSV files (`.gz`) are decompressed in memory; other compressions are a
/// clear error.
public enum DataFileRecords {
    /// A record: its fields in order, and the line it starts on when the format has lines.
    public typealias Record = (fields: [(String, TemplateValue)], line: Int?)

    /// - Parameters:
    ///   - field: `dataset_kwargs.field`, the key holding the records of a JSON document.
    ///   - columnNames: `dataset_kwargs.column_names` (CSV only): the names of a file without a header row.
    /// - Throws: ``TaskError`` naming the file (and line or column) that cannot be read.
    public static func read(_ file: LocatedDataFile, field: String? = nil, columnNames: [String]? = nil) throws(TaskError) -> [Record] {
        if columnNames != nil {
            guard case .csv = file.format else {
                throw TaskError("dataset_kwargs.column_names is read for CSV data only; this file is \(file.format)", at: file.path,
                                hint: "remove column_names from dataset_kwargs")
            }
        }
        if let compression = file.compression {
            guard compression == ".gz" else {
                throw TaskError("compressed data files (\(compression)) are not read", at: file.path,
                                hint: "gzip (.gz) is; decompress this one beside the others and name the plain file in data_files")
            }
            return try gzipped(file, field: field, columnNames: columnNames)
        }
        switch file.format {
        case .json:
            return try LMEvalDataset.read(file.path, format: "json", field: field, delimiter: ",").map { ($0.fields, $0.line) }
        case .csv(let delimiter):
            return try LMEvalDataset.read(file.path, format: "csv", field: nil, delimiter: delimiter, columnNames: columnNames).map { ($0.fields, $0.line) }
        case .parquet:
            return try rows(file.path, parquet: true)
        case .arrow:
            return try rows(file.path, parquet: false)
        case .unsupported(let module):
            throw TaskError("data files of the '\(module)' builder are not supported", at: file.path,
                            hint: "the runner reads parquet, arrow, json, jsonl, csv and tsv data files")
        }
    }

    /// A gzipped JSON, JSON Lines or CSV file (`train.jsonl.gz`), decompressed in memory.
    private static func gzipped(_ file: LocatedDataFile, field: String?, columnNames: [String]?) throws(TaskError) -> [Record] {
        let format: String, delimiter: Character
        switch file.format {
        case .json: (format, delimiter) = ("json", ",")
        case .csv(let d): (format, delimiter) = ("csv", d)
        default:
            throw TaskError("a compressed \(file.format) file is not read", at: file.path, hint: "gzip is read for JSON, JSON Lines and CSV files")
        }
        let bytes: [UInt8]
        do { bytes = try GzipFile.read(path: file.path) } catch { throw taskError(error) }
        return try LMEvalDataset.parse(Data(bytes), path: file.path, format: format, field: field, delimiter: delimiter, columnNames: columnNames).map { ($0.fields, $0.line) }
    }

    private static func rows(_ path: String, parquet: Bool) throws(TaskError) -> [Record] {
        var records: [Record] = []
        try forEachRow(path, parquet: parquet) { columns, row in
            records.append((zip(columns, row).map { ($0, $1.templateValue) }, nil))
        }
        return records
    }

    /// Each row of a Parquet file or an Arrow stream with its batch's column names, in file
    /// order, one batch in memory at a time. The one place the readers are opened for data
    /// files (lm-eval tasks here, standard tasks in ``DatasetLoader``).
    /// - Throws: ``TaskError`` naming the file (and column and byte offset) that cannot be
    ///   read, or what `body` throws.
    static func forEachRow(_ path: String, parquet: Bool, _ body: ([String], [ColumnValue]) throws(TaskError) -> Void) throws(TaskError) {
        do {
            let reader: any RowBatchReader = parquet ? try ParquetFile(path: path) : try ArrowStream(path: path)
            try reader.forEachBatch { batch in
                for row in batch.rows { try body(batch.columns, row) }
            }
        } catch let error as ColumnarError {
            throw taskError(error)
        } catch let error as TaskError {
            throw error
        } catch {
            throw TaskError("\(error)", at: path)
        }
    }

    /// A reader's error as the task's: the same text (with column and byte offset) and place.
    private static func taskError(_ error: ColumnarError) -> TaskError {
        TaskError(error.userError.message, at: error.file, hint: error.hint)
    }
}
