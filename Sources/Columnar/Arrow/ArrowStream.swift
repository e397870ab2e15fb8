import Foundation

/// An Arrow IPC stream (the `datasets` cache's `*.arrow` files, written by
/// `pa.RecordBatchStreamWriter`), read record batch by record batch from a memory-mapped file.
/// The IPC file format (`ARROW1` … footer) is read through the stream inside it.
///
/// Each record batch becomes one ``RowBatch`` of ``ColumnValue`` rows as pyarrow's `to_pylist()`
/// gives them; dictionary-encoded columns come out decoded. Compressed bodies are refused.
public struct ArrowStream: RowBatchReader {
    public let path: String
    public private(set) var columns: [String] = []
    public private(set) var metadata: [String: String] = [:]
    /// The schema's fields, with their types and nested children.
    public private(set) var fields: [ArrowField] = []

    private let data: Data
    private let schema: ArrowSchema
    /// Where the messages after the schema start, and where the stream ends.
    private let batchesStart: Int
    private let streamEnd: Int
    private let zones: [String: ArrowTimeZone]

    /// Maps the file and reads its schema message. - Throws: ``ColumnarError`` naming the file and offset.
    public init(path: String) throws(ColumnarError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw ColumnarError("cannot read the file: \(error.localizedDescription)", file: path)
        }
        try self.init(data: data, name: path)
    }

    /// Bytes already in memory (fuzzing, tests); `name` is used in errors.
    public init(bytes: [UInt8], name: String) throws(ColumnarError) {
        try self.init(data: Data(bytes), name: name)
    }

    private init(data: Data, name: String) throws(ColumnarError) {
        path = name
        self.data = data
        let opened = data.withUnsafeBytes { raw in
            Result { () throws(ColumnarError) -> (ArrowSchema, Int, Int) in
                let bytes = ArrowBytes(raw: raw, file: name)
                let bounds = try ArrowStreamBounds.locate(bytes)
                var reader = ArrowMessageReader(bytes, from: bounds.lowerBound, to: bounds.upperBound)
                guard let message = try reader.next() else {
                    throw bytes.error("no Schema message: the file is empty or starts with the end-of-stream marker", at: bounds.lowerBound,
                                      hint: "is this an Arrow IPC stream (a `datasets` cache `.arrow` file)?")
                }
                guard message.kind == .schema else {
                    throw bytes.error("the first message is not a Schema (header type \(message.headerType))", at: message.start)
                }
                return (try ArrowSchema(message.header), reader.position, bounds.upperBound)
            }
        }
        let batchesStart: Int
        (schema, batchesStart, streamEnd) = try opened.get()
        self.batchesStart = batchesStart
        fields = schema.fields
        columns = schema.fields.map(\.name)
        metadata = schema.metadata
        var zones: [String: ArrowTimeZone] = [:]
        func collectZones(_ field: ArrowField) {
            if case let .timestamp(_, zone?) = field.type { zones[zone] = ArrowTimeZone(zone) }
            field.children.forEach(collectZones)
        }
        schema.fields.forEach(collectZones)
        schema.dictionaryFields.values.forEach(collectZones)
        self.zones = zones
    }

    /// Calls `body` with each record batch's rows in stream order; dictionary batches are applied
    /// (replaced, or appended for deltas) as they come.
    public func forEachBatch(_ body: (RowBatch) throws -> Void) throws {
        try data.withUnsafeBytes { raw in
            let bytes = ArrowBytes(raw: raw, file: path)
            var reader = ArrowMessageReader(bytes, from: batchesStart, to: streamEnd)
            var dictionaries: [Int64: [ColumnValue]] = [:]
            while let message = try reader.next() {
                switch message.kind {
                case .recordBatch:
                    try body(try batch(message, bytes, dictionaries))
                case .dictionaryBatch:
                    try dictionary(message, bytes, &dictionaries)
                case .schema:
                    throw bytes.error("a second Schema message in the stream", at: message.start)
                case nil:
                    throw bytes.error("an unsupported message (header type \(message.headerType)) in the stream", at: message.start)
                }
            }
        }
    }

    private func batch(_ message: ArrowMessage, _ bytes: ArrowBytes, _ dictionaries: [Int64: [ColumnValue]]) throws(ColumnarError) -> RowBatch {
        let header = try ArrowRecordBatch(message.header, body: message.body, messageStart: message.start)
        guard header.length <= ArrowColumnDecoder.budget(bodyLength: message.body.count) else {
            throw bytes.error("a record batch of \(header.length) rows, more than its \(message.body.count)-byte body can hold", at: message.start)
        }
        var decoder = ArrowColumnDecoder(bytes, batch: header, bodyLength: message.body.count, dictionaries: dictionaries, zones: zones)
        var values: [[ColumnValue]] = []
        for field in schema.fields {
            let column = try decoder.column(field, path: field.name)
            guard column.count >= header.length else {
                throw bytes.error("\(column.count) values in a record batch of \(header.length) rows", at: message.start, column: field.name)
            }
            values.append(column)
        }
        let rows = (0 ..< header.length).map { row in values.map { $0[row] } }
        return RowBatch(columns: columns, rows: rows)
    }

    private func dictionary(_ message: ArrowMessage, _ bytes: ArrowBytes, _ dictionaries: inout [Int64: [ColumnValue]]) throws(ColumnarError) {
        let id: Int64 = try message.header.scalar(0, default: 0)
        guard let field = schema.dictionaryFields[id] else {
            throw bytes.error("a DictionaryBatch for dictionary \(id), which no field uses", at: message.start)
        }
        guard let data = try message.header.table(1) else {
            throw bytes.error("a DictionaryBatch without its record batch", at: message.start, column: field.name)
        }
        let header = try ArrowRecordBatch(data, body: message.body, messageStart: message.start)
        var decoder = ArrowColumnDecoder(bytes, batch: header, bodyLength: message.body.count, dictionaries: dictionaries, zones: zones)
        let values = try decoder.column(field, path: field.name).prefix(header.length)
        if try message.header.bool(2) {
            dictionaries[id, default: []].append(contentsOf: values)
        } else {
            dictionaries[id] = Array(values)
        }
    }
}
