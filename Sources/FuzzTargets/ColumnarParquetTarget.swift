import Columnar

extension ColumnarTargets {
    /// A Parquet file from bytes: footer, schema, every row group's pages and rows.
    static func parquet(_ data: [UInt8]) {
        shaped("parquet") {
            let file = try ParquetFile(bytes: data, name: "fuzz.parquet")
            try file.forEachBatch { _ in }
        }
    }
}
