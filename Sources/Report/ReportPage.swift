import Config
import Foundation
import Models
import Mustache

/// `report.html` for a run or a sweep: the numbers of each job's `results.json` (as written),
/// plots of the main metrics against the swept values, confusion matrices, paired comparisons
/// between jobs on the same task, and a browser over the samples.
public struct ReportPage {
    public var source: ReportSource
    public var version: String

    /// Pairs are precomputed for sweeps up to this many jobs (n(n-1)/2 comparisons).
    static let maximumComparedJobs = 40

    public init(source: ReportSource, version: String) {
        self.source = source
        self.version = version
    }

    /// Writes `report.html` in the source folder (whole or not at all); its path.
    @discardableResult
    public func write() throws -> String {
        let path = source.directory + "/report.html"
        if let reason = FileSystem.writeWhole(Array(try html().utf8), to: path) {
            throw ReportSource.Failure(description: "cannot write \(path): \(reason)", hint: "check that the folder is writable")
        }
        return path
    }

    public func html() throws -> String {
        let template = try MustacheTemplate(string: ReportTemplate.page)
        return template.render(context())
    }

    /// The overrides that differ between jobs: the same columns as summary.csv.
    var sweptKeys: [String] { SweptOverrides.keys(source.jobs.map(\.overrides)) }

    /// `model.params.temperature` as `temperature`, for legends.
    static func shortKey(_ key: String) -> String {
        String(key.split(separator: ".").last ?? Substring(key))
    }

    static func value(_ job: ReportJob, _ key: String) -> String {
        job.overrides.map(SweptOverrides.split).last { $0.key == key }?.value ?? ""
    }

    /// Metrics with intervals over all jobs: each job's main metric first.
    var metricNames: [String] {
        var names: [String] = []
        for job in source.jobs { for name in job.metricNames where !names.contains(name) { names.append(name) } }
        return names
    }

