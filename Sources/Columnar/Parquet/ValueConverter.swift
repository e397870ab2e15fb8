/// Turns one physical value of a leaf into the ``ColumnValue`` pyarrow's `to_pylist()` gives.
struct ValueConverter {
    let kind: ValueKind
    let file: String
    let column: String
    /// Where errors point (the page being decoded).
    var offset: Int

    func error(_ message: String) -> ColumnarError {
        ColumnarError(message, file: file, column: column, offset: offset)
    }

    @inline(__always)
    func bool(_ value: Bool) -> ColumnValue { .bool(value) }

    @inline(__always)
    func int32(_ value: Int32) -> ColumnValue {
        switch kind {
        case .unsigned: .int(Int64(UInt32(bitPattern: value)))
        case .date: .string(ParquetValueText.date(days: Int64(value)))
        case .time(let unit): .string(ParquetValueText.time(Int64(value), unit: unit))
        case .decimal(let scale): .string(ParquetValueText.decimal(Int64(value), scale: scale))
        case .timestamp(let unit, let utc): .string(ParquetValueText.timestamp(Int64(value), unit: unit, utc: utc))
        default: .int(Int64(value))
        }
    }

    @inline(__always)
    func int64(_ value: Int64) -> ColumnValue {
        switch kind {
        case .unsigned: value >= 0 ? .int(value) : .uint(UInt64(bitPattern: value))
        case .timestamp(let unit, let utc): .string(ParquetValueText.timestamp(value, unit: unit, utc: utc))
        case .time(let unit): .string(ParquetValueText.time(value, unit: unit))
        case .decimal(let scale): .string(ParquetValueText.decimal(value, scale: scale))
        case .date: .string(ParquetValueText.date(days: value))
        default: .int(value)
        }
    }

    /// INT96: nanoseconds within the day, then the Julian day number.
    func int96(nanos: Int64, julianDay: UInt32) -> ColumnValue {
        let days = Int64(julianDay) - 2_440_588
        let (dayNanos, overflow) = days.multipliedReportingOverflow(by: 86_400_000_000_000)
        let (total, overflow2) = dayNanos.addingReportingOverflow(nanos)
        if overflow || overflow2 { return .null }
        return .string(ParquetValueText.timestamp(total, unit: .nanos, utc: false))
    }

    @inline(__always)
    func float(_ value: Float) -> ColumnValue { .double(Double(value)) }

    @inline(__always)
    func double(_ value: Double) -> ColumnValue { .double(value) }

    @inline(__always)
    func bytes(_ value: UnsafeRawBufferPointer) throws(ColumnarError) -> ColumnValue {
        switch kind {
        case .string:
            guard let text = String(validating: value, as: UTF8.self) else { throw error("a string that is not UTF-8") }
            return .string(text)
        case .decimal(let scale):
            return .string(ParquetValueText.decimal(bigEndian: value, scale: scale))
        case .float16:
            guard value.count == 2 else { throw error("a FLOAT16 value of \(value.count) bytes") }
            return .double(PythonValueText.half(UInt16(value[0]) | UInt16(value[1]) << 8))
        default:
            return .bytes([UInt8](value))
        }
    }
}
