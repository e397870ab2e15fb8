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

    /// Decompresses one page (or Arrow buffer) whose decompressed size is known.
    ///
    /// - Throws: ``ColumnarError`` for corrupt input, a size that does not match, or a codec
    ///   whose library cannot be opened.
    public func decompress(_ input: UnsafeRawBufferPointer, uncompressedSize: Int, file: String) throws(ColumnarError) -> [UInt8] {
        switch self {
        case .uncompressed: return Array(input)
        default: throw ColumnarError("compression \(self) is not supported yet", file: file)
        }
    }
}
