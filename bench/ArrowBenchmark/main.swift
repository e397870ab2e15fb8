import Columnar
import Foundation

// Arrow IPC stream decoding speed: rows per second through ArrowStream.forEachBatch, every
// value materialised as ColumnValue rows (what the dataset loader consumes).
//
// Usage: ArrowBenchmark FILE.arrow [REPEATS]

let arguments = CommandLine.arguments
guard arguments.count > 1 else {
    print("usage: ArrowBenchmark FILE.arrow [REPEATS]")
    exit(2)
}
let repeats = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
var best = Double.infinity
var rows = 0
for _ in 0 ..< repeats {
    let start = Date()
    let stream = try ArrowStream(path: arguments[1])
    var count = 0
    try stream.forEachBatch { count += $0.rows.count }
    best = min(best, Date().timeIntervalSince(start))
    rows = count
}
print("swift ArrowStream: \(rows) rows in \(String(format: "%.3f", best)) s = \(Int(Double(rows) / best)) rows/s (best of \(repeats))")
