import Columnar
import Foundation
import Testing

/// The fixtures make_fixtures.py wrote with pyarrow 26 and `datasets` 5.2, read back row for row.
@Suite("Arrow IPC streams")
struct ArrowStreamTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/arrow").path

    static let fixtures = [
        "primitives", "nested", "dictionary", "dictionary_delta", "dictionary_replace", "sliced", "empty",
        "zero_row_batch", "legacy", "file_format",
        "datasets_save_to_disk/data-00000-of-00001", "datasets_load_dataset/json-test",
    ]

    static func path(_ name: String) -> String { folder + "/" + name + ".arrow" }

    static func read(_ stream: ArrowStream) throws -> [RowBatch] {
        var batches: [RowBatch] = []
        try stream.forEachBatch { batches.append($0) }
        return batches
    }

    @Test("every row of every fixture is pyarrow's to_pylist()", arguments: fixtures)
    func rowsMatchPyarrow(name: String) throws {
        let expected = try ExpectedRows(path: Self.folder + "/" + name + ".json")
        let stream = try ArrowStream(path: Self.path(name))
        #expect(stream.columns == expected.columns)
        #expect(stream.metadata == expected.metadata)
        let batches = try Self.read(stream)
        #expect(batches.map(\.rows.count) == expected.batches)
        let rows = batches.flatMap(\.rows)
        #expect(rows.count == expected.rows.count)
        for (index, (row, want)) in zip(rows, expected.rows).enumerated() {
            for (column, (value, wanted)) in zip(expected.columns, zip(row, want)) where value != wanted {
                Issue.record("\(name) row \(index) column \(column): \(value) != \(wanted)")
            }
        }
        #expect(batches.allSatisfy { $0.columns == expected.columns })
    }

    @Test("bytes in memory read the same as the mapped file")
    func bytesInMemory() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.path("nested"))))
        let fromBytes = try Self.read(try ArrowStream(bytes: bytes, name: "nested.arrow"))
        let fromFile = try Self.read(try ArrowStream(path: Self.path("nested")))
        #expect(fromBytes == fromFile)
    }

    @Test("a datasets cache file carries its features JSON and its nested types")
    func datasetsMetadata() throws {
        let stream = try ArrowStream(path: Self.path("datasets_load_dataset/json-test"))
        let features = try #require(stream.metadata["huggingface"])
        #expect(features.contains("\"ClassLabel\""))
        #expect(features.contains("\"names\": [\"A\", \"B\", \"C\", \"D\"]"))
        let choices = try #require(stream.fields.first { $0.name == "choices" })
        #expect(choices.type == .structure)
        #expect(choices.children.map(\.name) == ["text", "label"])
        #expect(choices.children.allSatisfy { $0.type == .list && $0.children.first?.type == .utf8 })
        #expect(stream.fields.first { $0.name == "answerKey" }?.type == .int(bitWidth: 64, signed: true))

        let saved = try ArrowStream(path: Self.path("datasets_save_to_disk/data-00000-of-00001"))
        #expect(saved.metadata["huggingface"]?.contains("\"image\"") == true)
        let image = try #require(saved.fields.first { $0.name == "image" })
        #expect(image.children.map(\.type) == [.binary, .utf8])
    }

    @Test("dictionary-encoded fields keep their encoding in the schema")
    func dictionarySchema() throws {
        let stream = try ArrowStream(path: Self.path("dictionary"))
        #expect(stream.fields[0].dictionary?.indexBitWidth == 32)
        #expect(stream.fields[1].dictionary?.indexBitWidth == 8)
        #expect(stream.fields[2].children.first?.dictionary != nil)
    }

    @Test("compressed bodies are refused with a clear error")
    func compressedRefused() throws {
        let stream = try ArrowStream(path: Self.path("compressed_zstd"))
        do {
            try stream.forEachBatch { _ in }
            Issue.record("a ZSTD-compressed stream read without error")
        } catch let error as ColumnarError {
            #expect(error.message.contains("ZSTD"))
            #expect(error.file.hasSuffix("compressed_zstd.arrow"))
            #expect(error.offset != nil)
        }
    }

    @Test("not an Arrow stream: empty, text, a missing file")
    func notArrow() {
        for bytes in [[], Array("hello world, not arrow".utf8), [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]] as [[UInt8]] {
            #expect(throws: ColumnarError.self) { try ArrowStream(bytes: bytes, name: "x.arrow") }
        }
        #expect(throws: ColumnarError.self) { try ArrowStream(path: Self.folder + "/missing.arrow") }
    }

    /// Reads `bytes` fully; returns the batches, or checks the error names the file and a byte.
    static func readDamaged(_ bytes: [UInt8], _ name: String) -> [RowBatch]? {
        do {
            return try read(try ArrowStream(bytes: bytes, name: name))
        } catch let error as ColumnarError {
            #expect(error.file == name)
            #expect(error.offset != nil, "no offset in \(error)")
            #expect(!error.message.isEmpty)
            return nil
        } catch {
            Issue.record("not a ColumnarError: \(error)")
            return nil
        }
    }

    @Test("truncated files fail with the file and an offset, or read a prefix of the batches", arguments: fixtures)
    func truncated(name: String) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.path(name))))
        let full = try Self.read(try ArrowStream(bytes: bytes, name: name))
        let step = max(1, bytes.count / 60)
        for cut in Array(stride(from: 0, to: bytes.count, by: step)) + [1, 5, 9, bytes.count - 1, bytes.count - 4] where cut < bytes.count {
            if let batches = Self.readDamaged(Array(bytes[..<cut]), name) {
                #expect(Array(full.prefix(batches.count)) == batches, "cut at \(cut) read different rows")
            }
        }
        // Cut inside the first batch's body: always an error.
        if name == "primitives" {
            #expect(Self.readDamaged(Array(bytes[..<(bytes.count / 2)]), name) == nil)
        }
    }

    @Test("flipped bytes never trap; failures name the file and an offset", arguments: fixtures)
    func flipped(name: String) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.path(name))))
        var generator = SplitMix(seed: UInt64(name.utf8.count))
        let positions = Array(0 ..< min(bytes.count, 600)) + (0 ..< 200).map { _ in Int(generator.next() % UInt64(bytes.count)) }
        for position in positions {
            var damaged = bytes
            damaged[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            _ = Self.readDamaged(damaged, name)
        }
    }

    @Test("a batch whose lengths claim more values than the body holds is refused without allocating them")
    func hugeLengths() throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.path("primitives"))))
        // Every aligned int64 equal to 3 (the rows per batch, so the nodes' lengths) becomes 2^40.
        var changed = 0
        for index in stride(from: 0, to: bytes.count - 8, by: 8) where bytes[index ..< index + 8] == [3, 0, 0, 0, 0, 0, 0, 0] {
            bytes.replaceSubrange(index ..< index + 8, with: [0, 0, 0, 0, 0, 1, 0, 0])
            changed += 1
        }
        #expect(changed > 0)
        #expect(Self.readDamaged(bytes, "huge.arrow") == nil)
    }
}

