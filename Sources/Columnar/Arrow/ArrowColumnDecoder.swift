/// Decodes one record batch's columns into ``ColumnValue``s, consuming field nodes and buffers in
/// depth-first schema order. Each nested array is decoded whole and its parent slices it by
/// offsets, so offsets that do not start at zero (sliced arrays) read right.
struct ArrowColumnDecoder {
    let bytes: ArrowBytes
    let batch: ArrowRecordBatch
    let dictionaries: [Int64: [ColumnValue]]
    let zones: [String: ArrowTimeZone]
    private var nextNode = 0
    private var nextBuffer = 0
    /// Values left to materialise: bounds what a corrupt length can make us allocate, since
    /// null-typed arrays and structs without a validity bitmap have no buffer to check it against.
    private var budget: Int

    init(_ bytes: ArrowBytes, batch: ArrowRecordBatch, bodyLength: Int, dictionaries: [Int64: [ColumnValue]],
         zones: [String: ArrowTimeZone]) {
        self.bytes = bytes
        self.batch = batch
        self.dictionaries = dictionaries
        self.zones = zones
        budget = Self.budget(bodyLength: bodyLength)
    }

    /// How many values a body of `bodyLength` bytes may decode to: 64 per byte (a bool is an
    /// eighth of a byte, and a few struct levels without nulls cost nothing), plus some slack.
    static func budget(bodyLength: Int) -> Int {
        let (scaled, overflow) = bodyLength.multipliedReportingOverflow(by: 64)
        return overflow ? Int.max : scaled + (1 << 16)
    }

    private func error(_ message: String, _ path: String, at offset: Int? = nil) -> ColumnarError {
        bytes.error(message, at: offset ?? batch.start, column: path)
    }

    private mutating func node(_ path: String) throws(ColumnarError) -> ArrowRecordBatch.Node {
        guard nextNode < batch.nodes.count else {
            throw error("the record batch has fewer field nodes than the schema has fields", path)
        }
        let node = batch.nodes[nextNode]
        nextNode += 1
        guard node.length <= budget else {
            throw error("an array of \(node.length) values, more than the message body can hold", path)
        }
        budget -= node.length
        return node
    }

    private mutating func buffer(_ path: String) throws(ColumnarError) -> Range<Int> {
        guard nextBuffer < batch.buffers.count else {
            throw error("the record batch has fewer buffers than its fields need", path)
        }
        nextBuffer += 1
        return batch.buffers[nextBuffer - 1]
    }

