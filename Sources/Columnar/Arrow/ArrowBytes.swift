/// The file's bytes, borrowed for one read, with every access bounds-checked: a corrupt length or
/// offset becomes a ``ColumnarError`` naming the byte, never a trap.
struct ArrowBytes {
    let raw: UnsafeRawBufferPointer
    let file: String

    var count: Int { raw.count }

    func error(_ message: String, at offset: Int, column: String? = nil, hint: String? = nil) -> ColumnarError {
        ColumnarError(message, file: file, column: column, offset: offset, hint: hint)
    }

    /// Throws unless `start..<start+length` lies inside the bytes.
    func check(_ start: Int, _ length: Int, _ what: @autoclosure () -> String) throws(ColumnarError) {
        guard start >= 0, length >= 0, start <= raw.count, length <= raw.count - start else {
            throw error("\(what()) runs past the end of the data (\(raw.count) bytes)", at: max(0, min(start, raw.count)))
        }
    }

    /// A little-endian integer at `offset`.
    func load<T: FixedWidthInteger>(_: T.Type, at offset: Int) throws(ColumnarError) -> T {
        try check(offset, MemoryLayout<T>.size, "a \(MemoryLayout<T>.size)-byte value")
        return T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Unchecked read, for loops whose whole range was checked once.
    @inline(__always)
    func unchecked<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    func slice(_ start: Int, _ length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: raw[start ..< start + length])
    }
}
