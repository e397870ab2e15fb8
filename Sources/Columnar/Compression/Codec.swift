/// Parquet's compression codecs (`CompressionCodec` in parquet.thrift), by their Thrift values.
public enum Codec: Int32, Sendable, CaseIterable {
    case uncompressed = 0
    case snappy = 1
    case gzip = 2
    case lzo = 3
    case brotli = 4
    case lz4 = 5
    case zstd = 6
    case lz4Raw = 7

    /// The largest decompressed page accepted: a corrupt header must not make the reader
    /// allocate more than this.
    public static let maximumUncompressedSize = 1 << 30

    /// The codec's name as Parquet writes it (`SNAPPY`, `LZ4_RAW`), for messages.
    public var name: String {
        switch self {
        case .uncompressed: "UNCOMPRESSED"
        case .snappy: "SNAPPY"
        case .gzip: "GZIP"
        case .lzo: "LZO"
        case .brotli: "BROTLI"
        case .lz4: "LZ4"
        case .zstd: "ZSTD"
        case .lz4Raw: "LZ4_RAW"
        }
    }

    /// Decompresses one page (or Arrow buffer) whose decompressed size is known.
    ///
    /// The output is exactly `uncompressedSize` bytes or an error; nothing larger than
    /// `uncompressedSize` is allocated. Errors name the file and the codec; their `offset` is
    /// left for the caller (who knows where the page starts) and the position inside the
    /// compressed bytes, when known, is in the message.
    ///
    /// - Throws: ``ColumnarError`` for corrupt input, a size that does not match, or a codec
    ///   whose library cannot be opened.
    public func decompress(_ input: UnsafeRawBufferPointer, uncompressedSize: Int, file: String) throws(ColumnarError) -> [UInt8] {
        try check(uncompressedSize: uncompressedSize, file: file)
        // A page with no values may be stored as no bytes at all, whatever the codec.
        if input.isEmpty && uncompressedSize == 0 { return [] }
        do throws(CodecFailure) {
            return try CodecFailure.filling(count: uncompressedSize) { output throws(CodecFailure) in
                try decodeExactly(input, into: output)
            }
        } catch {
            throw failure(error, file: file)
        }
    }

    /// Decompresses into memory the caller owns (a page buffer reused from page to page), which
    /// must be filled exactly: its size is the declared decompressed size. On error its
    /// contents are unspecified.
    public func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, file: String) throws(ColumnarError) {
        try check(uncompressedSize: output.count, file: file)
        if input.isEmpty && output.isEmpty { return }
        do throws(CodecFailure) {
            if output.baseAddress == nil {
                _ = try CodecFailure.filling(count: 0) { empty throws(CodecFailure) in try decodeExactly(input, into: empty) }
            } else {
                _ = try decodeExactly(input, into: output)
            }
        } catch {
            throw failure(error, file: file)
        }
    }

    private func check(uncompressedSize: Int, file: String) throws(ColumnarError) {
        guard uncompressedSize >= 0, uncompressedSize <= Codec.maximumUncompressedSize else {
            throw ColumnarError("a \(name) page declares \(uncompressedSize) decompressed bytes, more than the \(Codec.maximumUncompressedSize >> 20) MiB a page may have",
                                file: file, hint: "the file is corrupt")
        }
        if self == .lzo {
            throw ColumnarError("LZO-compressed pages are not supported", file: file,
                                hint: "rewrite the file with another codec, e.g. pyarrow.parquet.write_table(table, path, compression='zstd')")
        }
    }

    private func failure(_ error: CodecFailure, file: String) -> ColumnarError {
        if error.libraryMissing { return ColumnarError("cannot read \(name) pages: \(error.message)", file: file, hint: error.hint) }
        return ColumnarError("a \(name) page does not decompress: \(error.message)", file: file, hint: error.hint ?? "the file is corrupt")
    }

    /// Decodes, and checks the output is exactly the declared size.
    private func decodeExactly(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecFailure) -> Int {
        let written = try decode(input, into: output)
        guard written == output.count else {
            throw CodecFailure("decompresses to \(written) bytes, the page header says \(output.count)")
        }
        return written
    }

    /// Runs the codec's decoder into `output` (the declared size); the number of bytes written.
    private func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecFailure) -> Int {
        switch self {
        case .uncompressed:
            guard input.count == output.count else { return input.count }
            if let source = input.baseAddress, let target = output.baseAddress { target.copyMemory(from: source, byteCount: input.count) }
            return input.count
        case .snappy: return try Snappy.decompress(input, into: output)
        case .lz4Raw: return try LZ4Block.decompress(input, into: output)
        case .lz4: return try HadoopLZ4.decompress(input, into: output)
        case .gzip: return try Zlib.inflate(input, into: output)
        case .zstd: return try Zstd.decompress(input, into: output)
        case .brotli: return try Brotli.decompress(input, into: output)
        case .lzo: throw CodecFailure("LZO is not supported")
        }
    }
}
