/// One leaf's levels and values for a row group.
struct LeafData {
    /// Definition levels, one per entry; empty when the leaf's max definition level is 0.
    var definitions: [UInt8] = []
    /// Repetition levels, one per entry; empty when the leaf's max repetition level is 0.
    var repetitions: [UInt8] = []
    /// Values of the entries defined at the leaf's max definition level, in order.
    var values: [ColumnValue] = []
    /// Entries (level slots): nulls and values.
    var count = 0
}

/// Reads a column chunk's pages (dictionary, data v1 and v2; index pages skipped) into
/// ``LeafData``. Pages are decompressed with ``Codec``; CRCs and statistics are ignored.
struct ColumnChunkReader {
    let file: String
    let bytes: UnsafeRawBufferPointer
    /// Where the footer starts: column data must end before it.
    let dataEnd: Int
    let leaf: LeafColumn

    /// A page may hold at most this many level entries (or 8 per uncompressed byte, if more):
    /// corrupt counts cannot ask for unbounded memory.
    static let maxEntriesPerPage = 1 << 24

    func error(_ message: String, at offset: Int) -> ColumnarError {
        ColumnarError(message, file: file, column: leaf.name, offset: offset)
    }

    func read(_ meta: ColumnMetaData) throws(ColumnarError) -> LeafData {
        // An empty chunk (a row group of no rows) may point nowhere.
        if meta.numValues == 0 { return LeafData() }
        guard let codec = Codec(rawValue: meta.codec) else { throw error("unknown compression codec \(meta.codec)", at: Int(meta.dataPageOffset)) }
        var start = meta.dataPageOffset
        if let dictionary = meta.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
        guard start >= 4, start < Int64(dataEnd), meta.totalCompressedSize >= 0,
              meta.totalCompressedSize <= Int64(dataEnd) - start else {
            throw error("a column chunk outside the file (offset \(start), \(meta.totalCompressedSize) bytes)", at: Int(clamping: start))
        }
        guard meta.numValues >= 0 else { throw error("a negative value count", at: Int(start)) }
        let end = Int(start + meta.totalCompressedSize)
        var position = Int(start)
        var data = LeafData()
        var dictionary: [ColumnValue]?
        var converter = ValueConverter(kind: leaf.kind, file: file, column: leaf.name, offset: position)
        while data.count < meta.numValues && position < end {
            let pageStart = position
            var thrift = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: bytes[position..<end]), base: position, file: file)
            let header = try PageHeader(&thrift)
            position += thrift.position
            guard header.compressedSize >= 0, header.uncompressedSize >= 0, Int(header.compressedSize) <= end - position else {
                throw error("a page of \(header.compressedSize) bytes past the column chunk's end", at: pageStart)
            }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(header.compressedSize))])
            position += Int(header.compressedSize)
            converter.offset = pageStart
            let decoder = ValueDecoder(leaf: leaf, converter: converter)
            switch PageHeader.Kind(rawValue: header.type) {
            case .dictionaryPage?:
                guard let dict = header.dictionaryPage else { throw error("a dictionary page without its header", at: pageStart) }
                guard dict.numValues >= 0, dict.encoding == 0 || dict.encoding == 2 else {
                    throw error("a dictionary page with encoding \(dict.encoding)", at: pageStart)
                }
                let raw = try decompress(payload, codec: codec, size: Int(header.uncompressedSize), at: pageStart)
                var values: [ColumnValue] = []
                try raw.withBytes { (b) throws(ColumnarError) in
                    guard Int(dict.numValues) <= max(b.count * 8, 8) else { throw error("a dictionary of \(dict.numValues) values in \(b.count) bytes", at: pageStart) }
                    _ = try decoder.plain(b, count: Int(dict.numValues), into: &values)
                }
                dictionary = values
            case .dataPage?:
                guard let page = header.dataPage else { throw error("a data page without its header", at: pageStart) }
                try checkCount(Int64(page.numValues), header, data, meta, at: pageStart)
                let raw = try decompress(payload, codec: codec, size: Int(header.uncompressedSize), at: pageStart)
                try raw.withBytes { (b) throws(ColumnarError) in
                    var offset = 0
                    let n = Int(page.numValues)
                    if leaf.maxRepetition > 0 {
                        try levels(b, &offset, count: n, max: leaf.maxRepetition, encoding: page.repetitionLevelEncoding, into: &data.repetitions, decoder, at: pageStart)
                    }
                    var nonNull = n
                    if leaf.maxDefinition > 0 {
                        let before = data.definitions.count
                        try levels(b, &offset, count: n, max: leaf.maxDefinition, encoding: page.definitionLevelEncoding, into: &data.definitions, decoder, at: pageStart)
                        nonNull = countDefined(data.definitions[before...])
                    }
                    try decoder.decode(page.encoding, UnsafeRawBufferPointer(rebasing: b[offset...]), count: nonNull, dictionary: dictionary, into: &data.values)
                    data.count += n
                }
            case .dataPageV2?:
                guard let page = header.dataPageV2 else { throw error("a data page without its header", at: pageStart) }
                try checkCount(Int64(page.numValues), header, data, meta, at: pageStart)
                let repLength = Int(page.repetitionLevelsByteLength), defLength = Int(page.definitionLevelsByteLength)
                guard repLength >= 0, defLength >= 0, repLength + defLength <= payload.count,
                      repLength + defLength <= Int(header.uncompressedSize) else {
                    throw error("page levels longer than the page", at: pageStart)
                }
                let n = Int(page.numValues)
                if leaf.maxRepetition > 0 {
                    try decoder.hybrid(UnsafeRawBufferPointer(rebasing: payload[0..<repLength]), bitWidth: bitWidth(leaf.maxRepetition),
                                       count: n, into: &data.repetitions, limit: UInt32(leaf.maxRepetition))
                }
                var nonNull = n
                if leaf.maxDefinition > 0 {
                    let before = data.definitions.count
                    try decoder.hybrid(UnsafeRawBufferPointer(rebasing: payload[repLength..<(repLength + defLength)]), bitWidth: bitWidth(leaf.maxDefinition),
                                       count: n, into: &data.definitions, limit: UInt32(leaf.maxDefinition))
                    nonNull = countDefined(data.definitions[before...])
                }
                let valueBytes = UnsafeRawBufferPointer(rebasing: payload[(repLength + defLength)...])
                let raw = page.isCompressed
                    ? try decompress(valueBytes, codec: codec, size: Int(header.uncompressedSize) - repLength - defLength, at: pageStart)
                    : PageBytes.mapped(valueBytes)
                try raw.withBytes { (b) throws(ColumnarError) in
                    try decoder.decode(page.encoding, b, count: nonNull, dictionary: dictionary, into: &data.values)
                }
                data.count += n
            default:
                continue  // index pages and pages of kinds added later
            }
        }
        guard data.count == meta.numValues else {
            throw error("the column chunk holds \(data.count) values where its metadata says \(meta.numValues)", at: position)
        }
        return data
    }

    private func checkCount(_ n: Int64, _ header: PageHeader, _ data: LeafData, _ meta: ColumnMetaData, at offset: Int) throws(ColumnarError) {
        guard n >= 0, n <= max(Int64(Self.maxEntriesPerPage), Int64(header.uncompressedSize) * 8),
              Int64(data.count) + n <= meta.numValues else {
            throw error("a page of \(n) values", at: offset)
        }
    }

    private func countDefined(_ levels: ArraySlice<UInt8>) -> Int {
        let top = UInt8(leaf.maxDefinition)
        var n = 0
        for level in levels where level == top { n += 1 }
        return n
    }

    /// v1 levels: a 4-byte length, then the RLE hybrid.
    private func levels(_ b: UnsafeRawBufferPointer, _ offset: inout Int, count: Int, max: Int, encoding: Int32,
                        into out: inout [UInt8], _ decoder: ValueDecoder, at pageStart: Int) throws(ColumnarError) {
        guard encoding == ParquetEncoding.rle.rawValue else { throw error("levels with encoding \(encoding)", at: pageStart) }
        guard b.count - offset >= 4 else { throw error("levels past the end of the page", at: pageStart) }
        let length = Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        offset += 4
        guard length <= b.count - offset else { throw error("levels past the end of the page", at: pageStart) }
        try decoder.hybrid(UnsafeRawBufferPointer(rebasing: b[offset..<(offset + length)]), bitWidth: bitWidth(max), count: count, into: &out, limit: UInt32(max))
        offset += length
    }

    private func decompress(_ payload: UnsafeRawBufferPointer, codec: Codec, size: Int, at offset: Int) throws(ColumnarError) -> PageBytes {
        if codec == .uncompressed { return .mapped(payload) }
        guard size >= 0, size <= 1 << 30 else { throw error("a page of \(size) bytes uncompressed", at: offset) }
        do throws(ColumnarError) {
            return .owned(try codec.decompress(payload, uncompressedSize: size, file: file))
        } catch {
            var located = error
            if located.column == nil { located.column = leaf.name }
            if located.offset == nil { located.offset = offset }
            throw located
        }
    }
}

/// A page's bytes: straight from the mapped file, or decompressed.
enum PageBytes {
    case mapped(UnsafeRawBufferPointer)
    case owned([UInt8])

    func withBytes(_ body: (UnsafeRawBufferPointer) throws(ColumnarError) -> Void) throws(ColumnarError) {
        switch self {
        case .mapped(let b): try body(b)
        case .owned(let array): try withArrayBytes(array, body)
        }
    }
}

/// `withUnsafeBytes` on an array for a body that throws ``ColumnarError`` only.
func withArrayBytes<R>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(ColumnarError) -> R) throws(ColumnarError) -> R {
    let result: Result<R, ColumnarError> = array.withUnsafeBytes { b in
        do throws(ColumnarError) { return .success(try body(b)) } catch { return .failure(error) }
    }
    return try result.get()
}
