import Foundation

/// A `.safetensors` file: an 8-byte header length, a JSON header naming each tensor's dtype,
/// shape and byte range, then the data (read in place from a memory map).
final class SafetensorsFile: @unchecked Sendable {
    // Immutable after init.
    struct Entry {
        var dtype: String
        var shape: [Int]
        var range: Range<Int>
    }

    let path: String
    let entries: [String: Entry]
    private let file: MappedFile
    private let dataStart: Int

    init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        let lengthBytes = try file.bytes(at: 0, count: 8, what: "the header length")
        let rawLength = UInt64(littleEndian: lengthBytes.loadUnaligned(as: UInt64.self))
        guard let headerLength = Int(exactly: rawLength), headerLength <= file.size - 8 else {
            throw ModelError(.invalidData, "\(path) is not a safetensors file: its header claims \(rawLength) bytes, the file has \(file.size)",
                             hint: "the file is incomplete or not safetensors; fetch it again")
        }
        let header = try file.bytes(at: 8, count: headerLength, what: "the JSON header")
        guard let json = try? JSONSerialization.jsonObject(with: Data(header)) as? [String: Any] else {
            throw ModelError(.invalidData, "\(path) is not a safetensors file (its header is not JSON)", hint: "fetch the file again")
        }
        dataStart = 8 + headerLength
        var entries: [String: Entry] = [:]
        for (name, value) in json where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2 else {
                throw ModelError(.invalidData, "\(path): tensor '\(name)' has a malformed header entry", hint: "fetch the file again")
            }
            guard offsets[0] >= 0, offsets[1] >= offsets[0], shape.allSatisfy({ $0 >= 0 }),
                  shape.reduce(into: Optional(1), { product, d in product = product.flatMap { $0.multipliedReportingOverflow(by: d).overflow ? nil : $0 * d } }) != nil else {
                throw ModelError(.invalidData, "\(path): tensor '\(name)' has impossible offsets \(offsets) or shape \(shape)", hint: "fetch the file again")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
            let (start, overflow) = dataStart.addingReportingOverflow(offsets[0])
            guard !overflow else { throw ModelError(.invalidData, "\(path): tensor '\(name)' lies beyond the file", hint: "fetch the file again") }
            _ = try file.bytes(at: start, count: offsets[1] - offsets[0], what: "tensor '\(name)'")
        }
        self.entries = entries
    }

    /// The raw bytes and the engine's dtype code of a tensor stored as F32, F16 or BF16.
    func raw(_ name: String) throws -> (bytes: UnsafeRawBufferPointer, dtype: Int32, shape: [Int]) {
        guard let entry = entries[name] else { throw ModelError(.invalidData, "\(path) has no tensor '\(name)'", hint: nil) }
        let code: Int32
        switch entry.dtype {
        case "F32": code = 0
        case "F16": code = 1
        case "BF16": code = 2
        default:
            throw ModelError(.invalidData, "\(path): tensor '\(name)' is \(entry.dtype); F32, F16 and BF16 are supported",
                             hint: "convert the checkpoint to a float type, or quantize at load with model.params.quantization=int8")
        }
        let bytes = try file.bytes(at: dataStart + entry.range.lowerBound, count: entry.range.count, what: "tensor '\(name)'")
        let elementSize = code == 0 ? 4 : 2
        guard entry.range.count == entry.shape.reduce(1, *) * elementSize else {
            throw ModelError(.invalidData, "\(path) is corrupt: tensor '\(name)' has \(entry.range.count) bytes for shape \(entry.shape)", hint: nil)
        }
        return (bytes, code, entry.shape)
    }
}
