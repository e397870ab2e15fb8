import Columnar

extension ColumnarTargets {
    /// An Arrow IPC stream or file: schema, dictionaries, every record batch's rows.
    static func arrow(_ data: [UInt8]) {
        shaped("arrow") {
            let stream = try ArrowStream(bytes: data, name: "fuzz.arrow")
            _ = (stream.columns, stream.metadata, stream.fields)
            try stream.forEachBatch { batch in _ = batch.rows.count }
        }
    }
}
