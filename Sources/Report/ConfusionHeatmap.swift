import Foundation
import Models

/// A classification job's confusion matrix as a heat map (rows: gold, columns: predicted, the
/// darker the more items), with each class's F1, both from `results.json`.
struct ConfusionHeatmap {
    var labels: [String]
    var columns: [String]
    var rows: [[Int]]
    var f1: [String: Double]

    /// Nil when the job is not a classification (no `confusion_matrix` in its results).
    init?(results: JSONValue) {
        guard let matrix = results["confusion_matrix"],
              let labels = matrix["labels"]?.arrayValue?.compactMap(\.stringValue),
              let columns = matrix["predicted_columns"]?.arrayValue?.compactMap(\.stringValue),
              let rows = matrix["rows"]?.arrayValue?.map({ $0.arrayValue?.compactMap(\.intValue) ?? [] }),
              rows.count == labels.count, rows.allSatisfy({ $0.count == columns.count }) else { return nil }
        self.labels = labels
        self.columns = columns
        self.rows = rows
        var f1: [String: Double] = [:]
        for label in labels { f1[label] = results["per_class"]?[label]?["f1"]?.doubleValue }
        self.f1 = f1
    }

    var html: String {
        let largest = max(1, rows.flatMap { $0 }.max() ?? 1)
        var out = "<table class=\"heat\"><thead><tr><th class=\"text\">gold \\ predicted</th>"
        out += columns.map { "<th>\(escape($0))</th>" }.joined() + "<th>F1</th></tr></thead><tbody>"
        for (label, counts) in zip(labels, rows) {
            out += "<tr><th class=\"text\">\(escape(label))</th>"
            for (column, count) in zip(columns, counts) {
                let shade = Double(count) / Double(largest)
                // Blue for the diagonal (right), red elsewhere; white text on dark cells.
                let (r, g, b) = column == label ? (31.0, 111.0, 235.0) : (214.0, 39.0, 40.0)
                let mix = { (c: Double) in Int(255 - (255 - c) * shade) }
                let colour = "rgb(\(mix(r)),\(mix(g)),\(mix(b)))"
                out += "<td class=\"cell\" style=\"background:\(colour);color:\(shade > 0.55 ? "#fff" : "#111")\" title=\"gold \(escape(label)), predicted \(escape(column)): \(count)\">\(count)</td>"
            }
            out += "<td>\(f1[label].map { String(format: "%.3f", $0) } ?? "")</td></tr>"
        }
        return out + "</tbody></table>"
    }
}
