import Foundation

/// A GGUF (version 2 or 3) file: its metadata and tensor directory, with tensor data read in
/// place from a memory map. Follows the layout of ggml's GGUF specification.
public final class GGUFFile: @unchecked Sendable {
    // Immutable after init.

    /// A metadata value.
    public enum Value: Sendable, Equatable {
        case int(Int64), uint(UInt64), float(Double), bool(Bool), string(String)
        case array([Value])

        public var int: Int? {
            switch self {
            case .int(let v): return Int(exactly: v)
            case .uint(let v): return Int(exactly: v)
            default: return nil
            }
        }
        public var double: Double? {
            switch self {
            case .float(let v): return v
            case .int(let v): return Double(v)
            case .uint(let v): return Double(v)
            default: return nil
            }
        }
        public var string: String? { if case .string(let s) = self { return s }; return nil }
        public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
        public var array: [Value]? { if case .array(let a) = self { return a }; return nil }
    }

    /// One tensor's entry in the directory. `dimensions` are ggml's (fastest first); the
    /// row-major shape is their reverse.
    public struct TensorInfo: Sendable {
        public var name: String
        public var dimensions: [Int]
        public var type: GGMLType
        public var offset: Int
        public var shape: [Int] { dimensions.reversed() }
        public var elementCount: Int { dimensions.reduce(1, *) }
    }

    public let path: String
    public let version: Int
    public let metadata: [String: Value]
    public let tensors: [TensorInfo]
    let file: MappedFile
    let dataOffset: Int

