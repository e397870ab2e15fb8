import Foundation
import Models

/// lm-eval's results table (`lm_eval.utils.make_table`), from a results object in lm-eval's
/// layout (our `results.json`'s `lm_eval` entry, or lm-eval's own `results_<date>.json`):
/// tasks and groups in lm-eval's tree order, each indented one space per level below its
/// group, one row per metric and filter, metrics sorted, `↑`/`↓` from `higher_is_better`.
public enum LMEvalTable {
    /// The Tasks table, then the Groups table when there are groups, as `lm_eval` prints them.
    public static func printed(_ results: TemplateValue) -> String {
        var out = text(results, column: "results") + "\n"
        if let groups = results.field("groups"), case .object(let pairs) = groups, !pairs.isEmpty {
            out += text(results, column: "groups") + "\n"
        }
        return out
    }

    /// One table: `column` is `"results"` (Tasks) or `"groups"` (Groups).
    public static func text(_ results: TemplateValue, column: String) -> String {
        let headers = [column == "groups" ? "Groups" : "Tasks", "Version", "Filter", "n-shot", "Metric", "", "Value", "", "Stderr"]
        let entries = results.field(column)?.objectPairs ?? []
        let subtasks = (results.field("group_subtasks")?.objectPairs ?? []).map { ($0.0, ($0.1.arrayItems ?? []).compactMap(\.stringValue)) }
        let (depths, order) = hierarchy(subtasks, available: Set(entries.map(\.0)))
        var rows: [[MarkdownTableCell]] = []
        for key in order {
            guard let entry = entries.first(where: { $0.0 == key })?.1.objectPairs else { continue }
            var name = entry.first { $0.0 == "alias" }?.1.stringValue ?? key
            let depth = depths[key] ?? 0
            if depth > 0 { name = String(repeating: " ", count: depth) + "- " + name }
            var version = cell(results.field("versions")?.field(key)) ?? .text("    N/A")
            let shots = results.field("n-shot")?.field(key).map(pythonStr) ?? " "
            let better = results.field("higher_is_better")?.field(key)
            let metrics = entry.filter { !["alias", "name", "sample_len", "sample_count"].contains($0.0) }
                .sorted { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) }
            var label = name
            for (key, value) in metrics {
                let (metric, filter) = split(key)
                if metric.hasSuffix("_stderr") { continue }
                var arrow = ""
                if case .bool(let b)? = better?.field(metric) { arrow = b ? "↑" : "↓" }
                let shown = formatted(value)
                if let se = metrics.first(where: { $0.0 == metric + "_stderr," + filter })?.1 {
                    let seText = se.stringValue == "N/A" ? "   N/A" : formattedStderr(se)
                    rows.append([.text(label), version, .text(filter), .text(shots), .text(metric), .text(arrow), shown, .text("±"), .text(seText)])
                } else {
                    rows.append([.text(label), version, .text(filter), .text(shots), .text(metric), .text(arrow), shown, .text(""), .text("")])
                }
                label = ""
                version = .text("")
            }
        }
        return MarkdownTable(headers: headers, rows: rows).text
    }

    /// lm-eval's `_build_hierarchy_info`: roots (groups that are nobody's child) in name
    /// order, each followed by its children in name order, then the rest in name order.
    static func hierarchy(_ subtasks: [(String, [String])], available: Set<String>) -> ([String: Int], [String]) {
        var depths: [String: Int] = [:]
        var order: [String] = []
        let children = Dictionary(subtasks, uniquingKeysWith: { $1 })
        func visit(_ name: String, _ depth: Int) {
            depths[name] = depth
            if available.contains(name) { order.append(name) }
            for child in (children[name] ?? []).sorted(by: pythonLess) { visit(child, depth + 1) }
        }
        let all = Set(children.values.flatMap { $0 })
        for name in children.keys.sorted(by: pythonLess) where !all.contains(name) { visit(name, 0) }
        for key in available.sorted(by: pythonLess) where depths[key] == nil { order.append(key) }
        return (depths, order)
    }

    /// Python's string order (by code point).
    static func pythonLess(_ a: String, _ b: String) -> Bool { a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) }

    static func split(_ key: String) -> (String, String) {
        guard let comma = key.firstIndex(of: ",") else { return (key, "") }
        return (String(key[..<comma]), String(key[key.index(after: comma)...]))
    }

    /// `f"{v:.4f}"` for a float, the value itself otherwise.
    static func formatted(_ value: TemplateValue) -> MarkdownTableCell {
        switch value {
        case .double(let d): return .text(fourPlaces(d))
        case .int(let i): return .integer(i)
        case .string(let s): return .text(s)
        default: return .text(pythonStr(value))
        }
    }

    /// `f"{se:.4f}"`: a float, or an int (Python formats both).
    static func formattedStderr(_ value: TemplateValue) -> String {
        switch value {
        case .double(let d): return fourPlaces(d)
        case .int(let i): return fourPlaces(Double(i))
        case .string(let s): return Double(s).map(fourPlaces) ?? s
        default: return pythonStr(value)
        }
    }

    static func fourPlaces(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return String(format: "%.4f", d)
    }

    static func cell(_ value: TemplateValue?) -> MarkdownTableCell? {
        switch value {
        case .double(let d)?: return .float(d)
        case .int(let i)?: return .integer(i)
        case .string(let s)?: return .text(s)
        case nil: return nil
        case let other?: return .text(pythonStr(other))
        }
    }

    static func pythonStr(_ value: TemplateValue) -> String {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return PythonText.float(d)
        case .bool(let b): return b ? "True" : "False"
        case .none: return "None"
        default: return PythonText.jsonDumps(value)
        }
    }
}

extension TemplateValue {
    /// A mapping's value under `key`, nil when absent (not Jinja's undefined).
    func field(_ key: String) -> TemplateValue? {
        if case .object(let pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    var objectPairs: [(String, TemplateValue)]? {
        if case .object(let pairs) = self { return pairs }
        return nil
    }

    var arrayItems: [TemplateValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