    func context() -> [String: Any] {
        let swept = source.kind == .sweep ? sweptKeys : []
        let metrics = metricNames
        let title = source.kind == .sweep
            ? "Sweep: \(source.jobs.count) jobs" + (swept.isEmpty ? "" : " over " + swept.joined(separator: ", "))
            : "Run: \(source.jobs[0].results["model"]?.stringValue ?? "model") on \(source.jobs[0].task)"
        var columns: [[String: Any]] = [["name": "job", "kind": "text"]]
        columns += swept.map { ["name": $0, "kind": "text"] }
        let showTask = !swept.contains { $0.hasSuffix("task") }
        if showTask { columns += [["name": "task", "kind": "text"]] }
        columns += metrics.map { ["name": $0, "kind": "num"] }
        // Safety checks' flagged rates, when a job ran them (`+safety=...`).
        let safetyStages = ["prompt", "output"].filter { stage in source.jobs.contains { $0.results["safety"]?[stage] != nil } }
        columns += safetyStages.map { ["name": "flagged \($0)s", "kind": "num"] }
        columns += ["items", "errored", "null", "skipped", "cached", "tokens", "cost $", "items/s", "status"].map { ["name": $0, "kind": $0 == "status" ? "text" : "num"] }
        // Why a job failed or stopped, or what its numbers need read with (a high null rate):
        // a failed job is a row too, never a hole in the table.
        let showReason = source.jobs.contains { Self.reason($0) != nil }
        if showReason { columns += [["name": "reason", "kind": "text"]] }
        for index in columns.indices { columns[index]["index"] = index }

        // The best of each metric: the highest among jobs of the same task.
        var best: [String: [String: Double]] = [:]
        for job in source.jobs {
            for name in metrics {
                guard let value = job.results["metrics"]?[name]?["value"]?.doubleValue else { continue }
                best[job.taskKey, default: [:]][name] = max(best[job.taskKey]?[name] ?? -.infinity, value)
            }
        }
        let rows: [[String: Any]] = source.jobs.map { job in
            var cells: [[String: Any]] = [cell(job.label, sort: String(job.number ?? 0), kind: "text")]
            cells += swept.map { cell(Self.value(job, $0), kind: "text") }
            if showTask { cells.append(cell(job.task, kind: "text")) }
            for name in metrics {
                guard let entry = job.results["metrics"]?[name], let value = entry["value"]?.doubleValue else {
                    cells.append(cell("", sort: "", kind: "num"))
                    continue
                }
                var c = cell(Self.format(value), sort: "\(value)", kind: "num",
                             title: "\(name) = \(value) (results.json), n = \(entry["n"]?.intValue ?? 0)")
                if let low = entry["ci_low"]?.doubleValue, let high = entry["ci_high"]?.doubleValue {
                    c["ci"] = "[\(Self.format(low)), \(Self.format(high))]"
                }
                if value == best[job.taskKey]?[name], source.jobs.count > 1 { c["best"] = true }
                cells.append(c)
            }
            for stage in safetyStages {
                guard let entry = job.results["safety"]?[stage], let rate = entry["flagged_rate"]?.doubleValue else {
                    cells.append(cell("", sort: "", kind: "num"))
                    continue
                }
                var c = cell(Self.format(rate), sort: "\(rate)", kind: "num",
                             title: "\(entry["flagged"]?.intValue ?? 0) of \(entry["checked"]?.intValue ?? 0) \(stage)s flagged (results.json)")
                if let low = entry["ci_low"]?.doubleValue, let high = entry["ci_high"]?.doubleValue { c["ci"] = "[\(Self.format(low)), \(Self.format(high))]" }
                cells.append(c)
            }
            let counts = job.results["counts"]
            for key in ["items", "errored", "null", "skipped", "cached"] {
                let n = counts?[key]?.intValue ?? 0
                cells.append(cell(String(n), sort: String(n), kind: "num"))
            }
            let tokens = job.results["tokens"]
            let total = (tokens?["prompt"]?.intValue ?? 0) + (tokens?["completion"]?.intValue ?? 0)
            cells.append(cell(String(total), sort: String(total), kind: "num",
                              title: "prompt \(tokens?["prompt"]?.intValue ?? 0), completion \(tokens?["completion"]?.intValue ?? 0)"))
            if let cost = tokens?["cost_usd"]?.doubleValue {
                cells.append(cell(String(format: "%.4f", cost), sort: "\(cost)", kind: "num", title: "saved by the cache: \(tokens?["saved_by_cache_usd"]?.doubleValue ?? 0)"))
            } else {
                cells.append(cell("", sort: "", kind: "num", title: "no pricing in the model config"))
            }
            let rate = job.results["timings"]?["items_per_second"]?.doubleValue ?? 0
            cells.append(cell(String(format: "%.1f", rate), sort: "\(rate)", kind: "num"))
            cells.append(cell(job.results["status"]?.stringValue ?? "", kind: "text"))
            if showReason { cells.append(cell(Self.reason(job) ?? "", kind: "text")) }
            return ["job": job.number ?? 0, "cells": cells]
        }

        let plots = makePlots(swept: swept)
        let confusion: [[String: Any]] = source.jobs.compactMap { job in
            ConfusionHeatmap(results: job.results).map { ["label": "\(job.label) · \(job.task)", "html": $0.html] }
        }
        let pairs = makePairs()
        let jobOptions: [[String: Any]] = source.jobs.map { job in
            let values = swept.map { "\($0)=\(Self.value(job, $0))" }.joined(separator: " ")
            return ["job": job.number ?? 0, "label": job.label + (values.isEmpty ? "" : " " + values)]
        }
        let interval = source.jobs.first?.results["confidence_interval"]?.stringValue ?? "as in results.json"
        let notes = self.notes()
        return [
            "title": title, "version": version, "directory": source.directory, "jobCount": source.jobs.count,
            "singleJob": source.jobs.count == 1, "generated": ISO8601DateFormatter().string(from: Date()),
            "sweep": source.kind == .sweep, "columns": columns, "rows": rows, "interval": interval,
            "notes": notes, "hasNotes": !notes.isEmpty,
            "plots": plots.map { ["svg": $0.svg] }, "hasPlots": !plots.isEmpty,
            "confusion": confusion, "hasConfusion": !confusion.isEmpty,
            "hasPairs": source.jobs.count > 1 && !pairs.isEmpty, "jobOptions": jobOptions,
            "data": dataJSON(pairs: pairs),
        ]
    }

