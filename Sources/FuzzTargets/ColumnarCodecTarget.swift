import Columnar

extension ColumnarTargets {
    /// One compressed page: the first byte picks the codec (its Thrift value, modulo the
    /// count), the second scales the declared decompressed size to the rest's length (in
    /// sixteenths; 0 means the size follows as 4 little-endian bytes, so seeds can be exact).
    /// GZIP input also goes through ``GzipFile`` (no declared size, a small limit).
    static func codecs(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let codec = Codec.allCases[Int(data[0]) % Codec.allCases.count]
        var rest = Array(data[2...])
        var declared = rest.count * Int(data[1]) / 16
        if data[1] == 0 {
            guard rest.count >= 4 else { return }
            declared = Int(rest[0]) | Int(rest[1]) << 8 | Int(rest[2]) << 16 | Int(rest[3]) << 24
            rest.removeFirst(4)
        }
        shaped("codecs") {
            let page = try rest.withUnsafeBytes { try codec.decompress($0, uncompressedSize: declared, file: "fuzz.parquet") }
            if page.count != declared { fatalError("codecs: \(codec.name) returned \(page.count) bytes, \(declared) declared") }
        }
        if codec == .gzip {
            shaped("codecs") { _ = try rest.withUnsafeBytes { try GzipFile.decompress($0, name: "fuzz.gz", limit: 1 << 20) } }
        }
    }
}
