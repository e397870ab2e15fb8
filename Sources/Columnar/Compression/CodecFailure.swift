/// Why compressed bytes could not be decoded, before the file is known: ``Codec`` turns it into
/// a ``ColumnarError`` naming the file and the codec.
struct CodecFailure: Error, Sendable {
    var message: String
    var hint: String?
    /// The codec's library is not installed: nothing is wrong with the data.
    var libraryMissing = false

    init(_ message: String, hint: String? = nil, libraryMissing: Bool = false) {
        self.message = message
        self.hint = hint
        self.libraryMissing = libraryMissing
    }

    /// The input ends inside a sequence (`at` is the position in the compressed bytes).
    static func truncated(at position: Int) -> CodecFailure {
        CodecFailure("the compressed bytes end early (at byte \(position))")
    }

    /// The decoded bytes would not fit the declared size.
    static func overflow(at position: Int) -> CodecFailure {
        CodecFailure("decompresses to more bytes than the page header says (at compressed byte \(position))")
    }

    /// An array of `count` bytes written by `body`, which returns how many it wrote; the memory
    /// is not zeroed first. `body` gets a non-nil base address even when `count` is 0.
    static func filling(count: Int, _ body: (UnsafeMutableRawBufferPointer) throws(CodecFailure) -> Int) throws(CodecFailure) -> [UInt8] {
        if count == 0 {
            var empty: UInt64 = 0
            _ = try withUnsafeMutableBytes(of: &empty) { (bytes) throws(CodecFailure) -> Int in
                try body(UnsafeMutableRawBufferPointer(rebasing: bytes[0..<0]))
            }
            return []
        }
        var failure: CodecFailure?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(CodecFailure) {
                initialized = min(try body(UnsafeMutableRawBufferPointer(buffer)), count)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }
}
