#if canImport(Glibc)
import Glibc
#endif
import Columnar
import Foundation

// Parquet decode speed: reads FILE (bench/parquet_decode.py writes it) to RowBatches, row group
// by row group, and prints rows/s and the peak RSS (VmHWM), which should not grow with the file.
//
// Usage: ParquetBenchmark [--json] [FILE]   (--json: one JSON line, as bench/parquet.sh reads)

let arguments = CommandLine.arguments.dropFirst()
let json = arguments.contains("--json")
let path = arguments.first { $0 != "--json" } ?? "/tmp/parquet_bench.parquet"

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// A /proc/self/status field, e.g. VmHWM (peak RSS, which counts the mapped file's pages read)
/// or RssAnon (memory of our own, without the mapped file).
func status(_ field: String) -> String {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return "?" }
    return status.split(separator: "\n").first { $0.hasPrefix(field + ":") }.map { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().joined(separator: " ") } ?? "?"
}

func anonymousKB() -> Int { status("RssAnon").split(separator: " ").first.flatMap { Int($0) } ?? 0 }

let start = monotonicSeconds()
let file = try ParquetFile(path: path)
var rows = 0
var batches = 0
var peakAnonymous = 0
try file.forEachBatch { batch in
    rows += batch.rows.count
    batches += 1
    peakAnonymous = max(peakAnonymous, anonymousKB())
}
let elapsed = monotonicSeconds() - start
func kilobytes(_ field: String) -> Int { status(field).split(separator: " ").first.flatMap { Int($0) } ?? 0 }
if json {
    print(#"{"reader": "runner ParquetFile.forEachBatch", "rows": \#(rows), "seconds": \#(elapsed), "rows_per_s": \#(Int(Double(rows) / elapsed)), "vmhwm_kb": \#(kilobytes("VmHWM")), "peak_rss_anon_kb": \#(peakAnonymous)}"#)
    exit(0)
}
print("ParquetFile.forEachBatch: \(rows) rows in \(batches) row groups, \(String(format: "%.2f", elapsed)) s = \(Int(Double(rows) / elapsed)) rows/s, peak RSS (VmHWM, includes the mapped file) \(status("VmHWM")), peak RssAnon at batch ends \(peakAnonymous) kB")
