/// The parts of Parquet's Thrift metadata (parquet.thrift) a reader needs, decoded from the
/// compact protocol. Statistics, page indexes, bloom filters and encryption are skipped.

/// The footer: schema, row groups, key/value metadata.
struct FileMetaData {
    var schema: [SchemaElement] = []
    var numRows: Int64 = 0
    var rowGroups: [RowGroup] = []
    var keyValues: [(String, String)] = []
    var createdBy: String?

    init(_ r: inout ThriftCompactReader) throws(ColumnarError) {
        try r.readStruct { (r, id, type) throws(ColumnarError) in
            switch (id, type) {
            case (2, 9): try r.readList { (r, t) throws(ColumnarError) in self.schema.append(try SchemaElement(&r, t)) }
            case (3, 6): self.numRows = try r.i64()
            case (4, 9): try r.readList { (r, t) throws(ColumnarError) in self.rowGroups.append(try RowGroup(&r, t)) }
            case (5, 9): try r.readList { (r, t) throws(ColumnarError) in self.keyValues.append(try keyValue(&r, t)) }
            case (6, 8): self.createdBy = try r.string()
            default: try r.skip(type)
            }
        }
    }
}

private func expectStruct(_ r: inout ThriftCompactReader, _ type: UInt8) throws(ColumnarError) {
    guard type == ThriftCompactReader.FieldType.structure.rawValue else { throw r.error("a struct expected, type \(type) found") }
}

private func keyValue(_ r: inout ThriftCompactReader, _ type: UInt8) throws(ColumnarError) -> (String, String) {
    try expectStruct(&r, type)
    var key = "", value = ""
    try r.readStruct { (r, id, type) throws(ColumnarError) in
        switch (id, type) {
        case (1, 8): key = try r.string()
        case (2, 8): value = try r.string()
        default: try r.skip(type)
        }
    }
    return (key, value)
}

/// One node of the flattened schema (depth first; groups have `numChildren`).
struct SchemaElement {
    var type: Int32?
    var typeLength: Int32?
    var repetition: Int32?
    var name = ""
    var numChildren: Int32?
    var convertedType: Int32?
    var scale: Int32?
    var precision: Int32?
    var logicalType: LogicalType?

    init(_ r: inout ThriftCompactReader, _ type: UInt8) throws(ColumnarError) {
        try expectStruct(&r, type)
        try r.readStruct { (r, id, type) throws(ColumnarError) in
            switch (id, type) {
            case (1, 5): self.type = try r.i32()
            case (2, 5): self.typeLength = try r.i32()
            case (3, 5): self.repetition = try r.i32()
            case (4, 8): self.name = try r.string()
            case (5, 5): self.numChildren = try r.i32()
            case (6, 5): self.convertedType = try r.i32()
            case (7, 5): self.scale = try r.i32()
            case (8, 5): self.precision = try r.i32()
            case (10, 12): self.logicalType = try LogicalType(&r)
            default: try r.skip(type)
            }
        }
    }
}

/// The `LogicalType` union; only what changes how values read.
enum LogicalType: Equatable {
    enum TimeUnit { case millis, micros, nanos }
    case string, map, list, enumeration, json, bson, uuid, float16, unknown
    case decimal(scale: Int32, precision: Int32)
    case date
    case time(adjustedToUTC: Bool, unit: TimeUnit)
    case timestamp(adjustedToUTC: Bool, unit: TimeUnit)
    case integer(bitWidth: Int8, signed: Bool)
    case other

    init(_ r: inout ThriftCompactReader) throws(ColumnarError) {
        var result = LogicalType.other
        try r.readStruct { (r, id, type) throws(ColumnarError) in
            guard type == 12 else { try r.skip(type); return }
            switch id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enumeration
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                try r.readStruct { (r, id, type) throws(ColumnarError) in
                    switch (id, type) {
                    case (1, 5): scale = try r.i32()
                    case (2, 5): precision = try r.i32()
                    default: try r.skip(type)
                    }
                }
                result = .decimal(scale: scale, precision: precision)
                return
            case 6: result = .date
            case 7, 8:
                var adjusted = false, unit = TimeUnit.millis
                try r.readStruct { (r, id, type) throws(ColumnarError) in
                    switch (id, type) {
                    case (1, 1): adjusted = true
                    case (1, 2): adjusted = false
                    case (2, 12): unit = try timeUnit(&r)
                    default: try r.skip(type)
                    }
                }
                result = id == 7 ? .time(adjustedToUTC: adjusted, unit: unit) : .timestamp(adjustedToUTC: adjusted, unit: unit)
                return
            case 10:
                var width: Int8 = 0, signed = true
                try r.readStruct { (r, id, type) throws(ColumnarError) in
                    switch (id, type) {
                    case (1, 3): width = Int8(bitPattern: try r.byte())
                    case (2, 1): signed = true
                    case (2, 2): signed = false
                    default: try r.skip(type)
                    }
                }
                result = .integer(bitWidth: width, signed: signed)
                return
            case 11: result = .unknown
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            default: result = .other
            }
            try r.skip(type)
        }
        self = result
    }
}

private func timeUnit(_ r: inout ThriftCompactReader) throws(ColumnarError) -> LogicalType.TimeUnit {
    var unit = LogicalType.TimeUnit.millis
    try r.readStruct { (r, id, type) throws(ColumnarError) in
        switch id {
        case 1: unit = .millis
        case 2: unit = .micros
        case 3: unit = .nanos
        default: break
        }
        try r.skip(type)
    }
    return unit
}