    /// `stop_reason`, else the warnings, of a job's results.json.
    static func reason(_ job: ReportJob) -> String? {
        if let reason = job.results["stop_reason"]?.stringValue { return reason }
        let warnings = job.results["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return warnings.isEmpty ? nil : warnings.joined(separator: "; ")
    }

    /// The jobs that failed, stopped or warn, for the notes above the table.
    func notes() -> [[String: Any]] {
        source.jobs.compactMap { job in
            guard let reason = Self.reason(job) else { return nil }
            let status = job.results["status"]?.stringValue ?? ""
            return ["label": job.label + (status == "completed" ? "" : " " + status), "text": reason, "failed": status != "completed"]
        }
    }

    private func cell(_ text: String, sort: String? = nil, kind: String, title: String = "") -> [String: Any] {
        ["text": text, "sort": sort ?? text, "kind": kind, "title": title]
    }

    static func format(_ x: Double) -> String { x.isFinite ? String(format: "%.4f", x) : "" }

    /// For each metric, against each swept key with two or more values; one series per value of
    /// the next swept key (when there is one).
    func makePlots(swept: [String]) -> [SVGPlot] {
        guard source.kind == .sweep else { return [] }
        var plots: [SVGPlot] = []
        let axes = swept.filter { key in Set(source.jobs.map { Self.value($0, key) }).count > 1 }
        for metric in metricNames.prefix(4) {
            for (index, key) in axes.prefix(3).enumerated() {
                let seriesKey = axes.count > 1 ? axes[(index + 1) % axes.count] : nil
                var order: [String] = []
                var grouped: [String: [SVGPlot.Point]] = [:]
                for job in source.jobs {
                    guard let entry = job.results["metrics"]?[metric], let y = entry["value"]?.doubleValue else { continue }
                    let name = seriesKey.map { "\(Self.shortKey($0))=\(Self.value(job, $0))" } ?? metric
                    if grouped[name] == nil { order.append(name) }
                    grouped[name, default: []].append(SVGPlot.Point(
                        x: Self.value(job, key), y: y, low: entry["ci_low"]?.doubleValue ?? .nan,
                        high: entry["ci_high"]?.doubleValue ?? .nan, job: job.number ?? 0))
                }
                // A metric that only one value of the key has (a task's own metric against +task) says nothing.
                guard Set(order.flatMap { grouped[$0]!.map(\.x) }).count > 1 else { continue }
                plots.append(SVGPlot(title: "\(metric) by \(key)", xLabel: key, yLabel: metric,
                                     series: order.map { SVGPlot.Series(name: $0, points: grouped[$0]!) }))
            }
        }
        return plots
    }

    /// Every pair of jobs on the same task, when the sweep is small enough.
    func makePairs() -> [String: PairedComparison] {
        guard source.jobs.count > 1, source.jobs.count <= Self.maximumComparedJobs else { return [:] }
        let scores: [[String: Double]] = source.jobs.map { job in
            var byID: [String: Double] = [:]
            for line in job.sampleLines {
                // JSONSerialization, not JSONValue's Decodable: several times faster on many lines.
                guard let sample = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      sample["status"] as? String == "scored", let id = sample["id"] as? String,
                      let score = (sample["score"] as? NSNumber)?.doubleValue else { continue }
                byID[id] = score
            }
            return byID
        }
        var pairs: [String: PairedComparison] = [:]
        for i in source.jobs.indices {
            for j in source.jobs.indices where j > i && source.jobs[i].taskKey == source.jobs[j].taskKey {
                let comparison = PairedComparison(scores[i], scores[j])
                guard comparison.items > 0 else { continue }
                pairs["\(source.jobs[i].number ?? 0)-\(source.jobs[j].number ?? 0)"] = comparison
            }
        }
        return pairs
    }

    /// The data the script needs, as JSON safe inside `<script>`: the samples as written (one
    /// array per job) and the comparisons.
    func dataJSON(pairs: [String: PairedComparison]) -> String {
        var out = "{\"samples\":{"
        for (index, job) in source.jobs.enumerated() {
            if index > 0 { out += "," }
            out += "\"\(job.number ?? 0)\":["
            for (number, line) in job.sampleLines.enumerated() {
                if number > 0 { out += "," }
                out += Self.scriptSafe(line)
            }
            out += "]"
        }
        out += "},\"pairs\":{"
        func number(_ x: Double?) -> String { x.map { $0.isFinite ? "\($0)" : "null" } ?? "null" }
        func ids(_ list: [String]) -> String {
            let shown = list.prefix(50).map { Self.scriptSafe(JSONValue.string($0).canonicalString) }.joined(separator: ",")
            return "{\"count\":\(list.count),\"ids\":[\(shown)]}"
        }
        out += pairs.keys.sorted().map { key in
            let p = pairs[key]!
            return "\"\(key)\":{\"items\":\(p.items),\"only_first\":\(ids(p.onlyFirst)),\"only_second\":\(ids(p.onlySecond)),"
                + "\"difference\":\(number(p.difference)),\"low\":\(number(p.low)),\"high\":\(number(p.high)),\"mcnemar_p\":\(number(p.mcnemarP))}"
        }.joined(separator: ",")
        out += "}}"
        return out
    }

    /// `</script>` inside a string would end the script early; `<\/` is the same JSON string.
    static func scriptSafe(_ json: String) -> String {
        var json = json
        let needsEscape = json.withUTF8 { buffer in
            buffer.count > 1 && (0..<buffer.count - 1).contains { buffer[$0] == UInt8(ascii: "<") && buffer[$0 + 1] == UInt8(ascii: "/") }
        }
        guard needsEscape else { return json }
        let bytes = Array(json.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        for (index, byte) in bytes.enumerated() {
            out.append(byte)
            if byte == UInt8(ascii: "<"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") { out.append(UInt8(ascii: "\\")) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
