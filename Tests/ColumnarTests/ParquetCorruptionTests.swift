import Columnar
import Foundation
import Testing

/// Truncated and damaged files: every failure is one ColumnarError naming the file (and the
/// column and byte offset when known); nothing traps or hangs.
@Suite("Parquet corruption")
struct ParquetCorruptionTests {
    static let samples = ["nested_dict.parquet", "flat_plain_v2.parquet", "delta_byte_array.parquet", "byte_stream_split.parquet",
                          "pages_rowgroups.parquet", "nested_legacy.parquet", "delta_binary_packed.parquet"]

    /// Reads every row; returns the error, if any.
    static func attempt(_ bytes: [UInt8], _ name: String) -> ColumnarError? {
        do {
            let file = try ParquetFile(bytes: bytes, name: name)
            try file.forEachBatch { _ in }
            return nil
        } catch let error as ColumnarError {
            return error
        } catch {
            Issue.record("\(name): not a ColumnarError: \(error)")
            return nil
        }
    }

    @Test("cut at many offsets", arguments: samples)
    func truncated(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: ParquetFixtureTests.folder.appendingPathComponent(name)))
        let step = max(1, bytes.count / 300)
        for cut in stride(from: 0, to: bytes.count, by: step) {
            let error = Self.attempt(Array(bytes[..<cut]), name)
            #expect(error != nil, "\(name) cut at \(cut) was read")
            #expect(error?.file == name)
        }
    }

    @Test("bytes flipped across the file", arguments: samples)
    func flipped(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: ParquetFixtureTests.folder.appendingPathComponent(name)))
        var generator = SystemRandomNumberGenerator()
        let step = max(1, bytes.count / 400)
        for at in stride(from: 0, to: bytes.count, by: step) {
            var damaged = bytes
            damaged[at] ^= UInt8.random(in: 1...255, using: &generator)
            if let error = Self.attempt(damaged, name) {
                #expect(error.file == name)
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test("a damaged page names its column and offset")
    func located() throws {
        var bytes = Array(try Data(contentsOf: ParquetFixtureTests.folder.appendingPathComponent("flat_plain.parquet")))
        // The first page header starts at byte 4: a page type of 15 (zigzag 30) as its first field.
        bytes[4] = 0x15
        bytes[5] = 0x7f
        let error = try #require(Self.attempt(bytes, "flat_plain.parquet"))
        #expect(error.column == "b")
        #expect(error.offset != nil)
    }

    @Test("not Parquet at all")
    func notParquet() {
        #expect(Self.attempt(Array("hello, this is not a parquet file".utf8), "x") != nil)
        #expect(Self.attempt(Array("PAR1\u{0}\u{0}\u{0}\u{0}PAR1".utf8), "x") != nil)
    }
}