struct RowGroup {
    var columns: [ColumnChunk] = []
    var numRows: Int64 = 0

    init(_ r: inout ThriftCompactReader, _ type: UInt8) throws(ColumnarError) {
        try expectStruct(&r, type)
        try r.readStruct { (r, id, type) throws(ColumnarError) in
            switch (id, type) {
            case (1, 9): try r.readList { (r, t) throws(ColumnarError) in self.columns.append(try ColumnChunk(&r, t)) }
            case (3, 6): self.numRows = try r.i64()
            default: try r.skip(type)
            }
        }
    }
}

struct ColumnChunk {
    var metaData: ColumnMetaData?

    init(_ r: inout ThriftCompactReader, _ type: UInt8) throws(ColumnarError) {
        try expectStruct(&r, type)
        try r.readStruct { (r, id, type) throws(ColumnarError) in
            switch (id, type) {
            case (3, 12): self.metaData = try ColumnMetaData(&r)
            default: try r.skip(type)
            }
        }
    }
}

struct ColumnMetaData {
    var type: Int32 = 0
    var pathInSchema: [String] = []
    var codec: Int32 = 0
    var numValues: Int64 = 0
    var totalCompressedSize: Int64 = 0
    var dataPageOffset: Int64 = 0
    var dictionaryPageOffset: Int64?

    init(_ r: inout ThriftCompactReader) throws(ColumnarError) {
        try r.readStruct { (r, id, type) throws(ColumnarError) in
            switch (id, type) {
            case (1, 5): self.type = try r.i32()
            case (3, 9): try r.readList { (r, t) throws(ColumnarError) in
                guard t == 8 else { throw r.error("a path element is not text") }
                self.pathInSchema.append(try r.string())
            }
            case (4, 5): self.codec = try r.i32()
            case (5, 6): self.numValues = try r.i64()
            case (7, 6): self.totalCompressedSize = try r.i64()
            case (9, 6): self.dataPageOffset = try r.i64()
            case (11, 6): self.dictionaryPageOffset = try r.i64()
            default: try r.skip(type)
            }
        }
    }
}

/// A page's header: its kind, sizes, and the header of that kind.
struct PageHeader {
    enum Kind: Int32 { case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3 }
    var type: Int32 = -1
    var uncompressedSize: Int32 = 0
    var compressedSize: Int32 = 0
    var dataPage: DataPageHeader?
    var dictionaryPage: DictionaryPageHeader?
    var dataPageV2: DataPageHeaderV2?

    init(_ r: inout ThriftCompactReader) throws(ColumnarError) {
        try r.readStruct { (r, id, type) throws(ColumnarError) in
            switch (id, type) {
            case (1, 5): self.type = try r.i32()
            case (2, 5): self.uncompressedSize = try r.i32()
            case (3, 5): self.compressedSize = try r.i32()
            case (5, 12): self.dataPage = try DataPageHeader(&r)
            case (7, 12): self.dictionaryPage = try DictionaryPageHeader(&r)
            case (8, 12): self.dataPageV2 = try DataPageHeaderV2(&r)
            default: try r.skip(type)
            }
        }
    }
}

struct DataPageHeader {
    var numValues: Int32 = 0
    var encoding: Int32 = 0
    var definitionLevelEncoding: Int32 = 3
    var repetitionLevelEncoding: Int32 = 3

    init(_ r: inout ThriftCompactReader) throws(ColumnarError) {
        try r.readStruct { (r, id, type) throws(ColumnarError) in
            switch (id, type) {
            case (1, 5): self.numValues = try r.i32()
            case (2, 5): self.encoding = try r.i32()
            case (3, 5): self.definitionLevelEncoding = try r.i32()
            case (4, 5): self.repetitionLevelEncoding = try r.i32()
            default: try r.skip(type)
            }
        }
    }
}

struct DictionaryPageHeader {
    var numValues: Int32 = 0
    var encoding: Int32 = 0

    init(_ r: inout ThriftCompactReader) throws(ColumnarError) {
        try r.readStruct { (r, id, type) throws(ColumnarError) in
            switch (id, type) {
            case (1, 5): self.numValues = try r.i32()
            case (2, 5): self.encoding = try r.i32()
            default: try r.skip(type)
            }
        }
    }
}

struct DataPageHeaderV2 {
    var numValues: Int32 = 0
    var numNulls: Int32 = 0
    var numRows: Int32 = 0
    var encoding: Int32 = 0
    var definitionLevelsByteLength: Int32 = 0
    var repetitionLevelsByteLength: Int32 = 0
    var isCompressed = true

    init(_ r: inout ThriftCompactReader) throws(ColumnarError) {
        try r.readStruct { (r, id, type) throws(ColumnarError) in
            switch (id, type) {
            case (1, 5): self.numValues = try r.i32()
            case (2, 5): self.numNulls = try r.i32()
            case (3, 5): self.numRows = try r.i32()
            case (4, 5): self.encoding = try r.i32()
            case (5, 5): self.definitionLevelsByteLength = try r.i32()
            case (6, 5): self.repetitionLevelsByteLength = try r.i32()
            case (7, 1): self.isCompressed = true
            case (7, 2): self.isCompressed = false
            default: try r.skip(type)
            }
        }
    }
}
