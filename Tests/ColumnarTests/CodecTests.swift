@testable import Columnar
import Foundation
import Synchronization
import Testing

/// The codecs against blobs the real libraries wrote (Fixtures/codecs/make_fixtures.py): each
/// `<input>.<codec>[-variant]` must decode to `<input>.raw` exactly, and damaged blobs must
/// give errors, never traps or reads out of bounds.
@Suite("compression codecs")
struct CodecTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/codecs")

    /// The file extensions make_fixtures.py uses, by codec.
    static let codecs: [String: Codec] = [
        "snappy": .snappy, "lz4raw": .lz4Raw, "lz4hadoop": .lz4, "gzip": .gzip, "zstd": .zstd, "brotli": .brotli,
    ]

    /// Every compressed fixture: file name, its codec, the input it decodes to.
    static let blobs: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return names.filter { name in codec(of: name) != nil }.sorted()
    }()

    static func codec(of name: String) -> Codec? {
        let parts = name.split(separator: ".")
        guard parts.count == 2 else { return nil }
        return codecs[String(parts[1].split(separator: "-")[0])]
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    static func original(of name: String) throws -> [UInt8] {
        try bytes(String(name.split(separator: ".")[0]) + ".raw")
    }

    func decode(_ codec: Codec, _ input: [UInt8], size: Int) throws -> [UInt8] {
        try input.withUnsafeBytes { buffer in
            try codec.decompress(buffer, uncompressedSize: size, file: "page.parquet")
        }
    }

    @Test("the fixtures are all there")
    func fixtureCount() {
        #expect(Self.blobs.count >= 40)
        for codec in Self.codecs.keys {
            #expect(Self.blobs.filter { $0.hasPrefix("empty.\(codec)") || $0.hasPrefix("random.\(codec)") }.count == 2, "\(codec)")
        }
    }

    @Test("each blob decodes to its input exactly", arguments: blobs)
    func decodes(name: String) throws {
        let codec = try #require(Self.codec(of: name))
        let expected = try Self.original(of: name)
        let decoded = try decode(codec, try Self.bytes(name), size: expected.count)
        #expect(decoded.count == expected.count)
        #expect(decoded == expected, "\(name): first difference at \(zip(decoded, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1)")
    }

    /// Cut points: every one near both ends, and about a hundred evenly spaced in between.
    static func cuts(_ count: Int) -> [Int] {
        let step = max(1, count / 100)
        return Array(Set(Array(0..<min(count, 48)) + Array(max(0, count - 48)..<count) + Array(stride(from: 0, to: count, by: step)))).sorted()
    }

    @Test("a truncated blob is an error naming the file and codec", arguments: blobs.filter { !$0.hasPrefix("empty.") })
    func truncated(name: String) throws {
        let codec = try #require(Self.codec(of: name))
        let blob = try Self.bytes(name)
        let size = try Self.original(of: name).count
        for cut in Self.cuts(blob.count) {
            let error = #expect(throws: ColumnarError.self, "\(name) cut at \(cut)") {
                try decode(codec, Array(blob[..<cut]), size: size)
            }
            #expect(error?.file == "page.parquet")
            #expect(error?.message.contains(codec.name) == true, "\(error?.message ?? "")")
        }
    }

    @Test("a flipped byte is an error or the declared size, never a trap", arguments: blobs)
    func flipped(name: String) throws {
        let codec = try #require(Self.codec(of: name))
        let blob = try Self.bytes(name)
        let size = try Self.original(of: name).count
        var rng = SplitMix(seed: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ Int($1) }.magnitude))
        for position in Self.cuts(blob.count) {
            for mask: UInt8 in [0x01, 0x80, UInt8(truncatingIfNeeded: rng.next() | 1)] {
                var damaged = blob
                damaged[position] ^= mask
                if let decoded = try? decode(codec, damaged, size: size) { #expect(decoded.count == size) }
            }
        }
    }

    @Test("a declared size that is not the real one is an error", arguments: blobs)
    func wrongSize(name: String) throws {
        let codec = try #require(Self.codec(of: name))
        let blob = try Self.bytes(name)
        let size = try Self.original(of: name).count
        for declared in [size + 1, size - 1, size / 2, size * 2 + 100, 0] where declared >= 0 && declared != size {
            let error = #expect(throws: ColumnarError.self, "\(name) declared \(declared)") { try decode(codec, blob, size: declared) }
            #expect(error?.message.contains(codec.name) == true)
        }
    }

    @Test("sizes beyond the cap are refused before anything is allocated")
    func cap() {
        for codec in Codec.allCases {
            #expect(throws: ColumnarError.self) { try decode(codec, [0, 1, 2], size: Codec.maximumUncompressedSize + 1) }
            #expect(throws: ColumnarError.self) { try decode(codec, [0, 1, 2], size: Int.max) }
            #expect(throws: ColumnarError.self) { try decode(codec, [0, 1, 2], size: -1) }
        }
        // A snappy header claiming 4 GiB, with a page header saying 16 bytes.
        #expect(throws: ColumnarError.self) { try decode(.snappy, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0], size: 16) }
    }

    @Test("an empty page with no bytes is empty for every codec; LZO is refused with a hint")
    func emptyAndLZO() throws {
        for codec in Codec.allCases where codec != .lzo {
            #expect(try decode(codec, [], size: 0) == [])
            #expect(throws: ColumnarError.self) { try decode(codec, [], size: 10) }
        }
        let error = #expect(throws: ColumnarError.self) { try decode(.lzo, [1, 2, 3], size: 3) }
        #expect(error?.message.contains("LZO") == true)
        #expect(error?.hint?.contains("compression=") == true)
        #expect(try decode(.uncompressed, [1, 2, 3], size: 3) == [1, 2, 3])
        #expect(throws: ColumnarError.self) { try decode(.uncompressed, [1, 2, 3], size: 4) }
    }

    @Test("snappy copies shorter than their length repeat the pattern; bad copies are errors")
    func snappyCopies() throws {
        // Length 10: literal "ab", then a 1-byte-offset copy of 8 from 2 back.
        #expect(try decode(.snappy, [10, 0x04, 0x61, 0x62, 0x01 | (4 << 2), 2], size: 10) == Array("ababababab".utf8))
        // Length 70: literal "xyz", then a 2-byte-offset copy of 64 from 3 back, then one of 3.
        let expected = Array(String(repeating: "xyz", count: 24).prefix(70).utf8)
        #expect(try decode(.snappy, [70, 0x08, 0x78, 0x79, 0x7A, 0x02 | (63 << 2), 3, 0, 0x02 | (2 << 2), 3, 0], size: 70) == expected)
        // A 4-byte-offset copy of 1 from 1 back, and a literal with a one-byte length.
        #expect(try decode(.snappy, [3, 0x00, 0x41, 0x03, 1, 0, 0, 0, 0xF0, 0x00, 0x42], size: 3) == Array("AAB".utf8))
        for bad: [UInt8] in [
            [4, 0x00, 0x41, 0x01 | (0 << 2), 0],           // offset 0
            [6, 0x00, 0x41, 0x01 | (1 << 2), 2],           // offset before the start
            [4, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x41],       // a 4 GiB literal
            [2, 0x00, 0x41, 0x00, 0x42, 0x00, 0x43],       // more than declared
            [0x80, 0x80, 0x80, 0x80, 0x80, 0x01],          // a varint too long
        ] {
            #expect(throws: ColumnarError.self, "\(bad)") { try decode(.snappy, bad, size: Int(bad[0] & 0x7F)) }
        }
    }

    @Test("LZ4 matches shorter than their length repeat the pattern; bad matches are errors")
    func lz4Copies() throws {
        // Literal "ab", a match of 15 + 4 + 200 from 2 back, then the final literal "c".
        var block: [UInt8] = [0x2F, 0x61, 0x62, 2, 0, 200, 0x10, 0x63]
        var expected = Array(String(repeating: "ab", count: 111).prefix(221).utf8) + Array("c".utf8)
        #expect(try decode(.lz4Raw, block, size: 222) == expected)
        // A match of 19 + 3 * 255 + 226 = 1010 from 1 back.
        block = [0x1F, 0x7A, 1, 0, 255, 255, 255, 226, 0x00]
        expected = Array(repeating: 0x7A, count: 1 + 15 + 4 + 255 * 3 + 226)
        #expect(try decode(.lz4Raw, block, size: expected.count) == expected)
        #expect(throws: ColumnarError.self) { try decode(.lz4Raw, [0x1F, 0x7A, 0, 0, 0x00], size: 20) }   // offset 0
        #expect(throws: ColumnarError.self) { try decode(.lz4Raw, [0x1F, 0x7A, 2, 0, 0x00], size: 20) }   // before the start
        #expect(throws: ColumnarError.self) { try decode(.lz4Raw, [0xF0] + Array(repeating: 255, count: 64), size: 20) }
    }

    @Test("a missing library is an error naming it and its Debian package")
    func missingLibrary() throws {
        let result = SharedLibrary.open(["libnot-there.so.9"], package: "libnot-there9")
        guard case .failure(let missing) = result else { Issue.record("opened a library that does not exist"); return }
        #expect(missing.message.contains("libnot-there.so.9"))
        #expect(missing.hint.contains("apt-get install libnot-there9"))
    }

    @Test("the libraries load once, from many threads at the same time")
    func concurrentFirstUse() throws {
        let blobs = try ["prose.gzip", "prose.zstd", "prose.brotli"].map { (Self.codec(of: $0)!, try Self.bytes($0)) }
        let expected = try Self.original(of: "prose.gzip")
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 24) { index in
            let (codec, blob) = blobs[index % blobs.count]
            if (try? decode(codec, blob, size: expected.count)) != expected { failures.withLock { $0 += 1 } }
        }
        #expect(failures.withLock { $0 } == 0)
    }
}

