@testable import Columnar
import Testing

/// A Parquet string is text only when its bytes are valid UTF-8 (the fast path decodes, which
/// repairs, then compares the bytes).
@Suite("Parquet UTF-8 strings")
struct ParquetUTF8Tests {
    func text(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { ValueConverter.validUTF8($0) }
    }

    @Test func validTextIsKept() {
        #expect(text([]) == "")
        #expect(text(Array("plain ascii".utf8)) == "plain ascii")
        #expect(text(Array("café — 日本 🙂".utf8)) == "café — 日本 🙂")
    }

    @Test(arguments: [
        [0xFF] as [UInt8], [0x61, 0x80], [0xC3], [0xED, 0xA0, 0x80], [0xF0, 0x90, 0x80, 0x61],
        [0xF0, 0x90, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80],
    ])
    func invalidBytesAreRefused(bytes: [UInt8]) {
        #expect(text(bytes) == nil)
    }
}
