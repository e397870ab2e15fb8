/// Value encodings of data and dictionary pages (Encodings.md): PLAIN, the dictionary indices
/// (PLAIN_DICTIONARY, RLE_DICTIONARY), RLE booleans, DELTA_BINARY_PACKED,
/// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT.
enum ParquetEncoding: Int32 {
    case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5
    case deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9
}

struct ValueDecoder {
    let leaf: LeafColumn
    let converter: ValueConverter

    func error(_ message: String) -> ColumnarError { converter.error(message) }

    /// Appends `count` values encoded with `encoding` in `bytes`.
    func decode(_ encodingValue: Int32, _ bytes: UnsafeRawBufferPointer, count: Int, dictionary: [ColumnValue]?,
                into out: inout [ColumnValue]) throws(ColumnarError) {
        guard let encoding = ParquetEncoding(rawValue: encodingValue) else { throw error("unsupported encoding \(encodingValue)") }
        switch encoding {
        case .plain: _ = try plain(bytes, count: count, into: &out)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw error("dictionary indices without a dictionary page") }
            try indices(bytes, count: count, dictionary: dictionary, into: &out)
        case .rle:
            guard leaf.physical == .boolean else { throw error("RLE values in a \(leaf.physical) column") }
            guard bytes.count >= 4 else { throw error("RLE booleans without their length") }
            let length = Int(bytes.loadUnaligned(as: UInt32.self).littleEndian)
            guard length <= bytes.count - 4 else { throw error("RLE booleans longer than the page") }
            var bits: [UInt8] = []
            bits.reserveCapacity(count)
            try hybrid(UnsafeRawBufferPointer(rebasing: bytes[4..<(4 + length)]), bitWidth: 1, count: count, into: &bits, limit: 1)
            for bit in bits { out.append(.bool(bit != 0)) }
        case .deltaBinaryPacked:
            let (values, _) = try deltaBinaryPacked(bytes, count: count)
            switch leaf.physical {
            case .int32: for v in values { out.append(converter.int32(Int32(truncatingIfNeeded: v))) }
            case .int64: for v in values { out.append(converter.int64(v)) }
            default: throw error("DELTA_BINARY_PACKED values in a \(leaf.physical) column")
            }
        case .deltaLengthByteArray:
            guard leaf.physical == .byteArray else { throw error("DELTA_LENGTH_BYTE_ARRAY values in a \(leaf.physical) column") }
            let (lengths, end) = try deltaBinaryPacked(bytes, count: count)
            var position = end
            for length in lengths {
                guard length >= 0, length <= Int64(bytes.count - position) else { throw error("a value past the end of the page") }
                out.append(try converter.bytes(UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))])))
                position += Int(length)
            }
        case .deltaByteArray:
            guard leaf.physical == .byteArray || leaf.physical == .fixedLenByteArray else {
                throw error("DELTA_BYTE_ARRAY values in a \(leaf.physical) column")
            }
            let (prefixes, end) = try deltaBinaryPacked(bytes, count: count)
            let rest = UnsafeRawBufferPointer(rebasing: bytes[end...])
            let (lengths, suffixStart) = try deltaBinaryPacked(rest, count: count)
            var position = suffixStart
            var previous: [UInt8] = []
            for (prefix, length) in zip(prefixes, lengths) {
                guard prefix >= 0, prefix <= Int64(previous.count) else { throw error("a prefix longer than the previous value") }
                guard length >= 0, length <= Int64(rest.count - position) else { throw error("a value past the end of the page") }
                previous.removeSubrange(Int(prefix)...)
                previous.append(contentsOf: rest[position..<(position + Int(length))])
                position += Int(length)
                if leaf.physical == .fixedLenByteArray, previous.count != leaf.typeLength { throw error("a fixed-length value of \(previous.count) bytes") }
                out.append(try withArrayBytes(previous) { (b) throws(ColumnarError) in try converter.bytes(b) })
            }
        case .byteStreamSplit:
            try byteStreamSplit(bytes, count: count, into: &out)
        case .bitPacked:
            throw error("unsupported encoding BIT_PACKED for values")
        }
    }

    private func need(_ count: Int, _ size: Int, _ bytes: UnsafeRawBufferPointer) throws(ColumnarError) {
        let (total, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, total <= bytes.count else { throw error("\(count) values do not fit in the page's \(bytes.count) bytes") }
    }

    /// PLAIN values; returns the bytes read.
    func plain(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [ColumnValue]) throws(ColumnarError) -> Int {
        out.reserveCapacity(out.count + count)
        switch leaf.physical {
        case .boolean:
            try need((count + 7) / 8, 1, bytes)
            for i in 0..<count { out.append(.bool(bytes[i >> 3] >> (i & 7) & 1 != 0)) }
            return (count + 7) / 8
        case .int32:
            try need(count, 4, bytes)
            for i in 0..<count { out.append(converter.int32(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))) }
            return count * 4
        case .int64:
            try need(count, 8, bytes)
            for i in 0..<count { out.append(converter.int64(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)))) }
            return count * 8
        case .int96:
            try need(count, 12, bytes)
            for i in 0..<count {
                let nanos = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 12, as: Int64.self))
                let day = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 12 + 8, as: UInt32.self))
                out.append(converter.int96(nanos: nanos, julianDay: day))
            }
            return count * 12
        case .float:
            try need(count, 4, bytes)
            for i in 0..<count { out.append(converter.float(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))))) }
            return count * 4
        case .double:
            try need(count, 8, bytes)
            for i in 0..<count { out.append(converter.double(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))))) }
            return count * 8
        case .byteArray:
            var position = 0
            for _ in 0..<count {
                guard bytes.count - position >= 4 else { throw error("a value past the end of the page") }
                let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                position += 4
                guard length <= bytes.count - position else { throw error("a value past the end of the page") }
                out.append(try converter.bytes(UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])))
                position += length
            }
            return position
        case .fixedLenByteArray:
            let size = leaf.typeLength
            try need(count, size, bytes)
            for i in 0..<count { out.append(try converter.bytes(UnsafeRawBufferPointer(rebasing: bytes[(i * size)..<((i + 1) * size)]))) }
            return count * size
        }
    }

    func hybrid<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into out: inout [T], limit: UInt32) throws(ColumnarError) {
        do {
            var decoder = try HybridDecoder(bytes, bitWidth: bitWidth)
            try decoder.decode(count, into: &out, limit: limit)
        } catch {
            throw self.error("corrupt RLE data: \(error.message)")
        }
    }

    private func indices(_ bytes: UnsafeRawBufferPointer, count: Int, dictionary: [ColumnValue], into out: inout [ColumnValue]) throws(ColumnarError) {
        if count == 0 { return }
        guard let width = bytes.first else { throw error("dictionary indices without a bit width") }
        guard !dictionary.isEmpty else { throw error("dictionary indices into an empty dictionary") }
        var indices: [UInt32] = []
        indices.reserveCapacity(count)
        try hybrid(UnsafeRawBufferPointer(rebasing: bytes[1...]), bitWidth: Int(width), count: count, into: &indices,
                   limit: UInt32(clamping: dictionary.count - 1))
        out.reserveCapacity(out.count + count)
        dictionary.withUnsafeBufferPointer { d in
            for index in indices { out.append(d[Int(index)]) }
        }
    }

    /// DELTA_BINARY_PACKED: exactly `count` values, and where the encoded values end.
    func deltaBinaryPacked(_ bytes: UnsafeRawBufferPointer, count: Int) throws(ColumnarError) -> ([Int64], Int) {
        var position = 0
        func varint() throws(ColumnarError) -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard position < bytes.count else { throw error("DELTA_BINARY_PACKED data ends early") }
                let b = bytes[position]
                position += 1
                result |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
                guard shift <= 63 else { throw error("DELTA_BINARY_PACKED varint too long") }
            }
        }
        func zigzag() throws(ColumnarError) -> Int64 { let v = try varint(); return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))) }
        let blockSize = try varint(), miniblocks = try varint(), total = try varint()
        var last = try zigzag()
        guard blockSize > 0, blockSize <= 1 << 16, blockSize % 8 == 0, miniblocks > 0, miniblocks <= blockSize,
              blockSize % miniblocks == 0, (blockSize / miniblocks) % 8 == 0 else {
            throw error("a DELTA_BINARY_PACKED header with block size \(blockSize) and \(miniblocks) miniblocks")
        }
        guard total == UInt64(count) else { throw error("DELTA_BINARY_PACKED holds \(total) values where \(count) are expected") }
        var values: [Int64] = []
        if count == 0 { return (values, position) }
        values.reserveCapacity(count)
        values.append(last)
        let perMiniblock = Int(blockSize / miniblocks)
        while values.count < count {
            let minDelta = try zigzag()
            guard bytes.count - position >= Int(miniblocks) else { throw error("DELTA_BINARY_PACKED data ends early") }
            let widthsAt = position
            position += Int(miniblocks)
            for m in 0..<Int(miniblocks) where values.count < count {
                let width = Int(bytes[widthsAt + m])
                guard width <= 64 else { throw error("a DELTA_BINARY_PACKED bit width of \(width)") }
                let n = min(perMiniblock, count - values.count)
                guard (n * width + 7) / 8 <= bytes.count - position else { throw error("DELTA_BINARY_PACKED data ends early") }
                var bit = position * 8
                for _ in 0..<n {
                    var raw: UInt64 = 0
                    var read = 0
                    while read < width {
                        let byte = bytes[bit >> 3]
                        let offset = bit & 7
                        let take = min(8 - offset, width - read)
                        raw |= UInt64((byte >> offset) & UInt8(truncatingIfNeeded: (1 << take) - 1)) << UInt64(read)
                        read += take
                        bit += take
                    }
                    last = last &+ minDelta &+ Int64(bitPattern: raw)
                    values.append(last)
                }
                position = min(bytes.count, position + perMiniblock * width / 8)
            }
        }
        return (values, position)
    }

    private func byteStreamSplit(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [ColumnValue]) throws(ColumnarError) {
        let width: Int
        switch leaf.physical {
        case .float, .int32: width = 4
        case .double, .int64: width = 8
        case .fixedLenByteArray: width = leaf.typeLength
        default: throw error("BYTE_STREAM_SPLIT values in a \(leaf.physical) column")
        }
        try need(count, width, bytes)
        var value = [UInt8](repeating: 0, count: width)
        out.reserveCapacity(out.count + count)
        for i in 0..<count {
            for k in 0..<width { value[k] = bytes[k * count + i] }
            try withArrayBytes(value) { (v) throws(ColumnarError) in
                switch leaf.physical {
                case .float: out.append(converter.float(Float(bitPattern: UInt32(littleEndian: v.loadUnaligned(as: UInt32.self)))))
                case .double: out.append(converter.double(Double(bitPattern: UInt64(littleEndian: v.loadUnaligned(as: UInt64.self)))))
                case .int32: out.append(converter.int32(Int32(littleEndian: v.loadUnaligned(as: Int32.self))))
                case .int64: out.append(converter.int64(Int64(littleEndian: v.loadUnaligned(as: Int64.self))))
                default: out.append(try converter.bytes(v))
                }
            }
        }
    }
}
