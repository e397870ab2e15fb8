import Diagnostics
import Foundation
import Models

/// One job's files, as the report reads them: `results.json` as written (the page shows its
/// numbers, never recomputed ones), `.hydra/overrides.yaml`'s overrides, and `samples.jsonl`.
public struct ReportJob: Sendable {
    /// Hydra's job number (the folder's name in a sweep); nil for a single run.
    public var number: Int?
    public var directory: String
    public var overrides: [String]
    public var results: JSONValue
    /// `samples.jsonl`'s complete lines, each one JSON object (a line cut short by a crash is left out).
    public var sampleLines: [String]

    public var label: String { number.map { "#\($0)" } ?? "run" }
    public var task: String { results["task"]?.stringValue ?? "" }

    /// Which jobs answer the same items, for the best marks and the paired comparisons:
    /// results.json names the task's kind (two `mcq` tasks may hold different questions), so the
    /// task option chosen (`+task=...`) and the item count are part of it.
    public var taskKey: String {
        let option = overrides.last { $0.split(separator: "=").first.map { $0.hasSuffix("task") } ?? false }
        return task + "|" + (option?.split(separator: "=", maxSplits: 1).last.map(String.init) ?? "") + "|"
            + String(results["counts"]?["items"]?.intValue ?? 0)
    }
    public var mainMetric: String? { metricNames.first }

    /// Metrics with an interval (`{value, ci_low, ci_high, n}`): the main one first, then by name.
    public var metricNames: [String] {
        let names = (results["metrics"]?.objectValue ?? [:]).filter { $0.value["value"] != nil }.keys.sorted()
        guard let main = results["main_metric"]?.stringValue, names.contains(main) else { return names }
        return [main] + names.filter { $0 != main }
    }
}

/// What `runner report PATH` reads: a run folder (holding `results.json`) or a sweep folder
/// (whose subfolders hold one each).
public struct ReportSource: Sendable {
    public enum Kind: Sendable { case run, sweep }

    public var kind: Kind
    public var directory: String
    public var jobs: [ReportJob]

    public init(kind: Kind, directory: String, jobs: [ReportJob]) {
        self.kind = kind
        self.directory = directory
        self.jobs = jobs
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public var hint: String
    }

    public static func load(_ directory: String) throws -> ReportSource {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failure(description: "'\(directory)' is not a folder", hint: "give a run folder (outputs/...) or a sweep folder (multirun/...)")
        }
        if manager.fileExists(atPath: directory + "/results.json") {
            return ReportSource(kind: .run, directory: directory, jobs: [try job(directory, number: nil)])
        }
        let names = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        let jobFolders = names.filter { !$0.hasPrefix(".") && manager.fileExists(atPath: directory + "/" + $0 + "/results.json") }
            .sorted { a, b in
                // Job folders are numbers (hydra.job.num): 2 before 10.
                switch (Int(a), Int(b)) {
                case let (x?, y?): return x < y
                case (_?, nil): return true
                case (nil, _?): return false
                default: return a < b
                }
            }
        guard !jobFolders.isEmpty else {
            throw Failure(description: "'\(directory)' holds no results.json, nor do its subfolders",
                          hint: "give the folder a run or a sweep wrote; a run still going writes results.json when it ends")
        }
        let jobs = try jobFolders.enumerated().map { index, name in
            try job(directory + "/" + name, number: Int(name) ?? index)
        }
        return ReportSource(kind: .sweep, directory: directory, jobs: jobs)
    }

    static func job(_ directory: String, number: Int?) throws -> ReportJob {
        guard let data = FileManager.default.contents(atPath: directory + "/results.json") else {
            throw Failure(description: "cannot read '\(directory)/results.json'", hint: "check the file's permissions")
        }
        let samples = try? String(contentsOfFile: directory + "/samples.jsonl", encoding: .utf8)
        var job = try ReportJob(results: data, samples: samples, directory: directory, number: number)
        if job.overrides.isEmpty, let text = try? String(contentsOfFile: directory + "/.hydra/overrides.yaml", encoding: .utf8) {
            job.overrides = text.split(separator: "\n").filter { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
        }
        return job
    }
}

extension ReportSource.Failure: UserFacingError {
    public var userError: UserError { UserError(.data, description, hint: hint) }
}

extension ReportJob {
    /// A job from the bytes of its `results.json` and the text of its `samples.jsonl`.
    ///
    /// - Throws: ``ReportSource/Failure`` when the results are not a results file.
    public init(results data: Data, samples: String?, directory: String, number: Int?) throws {
        guard let results = try? JSONValue.parse(data), results["metrics"]?.objectValue != nil else {
            throw ReportSource.Failure(description: "'\(directory)/results.json' is not a results file",
                                       hint: "it is written by the runner at the end of a run; run the job again")
        }
        var lines: [String] = []
        for line in (samples ?? "").split(separator: "\n") where JSONLine.isWholeObject(line.utf8) {
            lines.append(String(line))
        }
        self.init(number: number, directory: directory, overrides: results["overrides"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                  results: results, sampleLines: lines)
    }
}

/// A line of `samples.jsonl` is kept when it is one whole JSON object: the page parses all the
/// lines at once, so one cut short by a crash would break it. A byte scan of strings and
/// brackets, not a full parse: 100,000 lines in milliseconds.
enum JSONLine {
    static func isWholeObject<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var depth = 0
        var inString = false, escaped = false
        var index = 0, last = bytes.count - 1
        guard bytes.first == UInt8(ascii: "{") else { return false }
        for byte in bytes {
            defer { index += 1 }
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                // Control characters are never raw inside a JSON string.
                if byte < 0x20 { return false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth < 0 || (depth == 0 && index != last) { return false }
            default: break
            }
        }
        return depth == 0 && !inString
    }
}
