/// Brotli, through libbrotlidec.so.1 opened on first use; a page decodes in one call, since
/// its size is known.
struct Brotli: @unchecked Sendable {
    /// `BrotliDecoderDecompress(encoded_size, encoded, &decoded_size, decoded)`; 1 is success.
    typealias Decompress = @convention(c) (Int, UnsafePointer<UInt8>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<UInt8>) -> Int32

    let decompress: Decompress

    static let shared: Result<Brotli, SharedLibrary.Missing> = {
        let opened = SharedLibrary.open(["libbrotlidec.so.1", "libbrotlidec.so", "libbrotlidec.1.dylib", "libbrotlidec.dylib"],
                                        package: "libbrotli1")
        return opened.flatMap { library in
            guard let decompress = library.symbol("BrotliDecoderDecompress", as: Decompress.self)
            else { return .failure(.init(message: "libbrotlidec.so.1 lacks BrotliDecoderDecompress", hint: "reinstall libbrotli1")) }
            return .success(Brotli(decompress: decompress))
        }
    }()

    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecFailure) -> Int {
        let brotli = try SharedLibrary.require(shared)
        guard let source = input.baseAddress, !input.isEmpty else { throw .truncated(at: 0) }
        guard let target = output.baseAddress else { throw CodecFailure("no output buffer") }
        var written = output.count
        let status = brotli.decompress(input.count, source.assumingMemoryBound(to: UInt8.self), &written,
                                       target.assumingMemoryBound(to: UInt8.self))
        guard status == 1 else {
            throw CodecFailure("corrupt brotli data, or more than the page header's \(output.count) bytes")
        }
        return written
    }
}
