import Config
import Models
import Foundation

/// The `lm_eval` entry of results.json for a run of several tasks, in the layout of lm-eval
/// 0.4.13's results file: `results` (every task in run order, then every group, children
/// before parents), `groups` (those with an aggregate), `group_subtasks`, `configs`,
/// `versions`, `n-shot`, `higher_is_better` (sorted by name, groups filled in from their
/// children as lm-eval fills them), `n-samples` and `config`.
struct LMEvalResultsLayout {
    let entries: [(String, OrderedJSON)]

    init(suite: LMEvalSuite, scores: ScoreColumns, metrics: [(String, MetricEstimate)]) {
        var results: [(String, OrderedJSON)] = []
        var versions: [(String, OrderedJSON)] = []
        var nShot: [String: OrderedJSON] = [:]
        var higher: [String: [(String, Bool?)]] = [:]
        var samples: [(String, OrderedJSON)] = []
        var configs: [(String, OrderedJSON)] = []
        var config: OrderedJSON = .null
        var sampleLen: [String: Int] = [:]
        var leafValues: [String: [String: OrderedJSON]] = [:]

        for leaf in suite.leaves {
            let name = leaf.definition.name
            let prefix = name + "/"
            let rows = scores.rows(prefixed: prefix)
            let own = metrics.compactMap { key, estimate in key.hasPrefix(prefix) ? (String(key.dropFirst(prefix.count)), estimate) : nil }
            guard case .object(let top)? = leaf.extraResults(rows, metrics: own).first?.1 else { continue }
            func field(_ key: String) -> OrderedJSON? {
                guard case .object(let pairs)? = top.first(where: { $0.0 == key })?.1 else { return top.first { $0.0 == key }?.1 }
                return pairs.first?.1
            }
            if let entry = field("results") {
                results.append((name, entry))
                if case .object(let pairs) = entry {
                    leafValues[name] = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
                }
            }
            versions.append((name, field("versions") ?? .null))
            nShot[name] = field("n-shot") ?? .int(0)
            higher[name] = leaf.definition.metrics.map { ($0.name, $0.higherIsBetter) }
            samples.append((name, field("n-samples") ?? .null))
            if config == .null { config = top.first { $0.0 == "config" }?.1 ?? .null }
            configs.append((name, .object(leaf.definition.keysForResults.map { ($0.0, $0.1) })))
            sampleLen[name] = rows.count
        }

        let groups = suite.tree?.groupsBottomUp ?? []
        var groupEntries: [(String, OrderedJSON)] = []
        for group in groups {
            var entry: [(String, OrderedJSON)] = [("alias", .string(group.alias ?? group.name)), ("name", .string(group.name))]
            let keys = LMEvalSuite.groupKeys(group, leaves: suite.leaves, leafIndex: suite.leafIndex)
            if !group.aggregates.isEmpty {
                entry.append(("sample_len", .int(group.leafNames.reduce(0) { $0 + (sampleLen[$1] ?? 0) })))
                var counts: [(String, OrderedJSON)] = []
                for (key, _) in keys {
                    let (metric, filter) = Self.split(key)
                    guard let estimate = metrics.first(where: { $0.0 == "\(group.name)/\(key)" })?.1, estimate.count > 0 else { continue }
                    entry.append(("\(metric),\(filter)", Self.number(estimate.value)))
                    entry.append(("\(metric)_stderr,\(filter)", estimate.standardError.map(Self.number) ?? .string("N/A")))
                    counts.append(("\(metric),\(filter)", .int(estimate.count)))
                }
                if !counts.isEmpty { entry.append(("sample_count", .object(counts))) }
                groupEntries.append((group.name, .object(entry)))
            }
            results.append((group.name, .object(entry)))
            versions.append((group.name, .string(group.version.map(PythonText.str) ?? "N/A")))
        }

        // lm-eval's order of groups: each requested group, then its subgroups depth first.
        var topDown: [LMEvalTaskTree.Group] = []
        func visit(_ node: LMEvalTaskTree.Node) {
            guard case .group(let group) = node else { return }
            if !topDown.contains(where: { $0.name == group.name }) { topDown.append(group) }
            group.children.forEach(visit)
        }
        suite.tree?.roots.forEach(visit)
        for group in topDown {
            let values = Set(group.childNames.compactMap { nShot[$0].map { "\($0)" } })
            if values.count == 1, let child = group.childNames.first(where: { nShot[$0] != nil }) { nShot[group.name] = nShot[child] }
            var merged: [(String, Bool?)] = []
            for child in group.childNames {
                for (metric, better) in higher[child] ?? [] {
                    if let i = merged.firstIndex(where: { $0.0 == metric }) {
                        if merged[i].1 != nil, merged[i].1 != better { merged[i].1 = nil }
                    } else {
                        merged.append((metric, better))
                    }
                }
            }
            if !merged.isEmpty { higher[group.name] = merged }
        }

        var out: [(String, OrderedJSON)] = [("results", .object(results))]
        if !groupEntries.isEmpty { out.append(("groups", .object(groupEntries))) }
        out.append(("group_subtasks", .object(topDown.map { ($0.name, .array($0.childNames.map(OrderedJSON.string))) })))
        out.append(("configs", .object(configs.sorted { $0.0 < $1.0 })))
        out.append(("versions", .object(versions.sorted { $0.0 < $1.0 })))
        out.append(("n-shot", .object(nShot.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })))
        out.append(("higher_is_better", .object(higher.sorted { $0.key < $1.key }.map { name, pairs in
            (name, .object(pairs.map { ($0.0, $0.1.map(OrderedJSON.bool) ?? .null) }))
        })))
        out.append(("n-samples", .object(samples)))
        out.append(("config", config))
        entries = [("lm_eval", .object(out))]
    }

    static func split(_ key: String) -> (String, String) {
        guard let comma = key.firstIndex(of: ",") else { return (key, "none") }
        return (String(key[..<comma]), String(key[key.index(after: comma)...]))
    }

    static func number(_ x: Double) -> OrderedJSON { x.isFinite ? .double(x) : .string(PythonText.float(x)) }
}
