#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// The text of UTF-8 bytes, or nil when they are not valid UTF-8. `String(validating:as:)` on a
    /// raw buffer looks up generic metadata on every call (a tenth of a snappy file's decode time);
    /// `String(decoding:as:)` on a byte buffer is the stdlib's fast path, and it repairs invalid
    /// input, so the text is valid exactly when its bytes are the input's.
    @inline(__always)
    static func validUTF8(_ value: UnsafeRawBufferPointer) -> String? {
        value.withMemoryRebound(to: UInt8.self) { bytes in
            var text = String(decoding: bytes, as: UTF8.self)
            let same = text.withUTF8 { decoded in
                guard decoded.count == bytes.count else { return false }
                guard let left = decoded.baseAddress, let right = bytes.baseAddress else { return true }
                return memcmp(left, right, bytes.count) == 0
            }
            return same ? text : nil
        }
    }

    @inline(__always)
    func bytes(_ value: UnsafeRawBufferPointer) throws(ColumnarError) -> ColumnValue {
        switch kind {
        case .string:
            guard let text = Self.validUTF8(value) else { throw error("a string that is not UTF-8") }
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
