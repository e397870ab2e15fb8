/// ggml tensor types this reader understands.
public enum GGMLType: UInt32, CaseIterable, Sendable, CustomStringConvertible {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q8_0 = 8, bf16 = 30

    public var description: String {
        switch self {
        case .f32: return "F32"
        case .f16: return "F16"
        case .q4_0: return "Q4_0"
        case .q4_1: return "Q4_1"
        case .q8_0: return "Q8_0"
        case .bf16: return "BF16"
        }
    }

    /// Values per block and bytes per block.
    var block: (values: Int, bytes: Int) {
        switch self {
        case .f32: return (1, 4)
        case .f16, .bf16: return (1, 2)
        case .q4_0: return (32, 18)   // f16 scale, 16 bytes of nibbles
        case .q4_1: return (32, 20)   // f16 scale, f16 minimum, 16 bytes of nibbles
        case .q8_0: return (32, 34)   // f16 scale, 32 signed bytes
        }
    }

    func byteCount(elements: Int, name: String) throws -> Int {
        let (values, bytes) = block
        guard elements % values == 0 else {
            throw ModelError(.invalidData, "tensor '\(name)' has \(elements) values, not a multiple of the \(description) block of \(values)", hint: nil)
        }
        let (total, overflow) = (elements / values).multipliedReportingOverflow(by: bytes)
        guard !overflow else { throw ModelError(.invalidData, "tensor '\(name)' claims \(elements) values, more than any file holds", hint: nil) }
        return total
    }
}

/// Turns ggml's storage formats into Float, block by block, as ggml's reference
/// dequantisers do.
enum Dequantize {
    static func floats(_ bytes: UnsafeRawBufferPointer, type: GGMLType, count: Int) throws -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch type {
            case .f32:
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .f16:
                for i in 0..<count { out[i] = half(bytes, 2 * i) }
            case .bf16:
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
            case .q8_0:
                for b in 0..<count / 32 {
                    let base = b * 34
                    let d = half(bytes, base)
                    for j in 0..<32 { out[b * 32 + j] = d * Float(Int8(bitPattern: bytes[base + 2 + j])) }
                }
            case .q4_0:
                for b in 0..<count / 32 {
                    let base = b * 18
                    let d = half(bytes, base)
                    for j in 0..<16 {
                        let q = bytes[base + 2 + j]
                        out[b * 32 + j] = d * Float(Int(q & 0x0F) - 8)
                        out[b * 32 + j + 16] = d * Float(Int(q >> 4) - 8)
                    }
                }
            case .q4_1:
                for b in 0..<count / 32 {
                    let base = b * 20
                    let d = half(bytes, base), m = half(bytes, base + 2)
                    for j in 0..<16 {
                        let q = bytes[base + 4 + j]
                        out[b * 32 + j] = d * Float(q & 0x0F) + m
                        out[b * 32 + j + 16] = d * Float(q >> 4) + m
                    }
                }
            }
            initialized = count
        }
    }

    /// IEEE half precision at a byte offset.
    @inline(__always)
    static func half(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Float {
        Float(Float16(bitPattern: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
    }
}
