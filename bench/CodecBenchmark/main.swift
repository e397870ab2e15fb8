#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar
import Foundation

// Decompression speed of one codec on one blob, in MB/s of decompressed bytes (best of the
// repetitions), checked against the original bytes. bench/codecs.sh writes the blobs and
// measures the C libraries on the same ones from Python.
//
// Usage: CodecBenchmark CODEC COMPRESSED ORIGINAL [REPETITIONS]     (CODEC: snappy, lz4raw, ...)

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    print("usage: CodecBenchmark snappy|lz4raw|lz4|gzip|zstd|brotli COMPRESSED ORIGINAL [REPETITIONS]")
    exit(2)
}
let codecs: [String: Codec] = ["snappy": .snappy, "lz4raw": .lz4Raw, "lz4": .lz4, "gzip": .gzip, "zstd": .zstd, "brotli": .brotli]
guard let codec = codecs[arguments[1]] else { print("unknown codec \(arguments[1])"); exit(2) }
let compressed = try Data(contentsOf: URL(fileURLWithPath: arguments[2]))
let original = try Data(contentsOf: URL(fileURLWithPath: arguments[3]))
let repetitions = arguments.count > 4 ? Int(arguments[4]) ?? 10 : 10

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func report(_ label: String, _ best: Double) {
    print(String(format: "%@ (Swift, %@): %.0f MB/s, %.1f ms for %.1f MB", arguments[1], label, Double(original.count) / best / 1e6, best * 1e3, Double(original.count) / 1e6))
}

// As the reader calls it: a new array per page.
var best = Double.infinity
for _ in 0..<repetitions {
    let start = monotonicSeconds()
    let decoded = try compressed.withUnsafeBytes { try codec.decompress($0, uncompressedSize: original.count, file: arguments[2]) }
    best = min(best, monotonicSeconds() - start)
    guard decoded.elementsEqual(original) else { print("decoded bytes differ from the original"); exit(1) }
}
report("a new array each time", best)

// Into one reused buffer: the decoder alone, without allocation and page faults.
var output = [UInt8](repeating: 0, count: original.count)
best = .infinity
for _ in 0..<repetitions {
    let start = monotonicSeconds()
    try compressed.withUnsafeBytes { input in
        try output.withUnsafeMutableBytes { try codec.decompress(input, into: $0, file: arguments[2]) }
    }
    best = min(best, monotonicSeconds() - start)
}
guard output.elementsEqual(original) else { print("decoded bytes differ from the original"); exit(1) }
report("into a reused buffer", best)
