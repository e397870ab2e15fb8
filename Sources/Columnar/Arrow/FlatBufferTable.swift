/// One FlatBuffers table inside a message's metadata, read by hand (no FlatBuffers library is
/// available): the table's vtable gives each field's position, absent fields take their
/// schema default. Every offset is checked to stay inside the metadata `region`.
struct FlatBufferTable {
    let bytes: ArrowBytes
    let region: Range<Int>
    /// Where the table starts (its signed offset to the vtable).
    let position: Int
    private let vtable: Int
    private let vtableSize: Int

    /// The root table: a uoffset at the start of the region.
    static func root(_ bytes: ArrowBytes, region: Range<Int>) throws(ColumnarError) -> FlatBufferTable {
        let offset = try read(UInt32.self, bytes, region, region.lowerBound)
        return try FlatBufferTable(bytes, region: region, position: region.lowerBound + Int(offset))
    }

    init(_ bytes: ArrowBytes, region: Range<Int>, position: Int) throws(ColumnarError) {
        self.bytes = bytes
        self.region = region
        self.position = position
        let back = try Self.read(Int32.self, bytes, region, position)
        vtable = position - Int(back)
        let size = Int(try Self.read(UInt16.self, bytes, region, vtable))
        guard size >= 4, size % 2 == 0 else {
            throw bytes.error("invalid FlatBuffers vtable (size \(size))", at: vtable)
        }
        try Self.within(region, vtable, size, bytes)
        vtableSize = size
    }

    private static func within(_ region: Range<Int>, _ start: Int, _ length: Int, _ bytes: ArrowBytes) throws(ColumnarError) {
        guard start >= region.lowerBound, length >= 0, start <= region.upperBound, length <= region.upperBound - start else {
            throw bytes.error("a FlatBuffers offset points outside the message metadata", at: max(0, min(start, bytes.count)))
        }
    }

    private static func read<T: FixedWidthInteger>(_ type: T.Type, _ bytes: ArrowBytes, _ region: Range<Int>, _ at: Int) throws(ColumnarError) -> T {
        try within(region, at, MemoryLayout<T>.size, bytes)
        return bytes.unchecked(type, at: at)
    }

    /// The absolute position of field `slot`, or nil when the field is absent.
    func fieldPosition(_ slot: Int) throws(ColumnarError) -> Int? {
        let entry = 4 + 2 * slot
        guard entry + 2 <= vtableSize else { return nil }
        let offset = Int(bytes.unchecked(UInt16.self, at: vtable + entry))
        return offset == 0 ? nil : position + offset
    }

    func scalar<T: FixedWidthInteger>(_ slot: Int, default value: T) throws(ColumnarError) -> T {
        guard let at = try fieldPosition(slot) else { return value }
        return try Self.read(T.self, bytes, region, at)
    }

    func bool(_ slot: Int) throws(ColumnarError) -> Bool { try scalar(slot, default: UInt8(0)) != 0 }

    /// Where the uoffset stored in field `slot` points.
    private func target(_ slot: Int) throws(ColumnarError) -> Int? {
        guard let at = try fieldPosition(slot) else { return nil }
        return at + Int(try Self.read(UInt32.self, bytes, region, at))
    }

    func table(_ slot: Int) throws(ColumnarError) -> FlatBufferTable? {
        guard let at = try target(slot) else { return nil }
        return try FlatBufferTable(bytes, region: region, position: at)
    }

    func string(_ slot: Int) throws(ColumnarError) -> String? {
        guard let at = try target(slot) else { return nil }
        let length = Int(try Self.read(UInt32.self, bytes, region, at))
        try Self.within(region, at + 4, length, bytes)
        return String(decoding: bytes.slice(at + 4, length), as: UTF8.self)
    }

    /// A vector's element count and the position of its first element, checked to fit.
    func vector(_ slot: Int, elementSize: Int) throws(ColumnarError) -> (start: Int, count: Int)? {
        guard let at = try target(slot) else { return nil }
        let count = Int(try Self.read(UInt32.self, bytes, region, at))
        guard count <= (region.upperBound - at) / elementSize else {
            throw bytes.error("a FlatBuffers vector of \(count) elements does not fit the message metadata", at: at)
        }
        try Self.within(region, at + 4, count * elementSize, bytes)
        return (at + 4, count)
    }

    /// A vector of tables (each element a uoffset relative to itself).
    func tables(_ slot: Int) throws(ColumnarError) -> [FlatBufferTable] {
        guard let (start, count) = try vector(slot, elementSize: 4) else { return [] }
        var result: [FlatBufferTable] = []
        result.reserveCapacity(count)
        for index in 0 ..< count {
            let at = start + 4 * index
            result.append(try FlatBufferTable(bytes, region: region, position: at + Int(bytes.unchecked(UInt32.self, at: at))))
        }
        return result
    }

    /// A vector of inline structs of two little-endian Int64s (FieldNode, Buffer).
    func int64Pairs(_ slot: Int) throws(ColumnarError) -> [(Int64, Int64)] {
        guard let (start, count) = try vector(slot, elementSize: 16) else { return [] }
        return (0 ..< count).map { index in
            (bytes.unchecked(Int64.self, at: start + 16 * index), bytes.unchecked(Int64.self, at: start + 16 * index + 8))
        }
    }

    /// `[KeyValue]` custom metadata as a dictionary (a later duplicate key wins).
    func keyValues(_ slot: Int) throws(ColumnarError) -> [String: String] {
        var result: [String: String] = [:]
        for entry in try tables(slot) {
            guard let key = try entry.string(0) else { continue }
            result[key] = try entry.string(1) ?? ""
        }
        return result
    }
}
