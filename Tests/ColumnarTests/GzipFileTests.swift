import Columnar
import Foundation
import Testing

/// Whole `.gz` files, written by Python's gzip module (Fixtures/codecs/make_fixtures.py).
@Suite("gzip files")
struct GzipFileTests {
    static func path(_ name: String) -> String { CodecTests.fixtures.appendingPathComponent(name).path }

    @Test("a .gz file, a file of two members and a zlib stream read to their bytes")
    func reads() throws {
        let prose = try CodecTests.bytes("prose.raw")
        #expect(try GzipFile.read(path: Self.path("prose.jsonl.gz")) == prose)
        #expect(try GzipFile.read(path: Self.path("prose.gzip-members")) == prose)
        #expect(try GzipFile.read(path: Self.path("repetitive.gzip-zlib")) == CodecTests.bytes("repetitive.raw"))
        #expect(try GzipFile.read(path: Self.path("empty.gzip")) == [])
        // A start far too small: the buffer grows.
        let blob = try CodecTests.bytes("repetitive.gzip")
        let decoded = try blob.withUnsafeBytes { try GzipFile.decompress($0, name: "x.gz") }
        #expect(decoded == (try CodecTests.bytes("repetitive.raw")))
    }

    @Test("a missing, damaged, non-gzip or too large file is an error naming it")
    func errors() throws {
        let missing = #expect(throws: ColumnarError.self) { try GzipFile.read(path: Self.path("nothing.gz")) }
        #expect(missing?.file.hasSuffix("nothing.gz") == true)
        let notGzip = #expect(throws: ColumnarError.self) { try GzipFile.read(path: Self.path("prose.raw")) }
        #expect(notGzip?.message.contains("gzip") == true)
        let blob = try CodecTests.bytes("prose.jsonl.gz")
        for cut in CodecTests.cuts(blob.count) {
            #expect(throws: ColumnarError.self, "cut at \(cut)") {
                try Array(blob[..<cut]).withUnsafeBytes { try GzipFile.decompress($0, name: "cut.gz") }
            }
        }
        let tooLarge = #expect(throws: ColumnarError.self) { try GzipFile.read(path: Self.path("prose.jsonl.gz"), limit: 10_000) }
        #expect(tooLarge?.message.contains("10000") == true)
    }
}
