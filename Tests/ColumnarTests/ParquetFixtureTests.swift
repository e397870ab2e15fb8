import Columnar
import Foundation
import Testing

/// Every fixture of Fixtures/parquet (written by make_fixtures.py with pyarrow 26, polars 2.1
/// and datasets 5.2) read row by row and compared with pyarrow's `to_pylist()`.
@Suite("Parquet fixtures")
struct ParquetFixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/parquet")

    static let manifest: [String: String] = {
        let data = (try? Data(contentsOf: folder.appendingPathComponent("manifest.json"))) ?? Data("{}".utf8)
        return (try? JSONSerialization.jsonObject(with: data) as? [String: String]) ?? [:]
    }()

    /// Fixtures whose pages are compressed: they need the codecs of Compression/Codec.swift.
    static func isCompressed(_ name: String) -> Bool {
        name.hasPrefix("codec_") || name == "polars_default.parquet" || name == "datasets_arc.parquet"
    }

    static let uncompressed = manifest.keys.filter { !isCompressed($0) }.sorted()
    static let compressed = manifest.keys.filter(isCompressed).sorted()

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func readAll(_ name: String) throws -> (rows: [[ColumnValue]], batches: Int, file: ParquetFile) {
        let file = try ParquetFile(path: path(name))
        var rows: [[ColumnValue]] = []
        var batches = 0
        try file.forEachBatch { batch in
            #expect(batch.columns == file.columns)
            rows += batch.rows
            batches += 1
        }
        return (rows, batches, file)
    }

    static func check(_ name: String) throws {
        let rowsFile = try #require(manifest[name])
        let expectedValue = try ExpectedRowsJSON.parse(Array(try Data(contentsOf: folder.appendingPathComponent(rowsFile))))
        guard case .list(let expectedRows) = expectedValue else { Issue.record("rows file is not a list"); return }
        let (rows, _, file) = try readAll(name)
        #expect(rows.count == expectedRows.count, "\(name): row count")
        #expect(rows.count == file.rowCount)
        var mismatches = 0
        for (index, (row, expected)) in zip(rows, expectedRows).enumerated() {
            guard case .record(let fields) = expected else { Issue.record("row \(index) is not an object"); continue }
            #expect(file.columns == fields.map(\.0), "\(name): columns")
            for (value, (column, want)) in zip(row, fields) where value != want {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(name) row \(index) column \(column): got \(value), want \(want)") }
            }
        }
        #expect(mismatches == 0, "\(name): \(mismatches) values differ")
    }

    @Test("uncompressed fixtures read exactly as pyarrow reads them", arguments: uncompressed)
    func uncompressedFixture(_ name: String) throws { try Self.check(name) }

    /// These need the codecs branch (snappy, gzip, zstd, lz4_raw, brotli); they fail with
    /// "not supported yet" until it is merged.
    @Test("compressed fixtures (every codec, polars' zstd, datasets' snappy)", arguments: compressed)
    func compressedFixture(_ name: String) throws { try Self.check(name) }

    @Test("the fixture list covers every kind of file")
    func coverage() {
        #expect(Self.uncompressed.count >= 24)
        #expect(Self.compressed.count == 12)
    }

    @Test("small row groups are read one batch each; key/value metadata is kept")
    func rowGroups() throws {
        let (rows, batches, file) = try Self.readAll("pages_rowgroups.parquet")
        #expect(rows.count == 40)
        #expect(batches == 3)
        #expect(file.rowGroupCount == 3)
        #expect(file.metadata["ARROW:schema"] != nil)
        #expect(file.createdBy?.hasPrefix("parquet-cpp-arrow") == true)
    }

    @Test("an empty file has its columns and no rows")
    func empty() throws {
        let (rows, _, file) = try Self.readAll("empty_nested.parquet")
        #expect(rows.isEmpty)
        #expect(file.columns.first == "li")
    }

    @Test("a missing file is a ColumnarError naming it")
    func missing() {
        #expect(throws: ColumnarError.self) { try ParquetFile(path: "/nonexistent/x.parquet") }
    }
}
