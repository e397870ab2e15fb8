/// The Schema message: fields, the custom metadata (`huggingface` holds the `datasets` features
/// JSON), and where each dictionary id's values come from.
struct ArrowSchema {
    var fields: [ArrowField]
    var metadata: [String: String]
    /// For each dictionary id, the field its DictionaryBatch is laid out as (the value type,
    /// with the encoded field's children).
    var dictionaryFields: [Int64: ArrowField] = [:]

    /// Nesting deeper than this is refused (a corrupt file can make a field its own child).
    static let maximumDepth = 64
    /// More fields than this in one schema is refused (shared children can multiply them).
    static let maximumFields = 100_000

    init(_ table: FlatBufferTable) throws(ColumnarError) {
        let endianness: Int16 = try table.scalar(0, default: 0)
        guard endianness == 0 else {
            throw table.bytes.error("the stream is big-endian, which is not supported", at: table.position)
        }
        metadata = try table.keyValues(2)
        var budget = Self.maximumFields
        fields = []
        for child in try table.tables(1) {
            fields.append(try field(child, depth: 1, budget: &budget))
        }
    }

    private mutating func field(_ table: FlatBufferTable, depth: Int, budget: inout Int) throws(ColumnarError) -> ArrowField {
        let bytes = table.bytes
        budget -= 1
        guard depth <= Self.maximumDepth, budget >= 0 else {
            throw bytes.error("the schema nests deeper than \(Self.maximumDepth) levels or has more than \(Self.maximumFields) fields", at: table.position)
        }
        let name = try table.string(0) ?? ""
        var children: [ArrowField] = []
        for child in try table.tables(5) {
            children.append(try field(child, depth: depth + 1, budget: &budget))
        }
        let typeID: UInt8 = try table.scalar(2, default: 0)
        let type = try Self.type(typeID, try table.table(3), children: children, name: name, at: table.position, bytes)
        var dictionary: ArrowDictionaryEncoding?
        if let encoding = try table.table(4) {
            var bitWidth = 32
            var signed = true
            if let index = try encoding.table(1) {
                bitWidth = Int(try index.scalar(0, default: Int32(0)))
                signed = try index.bool(1)
            }
            guard [8, 16, 32, 64].contains(bitWidth) else {
                throw bytes.error("dictionary indices of \(bitWidth) bits", at: encoding.position, column: name)
            }
            let id: Int64 = try encoding.scalar(0, default: 0)
            dictionary = ArrowDictionaryEncoding(id: id, indexBitWidth: bitWidth, indexSigned: signed)
            dictionaryFields[id] = ArrowField(name: name, nullable: true, type: type, dictionary: nil, children: children, metadata: [:])
        }
        return ArrowField(name: name, nullable: try table.bool(1), type: type, dictionary: dictionary,
                          children: children, metadata: try table.keyValues(6))
    }

    private static let unsupported: [UInt8: String] = [
        11: "Interval", 14: "Union", 18: "Duration", 22: "RunEndEncoded", 23: "BinaryView",
        24: "Utf8View", 25: "ListView", 26: "LargeListView",
    ]

    /// The Type union: its tag and its table.
    private static func type(_ id: UInt8, _ table: FlatBufferTable?, children: [ArrowField], name: String, at: Int,
                             _ bytes: ArrowBytes) throws(ColumnarError) -> ArrowType {
        func refuse(_ message: String) -> ColumnarError {
            bytes.error(message, at: table?.position ?? at, column: name)
        }
        func int32(_ slot: Int, _ value: Int32) throws(ColumnarError) -> Int {
            Int(try table?.scalar(slot, default: value) ?? value)
        }
        func int16(_ slot: Int, _ value: Int16) throws(ColumnarError) -> Int {
            Int(try table?.scalar(slot, default: value) ?? value)
        }
        func unit(_ value: Int) throws(ColumnarError) -> ArrowTimeUnit {
            guard let unit = ArrowTimeUnit(rawValue: value) else { throw refuse("unknown time unit \(value)") }
            return unit
        }
        func expectChildren(_ count: Int, _ kind: String) throws(ColumnarError) {
            guard children.count == count else { throw refuse("a \(kind) field with \(children.count) children") }
        }
        switch id {
        case 1: return .null
        case 2:
            let bits = try int32(0, 0)
            guard [8, 16, 32, 64].contains(bits) else { throw refuse("an integer of \(bits) bits") }
            return .int(bitWidth: bits, signed: try table?.bool(1) ?? false)
        case 3:
            switch try int16(0, 0) {
            case 0: return .floatingPoint(bitWidth: 16)
            case 1: return .floatingPoint(bitWidth: 32)
            case 2: return .floatingPoint(bitWidth: 64)
            case let other: throw refuse("unknown floating-point precision \(other)")
            }
        case 4: return .binary
        case 5: return .utf8
        case 6: return .bool
        case 7:
            let bits = try int32(2, 128)
            guard [32, 64, 128, 256].contains(bits) else { throw refuse("a decimal of \(bits) bits") }
            return .decimal(precision: try int32(0, 0), scale: try int32(1, 0), bitWidth: bits)
        case 8:
            switch try int16(0, 1) {
            case 0: return .date(milliseconds: false)
            case 1: return .date(milliseconds: true)
            case let other: throw refuse("unknown date unit \(other)")
            }
        case 9:
            let unit = try unit(try int16(0, 1))
            let bits = try int32(1, 32)
            guard bits == (unit.rawValue <= 1 ? 32 : 64) else { throw refuse("a time of \(bits) bits in unit \(unit)") }
            return .time(unit: unit, bitWidth: bits)
        case 10:
            let zone = try table?.string(1)
            let timezone = zone?.isEmpty == false ? zone : nil
            if let timezone, ArrowTimeZone(timezone) == nil {
                throw refuse("unknown time zone '\(timezone)'")
            }
            return .timestamp(unit: try unit(try int16(0, 0)), timezone: timezone)
        case 12:
            try expectChildren(1, "list")
            return .list
        case 13: return .structure
        case 15:
            let width = try int32(0, 0)
            guard width >= 0 else { throw refuse("a fixed-size binary of \(width) bytes") }
            return .fixedSizeBinary(byteWidth: width)
        case 16:
            let size = try int32(0, 0)
            guard size >= 0 else { throw refuse("a fixed-size list of \(size) items") }
            try expectChildren(1, "fixed-size list")
            return .fixedSizeList(size: size)
        case 17:
            try expectChildren(1, "map")
            guard children[0].type == .structure, children[0].children.count == 2 else {
                throw refuse("a map whose entries are not a struct of a key and a value")
            }
            return .map(keysSorted: try table?.bool(0) ?? false)
        case 19: return .largeBinary
        case 20: return .largeUtf8
        case 21:
            try expectChildren(1, "large list")
            return .largeList
        default:
            if let known = unsupported[id] {
                throw refuse("the Arrow type \(known) is not supported")
            }
            throw refuse("unknown Arrow type id \(id)")
        }
    }
}
