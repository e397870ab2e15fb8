import Foundation

/// A whole `.gz` file (`train.jsonl.gz`: data files on the Hugging Face hub are sometimes
/// gzipped) read to its bytes through the same zlib as GZIP pages. Several members one after
/// another are one file, as `gunzip` reads them; a zlib stream is read too.
public enum GzipFile {
    /// The most decompressed bytes read before giving up (a corrupt or hostile file must not
    /// fill the memory): 16 GiB.
    public static let defaultLimit = 16 << 30

    /// Reads and decompresses the file at `path`.
    /// - Throws: ``ColumnarError`` naming the file when it cannot be read, is not gzip, is
    ///   damaged or decompresses to more than `limit` bytes.
    public static func read(path: String, limit: Int = defaultLimit) throws(ColumnarError) -> [UInt8] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw ColumnarError("cannot read the file: \(error.localizedDescription)", file: path)
        }
        return try data.withUnsafeBytes { bytes in
            Result { () throws(ColumnarError) in try decompress(bytes, name: path, limit: limit) }
        }.get()
    }

    /// Decompresses gzip bytes already in memory; `name` is the file named in errors.
    public static func decompress(_ bytes: UnsafeRawBufferPointer, name: String, limit: Int = defaultLimit) throws(ColumnarError) -> [UInt8] {
        do throws(CodecFailure) {
            return try inflateAll(bytes, limit: limit)
        } catch {
            if error.libraryMissing { throw ColumnarError("cannot read gzip files: \(error.message)", file: name, hint: error.hint) }
            throw ColumnarError("the gzip file does not decompress: \(error.message)", file: name,
                                hint: error.hint ?? "the file is damaged or not gzip; `gzip -t FILE` checks it")
        }
    }

    /// Inflates into a buffer that doubles when full, starting from the size the last member's
    /// trailer gives (the size modulo 4 GiB, so only a first guess), at least three times the
    /// input and at most deflate's largest ratio (1032) times it.
    private static func inflateAll(_ bytes: UnsafeRawBufferPointer, limit: Int) throws(CodecFailure) -> [UInt8] {
        guard bytes.count >= 2 else { throw .truncated(at: bytes.count) }
        let stream = try InflateStream(bytes)
        let trailerSize = bytes.count >= 18 ? Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self))) : 0
        let guess = min(max(trailerSize, bytes.count * 3), bytes.count * 1032, limit)
        var output = [UInt8](repeating: 0, count: max(1, guess))
        var written = 0
        while true {
            let (count, finished) = try output.withUnsafeMutableBytes { buffer in
                Result { () throws(CodecFailure) in try stream.inflate(into: UnsafeMutableRawBufferPointer(rebasing: buffer[written...])) }
            }.get()
            written += count
            if finished { break }
            guard output.count < limit else {
                throw CodecFailure("it holds more than \(limit) bytes", hint: "the limit guards against damaged files; decompress it first if it is really this large")
            }
            output.append(contentsOf: repeatElement(0, count: min(output.count, limit - output.count)))
        }
        output.removeLast(output.count - written)
        return output
    }
}
