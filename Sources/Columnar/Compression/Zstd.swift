/// Zstandard, through libzstd.so.1 opened on first use. The streaming decoder is used so that
/// frames without a content size in their header decode too, and so that several frames one
/// after another (and skippable frames) are read in turn.
struct Zstd: @unchecked Sendable {
    typealias Create = @convention(c) () -> OpaquePointer?
    typealias Free = @convention(c) (OpaquePointer?) -> Int
    /// `ZSTD_decompressStream(ZSTD_DStream*, ZSTD_outBuffer*, ZSTD_inBuffer*)`; both buffers are
    /// three words: pointer, size, position.
    typealias Decompress = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>) -> Int
    typealias IsError = @convention(c) (Int) -> UInt32
    typealias ErrorName = @convention(c) (Int) -> UnsafePointer<CChar>?

    let create: Create
    let free: Free
    let decompressStream: Decompress
    let isError: IsError
    let errorName: ErrorName

    static let shared: Result<Zstd, SharedLibrary.Missing> = {
        let opened = SharedLibrary.open(["libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib"], package: "libzstd1")
        return opened.flatMap { library in
            guard let create = library.symbol("ZSTD_createDStream", as: Create.self),
                  let free = library.symbol("ZSTD_freeDStream", as: Free.self),
                  let decompressStream = library.symbol("ZSTD_decompressStream", as: Decompress.self),
                  let isError = library.symbol("ZSTD_isError", as: IsError.self),
                  let errorName = library.symbol("ZSTD_getErrorName", as: ErrorName.self)
            else { return .failure(.init(message: "libzstd.so.1 lacks the streaming decoder", hint: "install libzstd1 1.3 or later")) }
            return .success(Zstd(create: create, free: free, decompressStream: decompressStream, isError: isError, errorName: errorName))
        }
    }()

    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecFailure) -> Int {
        let zstd = try SharedLibrary.require(shared)
        guard let inputBase = input.baseAddress, !input.isEmpty else { throw .truncated(at: 0) }
        guard let stream = zstd.create() else { throw CodecFailure("zstd cannot allocate a decoder") }
        defer { _ = zstd.free(stream) }

        var scratch: UInt8 = 0
        return try withUnsafeMutablePointer(to: &scratch) { (scratchPointer) throws(CodecFailure) -> Int in
            // ZSTD_inBuffer and ZSTD_outBuffer: pointer, size, position.
            var inBuffer = [Int(bitPattern: inputBase), input.count, 0]
            var outBuffer = [Int(bitPattern: output.baseAddress), output.count, 0]
            var usingScratch = false
            var stalled = 0
            while true {
                let before = (inBuffer[2], outBuffer[2])
                let result = inBuffer.withUnsafeMutableBufferPointer { inWords in
                    outBuffer.withUnsafeMutableBufferPointer { outWords in
                        zstd.decompressStream(stream, outWords.baseAddress!, inWords.baseAddress!)
                    }
                }
                if zstd.isError(result) != 0 {
                    let name = zstd.errorName(result).map { String(cString: $0) } ?? "error \(result)"
                    throw CodecFailure("\(name) (zstd, at compressed byte \(inBuffer[2]))")
                }
                if usingScratch && outBuffer[2] > 0 { throw .overflow(at: inBuffer[2]) }
                // 0: a frame is complete and flushed; the next one, if any, starts the next call.
                if result == 0 && inBuffer[2] == input.count { return usingScratch ? output.count : outBuffer[2] }
                if !usingScratch && outBuffer[2] == output.count {
                    outBuffer = [Int(bitPattern: scratchPointer), 1, 0]
                    usingScratch = true
                    continue
                }
                if before == (inBuffer[2], outBuffer[2]) {
                    stalled += 1
                    if stalled > 1 { throw .truncated(at: input.count) }
                } else {
                    stalled = 0
                }
            }
        }
    }
}
