/// The unit of an Arrow time or timestamp.
public enum ArrowTimeUnit: Int, Sendable, Equatable {
    case second = 0, millisecond, microsecond, nanosecond

    /// Ticks per second.
    var perSecond: Int64 {
        switch self {
        case .second: 1
        case .millisecond: 1_000
        case .microsecond: 1_000_000
        case .nanosecond: 1_000_000_000
        }
    }
}

/// An Arrow logical type this reader decodes (the types a `datasets` cache or pyarrow writes);
/// nested types keep their children in ``ArrowField/children``.
public enum ArrowType: Sendable, Equatable {
    case null
    case bool
    case int(bitWidth: Int, signed: Bool)
    /// 16 (half), 32 or 64 bits.
    case floatingPoint(bitWidth: Int)
    case utf8, largeUtf8, binary, largeBinary
    case fixedSizeBinary(byteWidth: Int)
    /// Days (32 bits) or milliseconds (64 bits) since the epoch; read as `YYYY-MM-DD`.
    case date(milliseconds: Bool)
    case time(unit: ArrowTimeUnit, bitWidth: Int)
    /// Read as Python's `isoformat()`, with the zone's offset when `timezone` is set.
    case timestamp(unit: ArrowTimeUnit, timezone: String?)
    /// 32, 64, 128 or 256-bit two's complement unscaled values; read as decimal text.
    case decimal(precision: Int, scale: Int, bitWidth: Int)
    case list, largeList
    case fixedSizeList(size: Int)
    case structure
    /// A list of `entries` structs with a key and a value child.
    case map(keysSorted: Bool)
}

/// How a field's values are dictionary-encoded: indices of `indexBitWidth` bits into dictionary `id`.
public struct ArrowDictionaryEncoding: Sendable, Equatable {
    public var id: Int64
    public var indexBitWidth: Int
    public var indexSigned: Bool
}

/// One field of the schema, with its children for nested types.
public struct ArrowField: Sendable, Equatable {
    public var name: String
    public var nullable: Bool
    /// The decoded value type (the dictionary's value type for a dictionary-encoded field).
    public var type: ArrowType
    public var dictionary: ArrowDictionaryEncoding?
    public var children: [ArrowField]
    public var metadata: [String: String]
}
