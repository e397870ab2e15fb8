/// The RLE / bit-packed hybrid (Encodings.md): definition and repetition levels, dictionary
/// indices and RLE booleans. Runs are a ULEB128 header; low bit 1 is a bit-packed run of
/// `(header >> 1) * 8` values packed LSB first, low bit 0 a run of `header >> 1` copies of one
/// value stored in `ceil(bitWidth / 8)` little-endian bytes.
struct HybridDecoder {
    let bytes: UnsafeRawBufferPointer
    let bitWidth: Int
    private(set) var position = 0

    /// - Throws: a bare message; the caller adds file, column and offset.
    init(_ bytes: UnsafeRawBufferPointer, bitWidth: Int) throws(HybridError) {
        guard bitWidth >= 0, bitWidth <= 32 else { throw HybridError(message: "a bit width of \(bitWidth)", position: 0) }
        self.bytes = bytes
        self.bitWidth = bitWidth
    }

    struct HybridError: Error { var message: String; var position: Int }

    private mutating func varint() throws(HybridError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw HybridError(message: "run header past the end", position: position) }
            let b = bytes[position]
            position += 1
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw HybridError(message: "run header too long", position: position) }
        }
    }

    /// Appends `count` values to `output`, calling `check` on each RLE run's value and on
    /// each bit-packed value (to refuse levels or indices out of range).
    mutating func decode<T: FixedWidthInteger>(_ count: Int, into output: inout [T], limit: UInt32) throws(HybridError) {
        var remaining = count
        let byteWidth = (bitWidth + 7) / 8
        while remaining > 0 {
            let header = try varint()
            if header & 1 == 0 {
                let run = header >> 1
                guard bytes.count - position >= byteWidth else { throw HybridError(message: "run value past the end", position: position) }
                var value: UInt32 = 0
                for i in 0..<byteWidth { value |= UInt32(bytes[position + i]) << (8 * i) }
                position += byteWidth
                guard value <= limit else { throw HybridError(message: "value \(value) above \(limit)", position: position) }
                let n = Int(min(run, UInt64(remaining)))
                output.append(contentsOf: repeatElement(T(truncatingIfNeeded: value), count: n))
                remaining -= n
            } else {
                let groups = header >> 1
                guard groups <= UInt64(bytes.count) else { throw HybridError(message: "bit-packed run past the end", position: position) }
                let runValues = Int(groups) * 8
                let n = min(runValues, remaining)
                let runBytes = Int(groups) * bitWidth
                let neededBytes = (n * bitWidth + 7) / 8
                guard bytes.count - position >= neededBytes else { throw HybridError(message: "bit-packed run past the end", position: position) }
                if bitWidth == 0 {
                    output.append(contentsOf: repeatElement(0, count: n))
                } else {
                    let mask: UInt64 = (1 << UInt64(bitWidth)) - 1
                    var bitPosition = 0
                    let base = position
                    let end = bytes.count
                    for _ in 0..<n {
                        let byteIndex = base + bitPosition >> 3
                        let shift = bitPosition & 7
                        var window: UInt64 = 0
                        let span = min((shift + bitWidth + 7) >> 3, end - byteIndex)
                        for k in 0..<span { window |= UInt64(bytes[byteIndex + k]) << UInt64(8 * k) }
                        let value = (window >> UInt64(shift)) & mask
                        guard value <= UInt64(limit) else { throw HybridError(message: "value \(value) above \(limit)", position: byteIndex) }
                        output.append(T(truncatingIfNeeded: value))
                        bitPosition += bitWidth
                    }
                }
                position = min(bytes.count, position + runBytes)
                remaining -= n
            }
        }
    }
}

/// The number of bits for values up to `maxValue`.
func bitWidth(_ maxValue: Int) -> Int { maxValue <= 0 ? 0 : Int.bitWidth - maxValue.leadingZeroBitCount }
