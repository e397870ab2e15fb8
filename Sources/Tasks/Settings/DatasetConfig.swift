import Config

/// A local JSONL or CSV file and how its fields map to the task's fields (`task.dataset`).
public struct DatasetConfig: Decodable, Sendable, Equatable {
    public enum Format: String, ConfigEnum { case jsonl, csv, parquet, arrow }

    public var path: String
    /// The file's format; default: from the file name (`.csv`, `.parquet`, `.arrow`, anything else JSONL).
    public var format: Format?
    /// Task field name to column/key name in the file (`question: q`), or to several columns
    /// gathered into a list (`choices: [opa, opb, opc, opd]`, for CSV files).
    public var fields: [String: FieldSource]?
    /// Use at most this many items (after shuffling).
    public var limit: Int?
    public var shuffle: Bool?
    public var seed: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, format, fields, limit, shuffle, seed
    }

    public init(path: String, format: Format? = nil, fields: [String: FieldSource]? = nil, limit: Int? = nil,
                shuffle: Bool? = nil, seed: Int? = nil) {
        self.path = path
        self.format = format
        self.fields = fields
        self.limit = limit
        self.shuffle = shuffle
        self.seed = seed
    }

    /// The format given, else the one the file name suggests.
    public var resolvedFormat: Format {
        if let format { return format }
        let name = path.lowercased()
        if name.hasSuffix(".csv") { return .csv }
        if name.hasSuffix(".parquet") { return .parquet }
        if name.hasSuffix(".arrow") { return .arrow }
        return .jsonl
    }
}

/// Where a task field comes from: one column or key, or several columns read as a list.
public enum FieldSource: Decodable, Sendable, Equatable {
    case column(String)
    case columns([String])

    public init(from decoder: any Decoder) throws {
        if try ConfigNode(from: decoder).sequence != nil {
            self = .columns(try decoder.singleValueContainer().decode([String].self))
        } else {
            self = .column(try decoder.singleValueContainer().decode(String.self))
        }
    }
}
