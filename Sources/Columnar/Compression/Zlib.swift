/// zlib's inflate, for GZIP pages (and `.gz` files, ``GzipFile``): libz.so.1 opened on first
/// use. Window bits 15 + 32 let zlib detect a gzip or a zlib header itself; several gzip
/// members one after another are read as one stream, as the Parquet spec asks of readers.
struct Zlib: @unchecked Sendable {
    typealias InflateInit = @convention(c) (UnsafeMutableRawPointer, Int32, UnsafePointer<CChar>, Int32) -> Int32
    typealias Inflate = @convention(c) (UnsafeMutableRawPointer, Int32) -> Int32
    typealias StreamCall = @convention(c) (UnsafeMutableRawPointer) -> Int32
    typealias Version = @convention(c) () -> UnsafePointer<CChar>

    let inflateInit2: InflateInit
    let inflate: Inflate
    let inflateReset: StreamCall
    let inflateEnd: StreamCall
    let version: UnsafePointer<CChar>

    static let shared: Result<Zlib, SharedLibrary.Missing> = {
        let opened = SharedLibrary.open(["libz.so.1", "libz.so", "libz.1.dylib", "libz.dylib"], package: "zlib1g")
        return opened.flatMap { library in
            guard let inflateInit2 = library.symbol("inflateInit2_", as: InflateInit.self),
                  let inflate = library.symbol("inflate", as: Inflate.self),
                  let inflateReset = library.symbol("inflateReset", as: StreamCall.self),
                  let inflateEnd = library.symbol("inflateEnd", as: StreamCall.self),
                  let zlibVersion = library.symbol("zlibVersion", as: Version.self)
            else { return .failure(.init(message: "libz.so.1 lacks inflate", hint: "reinstall zlib1g")) }
            return .success(Zlib(inflateInit2: inflateInit2, inflate: inflate, inflateReset: inflateReset,
                                 inflateEnd: inflateEnd, version: zlibVersion()))
        }
    }()

    /// Inflates all of `input` into `output`, which must hold exactly all of it.
    static func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecFailure) -> Int {
        let stream = try InflateStream(input)
        let (written, finished) = try stream.inflate(into: output)
        if !finished, try stream.hasMoreOutput() { throw .overflow(at: stream.consumed) }
        return written
    }
}

/// One inflate stream over `input` (which must outlive it), in zlib's `z_stream`.
///
/// `z_stream` is built field by field at the offsets zlib.h gives it on 64-bit platforms
/// (LP64: `uInt` 4 bytes, `uLong` and pointers 8), 112 bytes in all; zlib checks that size.
final class InflateStream {
    private static let size = 112
    private static let nextIn = 0, availIn = 8, nextOut = 24, availOut = 32, message = 48

    private let zlib: Zlib
    private let stream: UnsafeMutableRawPointer
    private let input: UnsafeRawBufferPointer
    /// Bytes of `input` not yet handed to zlib (`avail_in` is 32 bits).
    private var pending: Int

    init(_ input: UnsafeRawBufferPointer) throws(CodecFailure) {
        zlib = try SharedLibrary.require(Zlib.shared)
        guard !input.isEmpty else { throw .truncated(at: 0) }
        self.input = input
        stream = UnsafeMutableRawPointer.allocate(byteCount: Self.size, alignment: 8)
        stream.initializeMemory(as: UInt8.self, repeating: 0, count: Self.size)
        let status = zlib.inflateInit2(stream, 15 + 32, zlib.version, Int32(Self.size))
        guard status == 0 else {
            stream.deallocate()
            throw CodecFailure("zlib refused to start (status \(status))")
        }
        pending = input.count
        stream.storeBytes(of: input.baseAddress, toByteOffset: Self.nextIn, as: UnsafeRawPointer?.self)
        feed()
    }

    deinit {
        _ = zlib.inflateEnd(stream)
        stream.deallocate()
    }

    private var availableIn: Int { Int(stream.load(fromByteOffset: Self.availIn, as: UInt32.self)) }
    private var availableOut: Int { Int(stream.load(fromByteOffset: Self.availOut, as: UInt32.self)) }

    /// How much of the input zlib has read.
    var consumed: Int { input.count - pending - availableIn }

    /// Tops `avail_in` up from the input not yet given.
    private func feed() {
        let chunk = min(pending + availableIn, Int(UInt32.max)) - availableIn
        guard chunk > 0 else { return }
        pending -= chunk
        stream.storeBytes(of: UInt32(availableIn + chunk), toByteOffset: Self.availIn, as: UInt32.self)
    }

    private var zlibMessage: String {
        stream.load(fromByteOffset: Self.message, as: UnsafePointer<CChar>?.self).map { String(cString: $0) } ?? "corrupt data"
    }

    /// Inflates into `output` until the input ends (`finished`) or `output` is full; the
    /// bytes written. At the end of a gzip member with input left, the next member starts.
    func inflate(into output: UnsafeMutableRawBufferPointer) throws(CodecFailure) -> (written: Int, finished: Bool) {
        guard let target = output.baseAddress else { return (0, false) }
        var written = 0
        while true {
            let room = min(output.count - written, Int(UInt32.max))
            if room == 0 { return (written, false) }
            stream.storeBytes(of: target + written, toByteOffset: Self.nextOut, as: UnsafeMutableRawPointer?.self)
            stream.storeBytes(of: UInt32(room), toByteOffset: Self.availOut, as: UInt32.self)
            let status = zlib.inflate(stream, 0)
            written += room - availableOut
            feed()
            switch status {
            case 0: continue // Z_OK: progress made
            case 1: // Z_STREAM_END
                if availableIn == 0 { return (written, true) }
                try nextMember()
            case -5: // Z_BUF_ERROR: no progress possible
                if availableOut > 0 { throw .truncated(at: consumed) }
            default:
                throw CodecFailure("\(zlibMessage) (zlib status \(status), at compressed byte \(consumed))")
            }
        }
    }

    /// After a member ends with input left: the next member must start there.
    private func nextMember() throws(CodecFailure) {
        let status = zlib.inflateReset(stream)
        guard status == 0 else { throw CodecFailure("zlib cannot restart (status \(status))") }
    }

    /// Whether the stream goes on after filling an output buffer: inflates into one byte of
    /// scratch (which is lost, so only to tell that a page is longer than declared).
    func hasMoreOutput() throws(CodecFailure) -> Bool {
        var scratch: UInt8 = 0
        while true {
            let status = withUnsafeMutablePointer(to: &scratch) { pointer in
                stream.storeBytes(of: UnsafeMutableRawPointer(pointer), toByteOffset: Self.nextOut, as: UnsafeMutableRawPointer?.self)
                stream.storeBytes(of: UInt32(1), toByteOffset: Self.availOut, as: UInt32.self)
                return zlib.inflate(stream, 0)
            }
            let produced = availableOut == 0
            stream.storeBytes(of: nil, toByteOffset: Self.nextOut, as: UnsafeMutableRawPointer?.self)
            stream.storeBytes(of: UInt32(0), toByteOffset: Self.availOut, as: UInt32.self)
            feed()
            if produced { return true }
            switch status {
            case 0: continue
            case 1:
                if availableIn == 0 { return false }
                try nextMember()
            case -5: throw .truncated(at: consumed)
            default: throw CodecFailure("\(zlibMessage) (zlib status \(status), at compressed byte \(consumed))")
            }
        }
    }
}
