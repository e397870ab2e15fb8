/// A RecordBatch message's metadata: the row count, one node (length, null count) per field in
/// depth-first schema order, and the buffers those fields read, as absolute byte ranges.
struct ArrowRecordBatch {
    struct Node {
        var length: Int
        var nullCount: Int
    }

    var length: Int
    var nodes: [Node]
    var buffers: [Range<Int>]
    /// Where the message starts, for errors.
    var start: Int

    init(_ table: FlatBufferTable, body: Range<Int>, messageStart: Int) throws(ColumnarError) {
        let bytes = table.bytes
        start = messageStart
        let rows: Int64 = try table.scalar(0, default: 0)
        guard rows >= 0 else { throw bytes.error("a record batch of \(rows) rows", at: messageStart) }
        length = Int(rows)
        if let compression = try table.table(3) {
            let codec: Int8 = try compression.scalar(0, default: 0)
            let name = codec == 0 ? "LZ4_FRAME" : codec == 1 ? "ZSTD" : "codec \(codec)"
            throw bytes.error("the record batch bodies are compressed with \(name), which is not supported", at: messageStart,
                              hint: "write the stream uncompressed (pyarrow: IpcWriteOptions(compression=None)); `datasets` never compresses its cache")
        }
        nodes = []
        for (length, nullCount) in try table.int64Pairs(1) {
            guard length >= 0, nullCount >= 0, nullCount <= length else {
                throw bytes.error("a field node with length \(length) and null count \(nullCount)", at: messageStart)
            }
            nodes.append(Node(length: Int(length), nullCount: Int(nullCount)))
        }
        buffers = []
        let bodyLength = Int64(body.count)
        for (offset, size) in try table.int64Pairs(2) {
            guard offset >= 0, size >= 0, offset <= bodyLength, size <= bodyLength - offset else {
                throw bytes.error("a buffer at \(offset) of \(size) bytes lies outside the \(bodyLength)-byte message body",
                                  at: body.lowerBound)
            }
            buffers.append(body.lowerBound + Int(offset) ..< body.lowerBound + Int(offset + size))
        }
    }
}
