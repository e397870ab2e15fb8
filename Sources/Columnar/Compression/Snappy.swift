/// Snappy's raw block format (no framing), as Parquet stores it: a varint with the decompressed
/// length, then elements, each a literal run or a copy of earlier output.
///
/// Tag byte, low two bits: 0 a literal (length-1 in the upper six bits, or 60...63 meaning
/// 1...4 little-endian length bytes follow), 1 a copy with an 11-bit offset (length 4...11),
/// 2 a copy with a 2-byte offset, 3 with a 4-byte offset (length 1...64). Bounds are checked
/// once per element; the bytes themselves move a word at a time (``ByteCopy``).
enum Snappy {
    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecFailure) -> Int {
        guard let source = input.baseAddress, !input.isEmpty else { throw .truncated(at: 0) }
        guard let target = output.baseAddress else { throw CodecFailure("no output buffer") }
        let inputCount = input.count, capacity = output.count

        var ip = 0
        var declared: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard ip < inputCount else { throw .truncated(at: ip) }
            let byte = source.load(fromByteOffset: ip, as: UInt8.self)
            ip += 1
            declared |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
            guard shift < 35 else { throw CodecFailure("the length at the start is not a 32-bit varint") }
        }
        guard declared == UInt64(capacity) else {
            throw CodecFailure("the snappy data says it holds \(declared) bytes, the page header says \(capacity)")
        }

        var op = 0
        while ip < inputCount {
            let tag = Int(source.load(fromByteOffset: ip, as: UInt8.self))
            let tagPosition = ip
            ip += 1
            if tag & 3 == 0 {
                var length = (tag >> 2) + 1
                if length > 60 {
                    let lengthBytes = length - 60
                    guard inputCount - ip >= lengthBytes else { throw .truncated(at: ip) }
                    var value = 0
                    for index in 0..<lengthBytes {
                        value |= Int(source.load(fromByteOffset: ip + index, as: UInt8.self)) << (8 * index)
                    }
                    ip += lengthBytes
                    length = value + 1
                }
                guard inputCount - ip >= length else { throw .truncated(at: inputCount) }
                guard capacity - op >= length else { throw .overflow(at: tagPosition) }
                ByteCopy.literal(from: source + ip, sourceAvailable: inputCount - ip, length: length, to: target, at: op, capacity: capacity)
                ip += length
                op += length
                continue
            }
            let length: Int, distance: Int
            switch tag & 3 {
            case 1:
                guard ip < inputCount else { throw .truncated(at: ip) }
                length = ((tag >> 2) & 7) + 4
                distance = (tag >> 5) << 8 | Int(source.load(fromByteOffset: ip, as: UInt8.self))
                ip += 1
            case 2:
                guard inputCount - ip >= 2 else { throw .truncated(at: ip) }
                length = (tag >> 2) + 1
                distance = Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: ip, as: UInt16.self)))
                ip += 2
            default:
                guard inputCount - ip >= 4 else { throw .truncated(at: ip) }
                length = (tag >> 2) + 1
                distance = Int(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: ip, as: UInt32.self)))
                ip += 4
            }
            guard distance > 0, distance <= op else {
                throw CodecFailure("a copy at byte \(tagPosition) reaches \(distance) bytes back, \(op) are decoded")
            }
            guard capacity - op >= length else { throw .overflow(at: tagPosition) }
            ByteCopy.match(in: target, at: op, distance: distance, length: length, capacity: capacity)
            op += length
        }
        return op
    }
}
