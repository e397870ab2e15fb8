import Foundation
import Report

/// What `runner report` reads from a job folder: `results.json`, then `samples.jsonl`.
enum ReportTargets {
    /// The input up to the first blank line is results.json, the rest samples.jsonl; two jobs
    /// of a sweep hold them, so the table, plots, heat maps and paired comparison all run.
    static func report(_ data: [UInt8]) {
        let split = data.indices.dropLast().first { data[$0] == 10 && data[$0 + 1] == 10 } ?? data.endIndex
        let results = Data(data[..<split])
        let samples = split < data.endIndex ? text(Array(data[(split + 2)...])) : nil
        shaped("report") {
            let first = try ReportJob(results: results, samples: samples, directory: "fuzz/0", number: 0)
            var second = first
            second.number = 1
            second.directory = "fuzz/1"
            second.overrides.append("seed=2")
            _ = try ReportPage(source: ReportSource(kind: .sweep, directory: "fuzz", jobs: [first, second]), version: "fuzz").html()
        }
    }
}
