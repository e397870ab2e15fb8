/// One encapsulated IPC message: `0xFFFFFFFF`, an int32 metadata length, the `Message`
/// flatbuffer (padded to 8 bytes), then `bodyLength` bytes of body. Streams written before
/// Arrow 0.15 lack the `0xFFFFFFFF`; both are read. A zero length is the end-of-stream marker.
struct ArrowMessage {
    enum Kind: UInt8 {
        case schema = 1, dictionaryBatch, recordBatch
    }

    /// Where the message starts in the file.
    let start: Int
    /// The raw `MessageHeader` union tag (1 Schema, 2 DictionaryBatch, 3 RecordBatch, 4 Tensor…).
    let headerType: UInt8
    let header: FlatBufferTable
    /// The body's byte range in the file; buffer offsets are relative to its start.
    let body: Range<Int>

    var kind: Kind? { Kind(rawValue: headerType) }
}

/// Reads messages one after another from `position` up to `end`.
struct ArrowMessageReader {
    let bytes: ArrowBytes
    private(set) var position: Int
    let end: Int

    init(_ bytes: ArrowBytes, from position: Int, to end: Int) {
        self.bytes = bytes
        self.position = position
        self.end = end
    }

    /// The next message, or nil at the end-of-stream marker or the end of the data.
    mutating func next() throws(ColumnarError) -> ArrowMessage? {
        guard position < end else { return nil }
        let start = position
        guard end - start >= 4 else {
            throw bytes.error("the stream ends inside a message's length prefix", at: start)
        }
        var length = Int(try bytes.load(Int32.self, at: start))
        var metadataStart = start + 4
        if length == -1 {
            guard end - start >= 8 else {
                throw bytes.error("the stream ends inside a message's length prefix", at: start)
            }
            length = Int(try bytes.load(Int32.self, at: start + 4))
            metadataStart = start + 8
        }
        if length == 0 {
            position = end
            return nil
        }
        guard length > 0, length <= end - metadataStart else {
            throw bytes.error("a message's metadata length (\(length) bytes) does not fit the \(end - metadataStart) bytes left",
                              at: start)
        }
        let region = metadataStart ..< metadataStart + length
        let message = try FlatBufferTable.root(bytes, region: region)
        let headerType: UInt8 = try message.scalar(1, default: 0)
        guard let header = try message.table(2) else {
            throw bytes.error("a message without a header", at: start)
        }
        let bodyLength: Int64 = try message.scalar(3, default: 0)
        let bodyStart = region.upperBound
        guard bodyLength >= 0, bodyLength <= Int64(end - bodyStart) else {
            throw bytes.error("a message body of \(bodyLength) bytes does not fit the \(end - bodyStart) bytes left",
                              at: bodyStart)
        }
        position = bodyStart + Int(bodyLength)
        return ArrowMessage(start: start, headerType: headerType, header: header, body: bodyStart ..< position)
    }
}

/// Where the stream lies in the data: all of it, or for the IPC file format (`ARROW1`, padding,
/// the stream, the footer, its int32 length, `ARROW1`) the part between magic and footer.
enum ArrowStreamBounds {
    static let magic = Array("ARROW1".utf8)

    static func locate(_ bytes: ArrowBytes) throws(ColumnarError) -> Range<Int> {
        let count = bytes.count
        guard count >= 8, (0 ..< 6).allSatisfy({ bytes.raw[$0] == magic[$0] }) else { return 0 ..< count }
        guard count >= 8 + 10, (0 ..< 6).allSatisfy({ bytes.raw[count - 6 + $0] == magic[$0] }) else {
            throw bytes.error("an Arrow IPC file without its closing ARROW1 magic (truncated?)", at: count)
        }
        let footerLength = Int(try bytes.load(Int32.self, at: count - 10))
        guard footerLength >= 0, footerLength <= count - 10 - 8 else {
            throw bytes.error("the Arrow file footer length \(footerLength) does not fit the file", at: count - 10)
        }
        return 8 ..< count - 10 - footerLength
    }
}
