import Columnar
import Foundation

/// The expected rows the Arrow fixtures' make_fixtures.py wrote (columns, rows per batch,
/// schema metadata, rows), read by ``ExpectedRowsJSON``.
struct ExpectedRows {
    var columns: [String]
    var batches: [Int]
    var metadata: [String: String]
    var rows: [[ColumnValue]]

    init(path: String) throws {
        let text = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        struct NotRows: Error {}
        guard case let .record(top) = try ExpectedRowsJSON.parse(text) else { throw NotRows() }
        let fields = Dictionary(top, uniquingKeysWith: { a, _ in a })
        guard case let .list(names)? = fields["columns"], case let .list(counts)? = fields["batches"],
              case let .record(meta)? = fields["metadata"], case let .list(rowValues)? = fields["rows"] else { throw NotRows() }
        columns = names.compactMap { if case let .string(name) = $0 { name } else { nil } }
        batches = counts.compactMap { if case let .int(count) = $0 { Int(count) } else { nil } }
        metadata = Dictionary(meta.compactMap { key, value in if case let .string(text) = value { (key, text) } else { nil } },
                              uniquingKeysWith: { a, _ in a })
        rows = rowValues.map { row in
            guard case let .record(values) = row else { return [] }
            return values.map(\.1)
        }
    }
}
