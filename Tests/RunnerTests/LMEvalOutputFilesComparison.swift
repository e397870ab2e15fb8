import Foundation
import Models
import Testing
@testable import Tasks

/// Our lm-eval-layout files (`<run>/lm_eval/<model>/results_<date>.json` and
/// `samples_<task>_<date>.jsonl`) against the files lm-eval wrote for the same run: the same
/// keys in the same order (top level, `config`, each task's results, each samples line), one
/// samples line per document and filter in lm-eval's order, the same documents, requests,
/// answers and per-line metric values (loglikelihoods within 1e-3 as the parity tests allow),
/// and lm-eval's printed table from our file.
enum LMEvalOutputFilesComparison {
    static func parse(_ data: Data) throws -> TemplateValue { try PythonJSON.parse(Substring(String(decoding: data, as: UTF8.self))) }

    static func compare(_ run: String, out: String, recordedResults: Data, recordedSamples: Data, recordedTable: Data?) throws {
        let root = out + "/lm_eval"
        let models = try FileManager.default.contentsOfDirectory(atPath: root)
        try #require(models.count == 1, "\(run): one model folder in \(root)")
        let folder = root + "/" + models[0]
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let resultsName = try #require(files.first { $0.hasPrefix("results_") && $0.hasSuffix(".json") }, "\(run): results_<date>.json")
        #expect(resultsName.range(of: #"^results_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(\.\d{6})?\.json$"#, options: .regularExpression) != nil)
        let ours = try parse(Data(contentsOf: URL(fileURLWithPath: folder + "/" + resultsName)))
        let theirs = try parse(recordedResults)
        #expect(ours.objectPairs?.map(\.0) == theirs.objectPairs?.map(\.0), "\(run): results file keys in lm-eval's order")
        #expect(ours.field("config")?.objectPairs?.map(\.0) == theirs.field("config")?.objectPairs?.map(\.0), "\(run): config keys")
        for (task, entry) in theirs.field("results")?.objectPairs ?? [] {
            let mine = ours.field("results")?.field(task)
            #expect(mine?.objectPairs?.map(\.0) == entry.objectPairs?.map(\.0), "\(run): results.\(task) keys in order")
        }
        for key in ["n-shot", "n-samples", "higher_is_better"] {
            #expect(ours.field(key) == theirs.field(key), "\(run): \(key)")
        }

        let task = try #require(theirs.field("results")?.objectPairs?.first?.0)
        let samplesName = try #require(files.first { $0.hasPrefix("samples_\(task)_") }, "\(run): samples_\(task)_<date>.jsonl")
        let mineLines = try String(contentsOfFile: folder + "/" + samplesName, encoding: .utf8).split(separator: "\n").map { try PythonJSON.parse($0) }
        let theirLines = try String(decoding: recordedSamples, as: UTF8.self).split(separator: "\n").map { try PythonJSON.parse($0) }
        #expect(mineLines.count == theirLines.count, "\(run): one line per document and filter")
        // The recorded fixtures dropped the three hashes (record.sh): compare the other fields.
        let hashes: Set<String> = ["doc_hash", "prompt_hash", "target_hash"]
        for (mine, expected) in zip(mineLines, theirLines) {
            let place = "\(run) doc \(expected.field("doc_id").map { "\($0)" } ?? "?") filter \(expected.field("filter")?.stringValue ?? "?")"
            #expect(mine.objectPairs?.map(\.0).filter { !hashes.contains($0) } == expected.objectPairs?.map(\.0), "\(place): fields in order")
            for key in ["doc_id", "doc", "target", "arguments", "filter", "metrics"] {
                #expect(mine.field(key) == expected.field(key), "\(place): \(key)")
            }
            for key in ["resps", "filtered_resps"] {
                #expect(close(mine.field(key), expected.field(key), tolerance: 1e-3), "\(place): \(key)")
            }
            for name in (expected.field("metrics")?.arrayItems ?? []).compactMap(\.stringValue) {
                let loose = name.contains("perplexity") || name == "bits_per_byte"
                #expect(close(mine.field(name), expected.field(name), tolerance: loose ? 1e-3 : 0, sameType: true), "\(place): \(name)")
            }
        }

        if let recordedTable {
            let table = LMEvalTable.text(ours, column: "results")
            let expected = String(decoding: recordedTable, as: UTF8.self)
            if expected.contains("perplexity") || expected.contains("bits_per_byte") {
                // Perplexities exponentiate float32 noise: the same rows, numbers aside.
                #expect(table.split(separator: "\n").count == expected.split(separator: "\n").count, "\(run): table rows")
            } else {
                #expect(table == expected, "\(run): lm-eval's table")
            }
        }
    }

    /// Equal values, numbers (and numeric strings, as lm-eval stringifies loglikelihoods)
    /// within `tolerance`, relative beyond magnitude 1; with `sameType`, an int stays an int.
    static func close(_ a: TemplateValue?, _ b: TemplateValue?, tolerance: Double, sameType: Bool = false) -> Bool {
        switch (a, b) {
        case (.array(let x)?, .array(let y)?):
            return x.count == y.count && zip(x, y).allSatisfy { close($0, $1, tolerance: tolerance, sameType: sameType) }
        case (.string(let x)?, .string(let y)?):
            if x == y { return true }
            guard let p = Double(x), let q = Double(y) else { return false }
            return abs(p - q) <= tolerance * max(1, abs(q))
        case (.int(let x)?, .int(let y)?): return x == y
        case (.double(let x)?, .double(let y)?): return x == y || abs(x - y) <= tolerance * max(1, abs(y))
        case (.int(let x)?, .double(let y)?), (.double(let y)?, .int(let x)?):
            return !sameType && Double(x) == y
        default: return a == b
        }
    }
}
