/// One value of a row read from a Parquet or Arrow file, as pyarrow's `to_pylist()` gives it:
/// the shapes a JSON record has, plus bytes (binary columns, image `{bytes, path}` structs).
///
/// Dates and timestamps are ISO text (`2024-01-31`, `2024-01-31T12:00:00`), decimals their
/// decimal text; a dictionary-encoded column holds its decoded values.
public enum ColumnValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    /// An unsigned 64-bit value above `Int64.max`.
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([ColumnValue])
    /// A struct (or a map's entries as `key`/`value` structs): fields in schema order.
    case record([(String, ColumnValue)])

    public static func == (a: ColumnValue, b: ColumnValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.uint(x), .uint(y)): return x == y
        case let (.double(x), .double(y)): return x == y || (x.isNaN && y.isNaN)
        case let (.string(x), .string(y)): return x == y
        case let (.bytes(x), .bytes(y)): return x == y
        case let (.list(x), .list(y)): return x == y
        case let (.record(x), .record(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }
}

/// Rows of one record batch (Arrow) or row group (Parquet), row-major, in file order.
public struct RowBatch: Sendable, Equatable {
    /// Top-level column names, in schema order.
    public var columns: [String]
    /// One array per row, one value per column.
    public var rows: [[ColumnValue]]

    public init(columns: [String], rows: [[ColumnValue]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// A columnar file read batch by batch, so memory stays bounded by one batch.
public protocol RowBatchReader {
    /// Top-level column names, in schema order.
    var columns: [String] { get }
    /// The file's key/value metadata (`huggingface` holds the `datasets` features JSON).
    var metadata: [String: String] { get }
    /// Calls `body` with each batch in file order.
    func forEachBatch(_ body: (RowBatch) throws -> Void) throws
}
