/// How a leaf's physical values become ``ColumnValue``s, as pyarrow's `to_pylist()` gives them:
/// from the logical type (or the older converted type) on the schema element.
enum ValueKind {
    enum TimeUnit { case millis, micros, nanos }
    case bool
    case signed
    /// UINT_8/16/32 stored in INT32, UINT_64 in INT64: the bits read unsigned.
    case unsigned
    case float, double, float16
    case string
    case bytes
    case date
    case time(TimeUnit)
    case timestamp(TimeUnit, utc: Bool)
    /// INT96: nanoseconds of the day and a Julian day, read as timestamp[ns] without time zone.
    case int96Timestamp
    case decimal(scale: Int)

    init(physical: PhysicalType, element e: SchemaElement, file: String, column: String) throws(ColumnarError) {
        func unit(_ u: LogicalType.TimeUnit) -> TimeUnit { u == .millis ? .millis : u == .micros ? .micros : .nanos }
        switch (physical, e.logicalType, e.convertedType) {
        case (.boolean, _, _): self = .bool
        case (.float, _, _): self = .float
        case (.double, _, _): self = .double
        case (.int96, _, _): self = .int96Timestamp
        case (.byteArray, .string?, _), (.byteArray, .enumeration?, _), (.byteArray, .json?, _),
             (.byteArray, nil, 0?), (.byteArray, nil, 4?), (.byteArray, nil, 19?):
            self = .string
        case (.fixedLenByteArray, .float16?, _):
            guard e.typeLength == 2 else { throw ColumnarError("a FLOAT16 column that is not 2 bytes", file: file, column: column) }
            self = .float16
        case (.int32, _, _) where Self.decimalScale(e) != nil, (.int64, _, _) where Self.decimalScale(e) != nil,
             (.byteArray, _, _) where Self.decimalScale(e) != nil, (.fixedLenByteArray, _, _) where Self.decimalScale(e) != nil:
            let scale = Self.decimalScale(e) ?? 0
            guard scale >= 0, scale <= 1000 else { throw ColumnarError("a decimal scale of \(scale)", file: file, column: column) }
            self = .decimal(scale: Int(scale))
        case (.int32, .integer(_, let signed)?, _), (.int64, .integer(_, let signed)?, _):
            self = signed ? .signed : .unsigned
        case (.int32, nil, 11?), (.int32, nil, 12?), (.int32, nil, 13?), (.int64, nil, 14?): self = .unsigned
        case (.int32, .date?, _), (.int32, nil, 6?): self = .date
        case (.int32, .time(_, let u)?, _), (.int64, .time(_, let u)?, _): self = .time(unit(u))
        case (.int32, nil, 7?): self = .time(.millis)
        case (.int64, nil, 8?): self = .time(.micros)
        case (.int64, .timestamp(let utc, let u)?, _): self = .timestamp(unit(u), utc: utc)
        case (.int64, nil, 9?): self = .timestamp(.millis, utc: true)
        case (.int64, nil, 10?): self = .timestamp(.micros, utc: true)
        case (.int32, _, _), (.int64, _, _): self = .signed
        case (.byteArray, _, _), (.fixedLenByteArray, _, _): self = .bytes
        }
    }

    private static func decimalScale(_ e: SchemaElement) -> Int32? {
        if case .decimal(let scale, _)? = e.logicalType { return scale }
        if e.logicalType == nil, e.convertedType == 5 { return e.scale ?? 0 }
        return nil
    }
}