    /// - Throws: ``ModelError`` `.invalidData` naming the file and what is wrong: not GGUF,
    ///   an unsupported version, a truncated header or tensor data.
    public init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        var reader = Reader(file: file)
        guard try reader.bytes(4, "the magic number").elementsEqual("GGUF".utf8) else {
            throw ModelError(.invalidData, "\(path) is not a GGUF file (no GGUF magic number)",
                             hint: "model.params.checkpoint_path must name a .gguf file or a Hugging Face model folder")
        }
        let version = Int(try reader.u32("the version"))
        guard version == 2 || version == 3 else {
            throw ModelError(.invalidData, "\(path) is GGUF version \(version); versions 2 and 3 are supported", hint: nil)
        }
        self.version = version
        let tensorCount = try reader.count("the tensor count")
        let metadataCount = try reader.count("the metadata count")
        guard tensorCount < 1_000_000, metadataCount < 1_000_000 else {
            throw ModelError(.invalidData, "\(path) is corrupt: \(tensorCount) tensors and \(metadataCount) metadata entries", hint: "fetch the file again")
        }
        var metadata: [String: Value] = [:]
        for _ in 0..<metadataCount {
            let key = try reader.string("a metadata key")
            metadata[key] = try reader.value(type: try reader.u32("the type of '\(key)'"), key: key)
        }
        var tensors: [TensorInfo] = []
        for _ in 0..<tensorCount {
            let name = try reader.string("a tensor name")
            let rank = Int(try reader.u32("the rank of '\(name)'"))
            guard rank >= 1, rank <= 4 else { throw ModelError(.invalidData, "\(path) is corrupt: tensor '\(name)' has rank \(rank)", hint: nil) }
            let dimensions = try (0..<rank).map { _ in try reader.count("a dimension of '\(name)'") }
            guard dimensions.reduce(into: Optional(1), { p, d in p = p.flatMap { $0.multipliedReportingOverflow(by: d).overflow ? nil : $0 * d } }) != nil else {
                throw ModelError(.invalidData, "\(path) is corrupt: tensor '\(name)' has dimensions \(dimensions)", hint: nil)
            }
            let rawType = try reader.u32("the type of '\(name)'")
            guard let type = GGMLType(rawValue: rawType) else {
                throw ModelError(.invalidData, "\(path): tensor '\(name)' has ggml type \(rawType), which cannot be read",
                                 hint: "supported types: \(GGMLType.allCases.map(\.description).joined(separator: ", "))")
            }
            tensors.append(TensorInfo(name: name, dimensions: dimensions, type: type, offset: try reader.count("the offset of '\(name)'")))
        }
        let alignment = metadata["general.alignment"]?.int ?? 32
        guard alignment > 0, alignment <= 1 << 20 else {
            throw ModelError(.invalidData, "\(path) is corrupt: general.alignment is \(alignment)", hint: nil)
        }
        dataOffset = (reader.offset + alignment - 1) / alignment * alignment
        self.metadata = metadata
        self.tensors = tensors
        for tensor in tensors {
            guard tensor.offset <= file.size else {
                throw ModelError(.invalidData, "\(path) is corrupt: tensor '\(tensor.name)' lies beyond the file", hint: nil)
            }
            _ = try file.bytes(at: dataOffset + tensor.offset, count: try tensor.type.byteCount(elements: tensor.elementCount, name: tensor.name),
                               what: "tensor '\(tensor.name)'")
        }
    }

    /// A tensor's values as Float, dequantised.
    public func floats(_ tensor: TensorInfo) throws -> [Float] {
        let count = try tensor.type.byteCount(elements: tensor.elementCount, name: tensor.name)
        let bytes = try file.bytes(at: dataOffset + tensor.offset, count: count, what: "tensor '\(tensor.name)'")
        return try Dequantize.floats(bytes, type: tensor.type, count: tensor.elementCount)
    }

    /// Reads little-endian values from the mapped file, checking the end.
    struct Reader {
        let file: MappedFile
        var offset = 0

        mutating func bytes(_ count: Int, _ what: String) throws -> UnsafeRawBufferPointer {
            let b = try file.bytes(at: offset, count: count, what: what)
            offset += count
            return b
        }
        mutating func u32(_ what: String) throws -> UInt32 { UInt32(littleEndian: try bytes(4, what).loadUnaligned(as: UInt32.self)) }
        mutating func u64(_ what: String) throws -> UInt64 { UInt64(littleEndian: try bytes(8, what).loadUnaligned(as: UInt64.self)) }
        /// A 64-bit count or offset, which must fit the file (and so an Int).
        mutating func count(_ what: String) throws -> Int {
            let raw = try u64(what)
            guard let value = Int(exactly: raw), value <= file.size else {
                throw ModelError(.invalidData, "\(file.path) is truncated or corrupt: \(what) is \(raw), more than the file's \(file.size) bytes", hint: "fetch the file again")
            }
            return value
        }
        mutating func string(_ what: String) throws -> String {
            let length = try count(what)
            guard length < file.size else { throw ModelError(.invalidData, "\(file.path) is corrupt: \(what) claims \(length) bytes", hint: nil) }
            return String(decoding: try bytes(length, what), as: UTF8.self)
        }

        mutating func value(type: UInt32, key: String) throws -> Value {
            switch type {
            case 0: return .uint(UInt64(try bytes(1, key)[0]))
            case 1: return .int(Int64(Int8(bitPattern: try bytes(1, key)[0])))
            case 2: return .uint(UInt64(UInt16(littleEndian: try bytes(2, key).loadUnaligned(as: UInt16.self))))
            case 3: return .int(Int64(Int16(littleEndian: try bytes(2, key).loadUnaligned(as: Int16.self))))
            case 4: return .uint(UInt64(try u32(key)))
            case 5: return .int(Int64(Int32(bitPattern: try u32(key))))
            case 6: return .float(Double(Float(bitPattern: try u32(key))))
            case 7: return .bool(try bytes(1, key)[0] != 0)
            case 8: return .string(try string(key))
            case 9:
                let elementType = try u32(key)
                let count = try self.count(key)
                guard count < file.size else { throw ModelError(.invalidData, "\(file.path) is corrupt: '\(key)' claims \(count) elements", hint: nil) }
                var items: [Value] = []
                items.reserveCapacity(count)
                for _ in 0..<count { items.append(try value(type: elementType, key: key)) }
                return .array(items)
            case 10: return .uint(try u64(key))
            case 11: return .int(Int64(bitPattern: try u64(key)))
            case 12: return .float(Double(bitPattern: try u64(key)))
            default:
                throw ModelError(.invalidData, "\(file.path) is corrupt: metadata '\(key)' has unknown type \(type)", hint: "fetch the file again")
            }
        }
    }
}