    /// A buffer checked to hold `count` items of `width` bytes.
    private mutating func buffer(_ path: String, count: Int, width: Int) throws(ColumnarError) -> Range<Int> {
        let range = try buffer(path)
        let (needed, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, range.count >= needed else {
            throw error("a buffer of \(range.count) bytes is too short for \(count) values of \(width) bytes", path, at: range.lowerBound)
        }
        return range
    }

    /// Which slots hold a value: the validity bitmap, absent when nothing is null.
    private struct Validity {
        let bytes: ArrowBytes
        let start: Int?

        @inline(__always)
        func isValid(_ index: Int) -> Bool {
            guard let start else { return true }
            return bytes.raw[start + index >> 3] & (1 << UInt8(index & 7)) != 0
        }
    }

    private mutating func validity(_ node: ArrowRecordBatch.Node, _ path: String) throws(ColumnarError) -> Validity {
        let range = try buffer(path)
        if range.isEmpty {
            guard node.nullCount == 0 || node.length == 0 else {
                throw error("\(node.nullCount) nulls but no validity bitmap", path, at: range.lowerBound)
            }
            return Validity(bytes: bytes, start: nil)
        }
        guard range.count >= (node.length + 7) / 8 else {
            throw error("a validity bitmap of \(range.count) bytes for \(node.length) values", path, at: range.lowerBound)
        }
        return Validity(bytes: bytes, start: node.nullCount == 0 ? nil : range.lowerBound)
    }

    @inline(__always)
    private func collect(_ count: Int, _ validity: Validity, _ value: (Int) -> ColumnValue) -> [ColumnValue] {
        var values: [ColumnValue] = []
        values.reserveCapacity(count)
        for index in 0 ..< count {
            values.append(validity.isValid(index) ? value(index) : .null)
        }
        return values
    }

    /// The values of `field` in this batch (`path` names it in errors).
    mutating func column(_ field: ArrowField, path: String) throws(ColumnarError) -> [ColumnValue] {
        let node = try node(path)
        let count = node.length
        if let encoding = field.dictionary {
            let validity = try validity(node, path)
            let width = encoding.indexBitWidth / 8
            let indices = try buffer(path, count: count, width: width)
            guard let dictionary = dictionaries[encoding.id] else {
                throw error("dictionary \(encoding.id) is used before its DictionaryBatch", path)
            }
            var values: [ColumnValue] = []
            values.reserveCapacity(count)
            for index in 0 ..< count {
                guard validity.isValid(index) else {
                    values.append(.null)
                    continue
                }
                let at = indices.lowerBound + index * width
                let key: Int64 = switch (width, encoding.indexSigned) {
                case (1, true): Int64(bytes.unchecked(Int8.self, at: at))
                case (1, false): Int64(bytes.unchecked(UInt8.self, at: at))
                case (2, true): Int64(bytes.unchecked(Int16.self, at: at))
                case (2, false): Int64(bytes.unchecked(UInt16.self, at: at))
                case (4, true): Int64(bytes.unchecked(Int32.self, at: at))
                case (4, false): Int64(bytes.unchecked(UInt32.self, at: at))
                default: Int64(truncatingIfNeeded: bytes.unchecked(UInt64.self, at: at))
                }
                guard key >= 0, key < dictionary.count else {
                    throw error("dictionary index \(key) outside a dictionary of \(dictionary.count) values", path, at: at)
                }
                values.append(dictionary[Int(key)])
            }
            return values
        }
        switch field.type {
        case .null:
            return Array(repeating: .null, count: count)
        case .bool:
            let validity = try validity(node, path)
            let bits = try buffer(path, count: (count + 7) / 8, width: 1)
            return collect(count, validity) { index in
                .bool(bytes.raw[bits.lowerBound + index >> 3] & (1 << UInt8(index & 7)) != 0)
            }
        case let .int(bitWidth, signed):
            let validity = try validity(node, path)
            let width = bitWidth / 8
            let start = try buffer(path, count: count, width: width).lowerBound
            switch (width, signed) {
            case (1, true): return collect(count, validity) { .int(Int64(bytes.unchecked(Int8.self, at: start + $0))) }
            case (1, false): return collect(count, validity) { .int(Int64(bytes.unchecked(UInt8.self, at: start + $0))) }
            case (2, true): return collect(count, validity) { .int(Int64(bytes.unchecked(Int16.self, at: start + 2 * $0))) }
            case (2, false): return collect(count, validity) { .int(Int64(bytes.unchecked(UInt16.self, at: start + 2 * $0))) }
            case (4, true): return collect(count, validity) { .int(Int64(bytes.unchecked(Int32.self, at: start + 4 * $0))) }
            case (4, false): return collect(count, validity) { .int(Int64(bytes.unchecked(UInt32.self, at: start + 4 * $0))) }
            case (_, true): return collect(count, validity) { .int(bytes.unchecked(Int64.self, at: start + 8 * $0)) }
            default:
                return collect(count, validity) { index in
                    let value = bytes.unchecked(UInt64.self, at: start + 8 * index)
                    return value > UInt64(Int64.max) ? .uint(value) : .int(Int64(value))
                }
            }
        case let .floatingPoint(bitWidth):
            let validity = try validity(node, path)
            let start = try buffer(path, count: count, width: bitWidth / 8).lowerBound
            switch bitWidth {
            case 16: return collect(count, validity) { .double(ArrowNumberText.half(bytes.unchecked(UInt16.self, at: start + 2 * $0))) }
            case 32: return collect(count, validity) { .double(Double(Float(bitPattern: bytes.unchecked(UInt32.self, at: start + 4 * $0)))) }
            default: return collect(count, validity) { .double(Double(bitPattern: bytes.unchecked(UInt64.self, at: start + 8 * $0))) }
            }
        case .utf8, .binary:
            return try variableBinary(node, path, offsetWidth: 4, text: field.type == .utf8)
        case .largeUtf8, .largeBinary:
            return try variableBinary(node, path, offsetWidth: 8, text: field.type == .largeUtf8)
        case let .fixedSizeBinary(width):
            let validity = try validity(node, path)
            let start = try buffer(path, count: count, width: width).lowerBound
            return collect(count, validity) { .bytes(Array(bytes.slice(start + width * $0, width))) }
        case let .date(milliseconds):
            let validity = try validity(node, path)
            let start = try buffer(path, count: count, width: milliseconds ? 8 : 4).lowerBound
            if milliseconds {
                return collect(count, validity) {
                    .string(ArrowTemporalText.date(days: ArrowTemporalText.divide(bytes.unchecked(Int64.self, at: start + 8 * $0), 86_400_000).quotient))
                }
            }
            return collect(count, validity) { .string(ArrowTemporalText.date(days: Int64(bytes.unchecked(Int32.self, at: start + 4 * $0)))) }
        case let .time(unit, bitWidth):
            let validity = try validity(node, path)
            let start = try buffer(path, count: count, width: bitWidth / 8).lowerBound
            if bitWidth == 32 {
                return collect(count, validity) { .string(ArrowTemporalText.time(Int64(bytes.unchecked(Int32.self, at: start + 4 * $0)), unit: unit)) }
            }
            return collect(count, validity) { .string(ArrowTemporalText.time(bytes.unchecked(Int64.self, at: start + 8 * $0), unit: unit)) }
        case let .timestamp(unit, timezone):
            let validity = try validity(node, path)
            let start = try buffer(path, count: count, width: 8).lowerBound
            let zone = timezone.flatMap { zones[$0] }
            return collect(count, validity) {
                .string(ArrowTemporalText.timestamp(bytes.unchecked(Int64.self, at: start + 8 * $0), unit: unit, zone: zone))
            }
        case let .decimal(_, scale, bitWidth):
            let validity = try validity(node, path)
            let width = bitWidth / 8
            let start = try buffer(path, count: count, width: width).lowerBound
            return collect(count, validity) { .string(ArrowNumberText.decimal(bytes.slice(start + width * $0, width), scale: scale)) }
        case .list, .map(_):
            return try list(node, field, path, offsetWidth: 4)
        case .largeList:
            return try list(node, field, path, offsetWidth: 8)
        case let .fixedSizeList(size):
            let validity = try validity(node, path)
            let child = try column(field.children[0], path: path)
            let (needed, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, child.count >= needed else {
                throw error("a fixed-size list child of \(child.count) values for \(count) lists of \(size)", path)
            }
            return collect(count, validity) { .list(Array(child[size * $0 ..< size * ($0 + 1)])) }
        case .structure:
            let validity = try validity(node, path)
            var children: [[ColumnValue]] = []
            for child in field.children {
                let values = try column(child, path: path + "." + child.name)
                guard values.count >= count else {
                    throw error("struct field '\(child.name)' has \(values.count) values for \(count) rows", path)
                }
                children.append(values)
            }
            let names = field.children.map(\.name)
            return collect(count, validity) { index in
                .record((0 ..< names.count).map { (names[$0], children[$0][index]) })
            }
        }
    }

    /// Reads `count + 1` offsets of `width` bytes, checked to rise and stay within `limit`.
    private func offsets(_ range: Range<Int>, count: Int, width: Int, limit: Int, _ path: String) throws(ColumnarError) -> [Int] {
        guard count > 0 else { return [0] }
        var result: [Int] = []
        result.reserveCapacity(count + 1)
        var previous = 0
        for index in 0 ... count {
            let at = range.lowerBound + width * index
            let value = width == 4 ? Int(bytes.unchecked(Int32.self, at: at)) : Int(bytes.unchecked(Int64.self, at: at))
            guard value >= 0, value <= limit, index == 0 || value >= previous else {
                throw error("offset \(value) out of order or outside 0...\(limit)", path, at: at)
            }
            previous = value
            result.append(value)
        }
        return result
    }

    private mutating func variableBinary(_ node: ArrowRecordBatch.Node, _ path: String, offsetWidth: Int, text: Bool) throws(ColumnarError) -> [ColumnValue] {
        let count = node.length
        let validity = try validity(node, path)
        let offsetRange = try buffer(path, count: count == 0 ? 0 : count + 1, width: offsetWidth)
        let data = try buffer(path)
        let bounds = try offsets(offsetRange, count: count, width: offsetWidth, limit: data.count, path)
        let base = data.lowerBound
        if text {
            return collect(count, validity) { .string(String(decoding: bytes.slice(base + bounds[$0], bounds[$0 + 1] - bounds[$0]), as: UTF8.self)) }
        }
        return collect(count, validity) { .bytes(Array(bytes.slice(base + bounds[$0], bounds[$0 + 1] - bounds[$0]))) }
    }

    private mutating func list(_ node: ArrowRecordBatch.Node, _ field: ArrowField, _ path: String, offsetWidth: Int) throws(ColumnarError) -> [ColumnValue] {
        let count = node.length
        let validity = try validity(node, path)
        let offsetRange = try buffer(path, count: count == 0 ? 0 : count + 1, width: offsetWidth)
        let child = try column(field.children[0], path: path)
        let bounds = try offsets(offsetRange, count: count, width: offsetWidth, limit: child.count, path)
        return collect(count, validity) { .list(Array(child[bounds[$0] ..< bounds[$0 + 1]])) }
    }
}
