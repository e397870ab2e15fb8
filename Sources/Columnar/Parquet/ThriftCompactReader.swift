/// Thrift's compact protocol, read field by field: the encoding of Parquet's footer and page
/// headers. Fields a struct does not know are skipped whatever their type, since newer writers
/// add fields (pyarrow 26 writes `SizeStatistics`, field 16 of ColumnMetaData).
struct ThriftCompactReader {
    /// Compact-protocol type ids.
    enum FieldType: UInt8 {
        case boolTrue = 1, boolFalse = 2, i8 = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    let bytes: UnsafeRawBufferPointer
    /// Offset of `bytes` in the file, for error offsets.
    let base: Int
    let file: String
    private(set) var position: Int
    private var lastFieldIDs: [Int16] = []
    private var depth = 0

    init(_ bytes: UnsafeRawBufferPointer, base: Int, file: String) {
        self.bytes = bytes
        self.base = base
        self.file = file
        self.position = 0
    }

    func error(_ message: String) -> ColumnarError {
        ColumnarError("corrupt Parquet metadata: \(message)", file: file, offset: base + position)
    }

    mutating func byte() throws(ColumnarError) -> UInt8 {
        guard position < bytes.count else { throw error("ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws(ColumnarError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            if shift == 63 && b > 1 { throw error("varint too long") }
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw error("varint too long") }
        }
    }

    mutating func zigzag() throws(ColumnarError) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func i32() throws(ColumnarError) -> Int32 {
        let v = try zigzag()
        guard let narrow = Int32(exactly: v) else { throw error("i32 out of range") }
        return narrow
    }

    mutating func i64() throws(ColumnarError) -> Int64 { try zigzag() }

    mutating func binary() throws(ColumnarError) -> UnsafeRawBufferPointer {
        let length = try varint()
        guard length <= UInt64(bytes.count - position) else { throw error("a length past the end") }
        let start = position
        position += Int(length)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<position])
    }

    mutating func string() throws(ColumnarError) -> String {
        String(decoding: try binary(), as: UTF8.self)
    }

    /// Starts reading a struct's fields.
    mutating func beginStruct() throws(ColumnarError) {
        depth += 1
        guard depth <= 64 else { throw error("nested too deeply") }
        lastFieldIDs.append(0)
    }

    mutating func endStruct() {
        depth -= 1
        lastFieldIDs.removeLast()
    }

    /// The next field's id and type, or nil at the struct's stop byte. A boolean field's value
    /// is in its type (`boolTrue` / `boolFalse`).
    mutating func nextField() throws(ColumnarError) -> (id: Int16, type: UInt8)? {
        let header = try byte()
        if header == 0 { return nil }
        let type = header & 0x0f
        let delta = header >> 4
        var id: Int16
        if delta == 0 {
            let wide = try zigzag()
            guard let narrow = Int16(exactly: wide) else { throw error("field id out of range") }
            id = narrow
        } else {
            id = (lastFieldIDs.last ?? 0) &+ Int16(delta)
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
        return (id, type)
    }

    /// A list or set header: element type and count (counts are checked against the bytes left).
    mutating func listHeader() throws(ColumnarError) -> (type: UInt8, count: Int) {
        let header = try byte()
        var count = UInt64(header >> 4)
        if count == 15 { count = try varint() }
        // Every element takes at least one byte, except booleans packed in a list (one byte too).
        guard count <= UInt64(bytes.count - position) else { throw error("a list longer than the bytes left") }
        return (header & 0x0f, Int(count))
    }

    /// Skips one value of `type` (any type, nested to a bounded depth).
    mutating func skip(_ type: UInt8) throws(ColumnarError) {
        switch FieldType(rawValue: type) {
        case .boolTrue?, .boolFalse?: return
        case .i8?: _ = try byte()
        case .i16?, .i32?, .i64?: _ = try varint()
        case .double?:
            guard bytes.count - position >= 8 else { throw error("ends early") }
            position += 8
        case .binary?: _ = try binary()
        case .list?, .set?:
            let (elementType, count) = try listHeader()
            try nest()
            for _ in 0..<count {
                if elementType == FieldType.boolTrue.rawValue || elementType == FieldType.boolFalse.rawValue { _ = try byte() } else { try skip(elementType) }
            }
            depth -= 1
        case .map?:
            let count = try varint()
            guard count <= UInt64(bytes.count - position) else { throw error("a map longer than the bytes left") }
            if count == 0 { return }
            let types = try byte()
            try nest()
            for _ in 0..<count {
                try skipElement(types >> 4)
                try skipElement(types & 0x0f)
            }
            depth -= 1
        case .structure?:
            try beginStruct()
            while let field = try nextField() { try skip(field.type) }
            endStruct()
        case nil: throw error("unknown field type \(type)")
        }
    }

    private mutating func skipElement(_ type: UInt8) throws(ColumnarError) {
        if type == FieldType.boolTrue.rawValue || type == FieldType.boolFalse.rawValue { _ = try byte() } else { try skip(type) }
    }

    private mutating func nest() throws(ColumnarError) {
        depth += 1
        guard depth <= 64 else { throw error("nested too deeply") }
    }

    /// Reads a struct with `body` called per field; unknown fields are for `body` to skip.
    mutating func readStruct(_ body: (inout ThriftCompactReader, Int16, UInt8) throws(ColumnarError) -> Void) throws(ColumnarError) {
        try beginStruct()
        while let (id, type) = try nextField() { try body(&self, id, type) }
        endStruct()
    }

    /// Reads a list of structs (or any element) with `element` called once per element.
    mutating func readList(_ element: (inout ThriftCompactReader, UInt8) throws(ColumnarError) -> Void) throws(ColumnarError) {
        let (type, count) = try listHeader()
        try nest()
        for _ in 0..<count { try element(&self, type) }
        depth -= 1
    }
}
