/// The LZ4 block format (Parquet's LZ4_RAW): sequences of a token (literal length in the high
/// four bits, match length - 4 in the low four; 15 means more length bytes follow, each added
/// until one is below 255), the literals, a 2-byte little-endian match offset and the match.
/// The last sequence has literals only and ends the block.
enum LZ4Block {
    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecFailure) -> Int {
        guard let source = input.baseAddress, !input.isEmpty else { throw .truncated(at: 0) }
        guard let target = output.baseAddress else { throw CodecFailure("no output buffer") }
        let inputCount = input.count, capacity = output.count

        /// Adds the extra length bytes after a 15 in the token.
        @inline(__always)
        func extendedLength(_ start: Int, _ ip: inout Int) throws(CodecFailure) -> Int {
            var length = start
            while true {
                guard ip < inputCount else { throw .truncated(at: ip) }
                let byte = Int(source.load(fromByteOffset: ip, as: UInt8.self))
                ip += 1
                length += byte
                if byte != 255 { return length }
            }
        }

        var ip = 0, op = 0
        while true {
            guard ip < inputCount else { throw .truncated(at: ip) }
            let token = Int(source.load(fromByteOffset: ip, as: UInt8.self))
            let tokenPosition = ip
            ip += 1
            var literals = token >> 4
            if literals == 15 { literals = try extendedLength(literals, &ip) }
            guard inputCount - ip >= literals else { throw .truncated(at: inputCount) }
            guard capacity - op >= literals else { throw .overflow(at: tokenPosition) }
            ByteCopy.literal(from: source + ip, sourceAvailable: inputCount - ip, length: literals, to: target, at: op, capacity: capacity)
            ip += literals
            op += literals
            if ip == inputCount { return op }

            guard inputCount - ip >= 2 else { throw .truncated(at: ip) }
            let distance = Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: ip, as: UInt16.self)))
            ip += 2
            var length = (token & 15) + 4
            if length == 19 { length = try extendedLength(length, &ip) }
            guard distance > 0, distance <= op else {
                throw CodecFailure("a match at byte \(tokenPosition) reaches \(distance) bytes back, \(op) are decoded")
            }
            guard capacity - op >= length else { throw .overflow(at: tokenPosition) }
            ByteCopy.match(in: target, at: op, distance: distance, length: length, capacity: capacity)
            op += length
        }
    }
}
