/// The scored items' metric values, a column per metric, in item order: what the metrics, their
/// intervals and the classification report need of a run, kept as numbers. A 100,000-item run
/// holds under 2 MB here; the texts went to `samples.jsonl` as each item finished.
///
/// Rows are written at their item's index as items finish, in any order, so the columns come
/// out in item order (resampling sees the same sequence however the answers arrived) without a
/// sort; ``compact()`` closes the gaps of items that were not scored.
///
/// ```swift
/// var scores = ScoreColumns(items: task.items.count, keepsLabels: task.classLabels != nil)
/// scores.append(score, item: 7)
/// scores.compact()
/// let accuracy = scores.values("acc")
/// ```
public struct ScoreColumns: Sendable {
    /// Rows held: scored items.
    public private(set) var count = 0
    /// Which item indices hold a row (until ``compact()``).
    private var present: [Bool]
    private var compacted = false
    private var columns: [String: [Double]] = [:]
    /// Which rows hold a value of each metric (a run of several tasks fills each task's own).
    private var holds: [String: [Bool]] = [:]
    /// Corpus-metric inputs by metric (``MetricValue`` parts); a row without any holds `[]`.
    private var corpus: [String: [[Double]]] = [:]
    private var kinds: [String: MetricValue.Kind] = [:]
    /// Gold and predicted labels as codes into `labels` (-1: no prediction), when kept.
    private let keepsLabels: Bool
    private var labels: [String] = []
    private var codes: [String: Int32] = [:]
    private var golds: [Int32] = []
    private var predictions: [Int32] = []

    /// - Parameters:
    ///   - items: the task's item count (indices are 0..<items).
    ///   - keepsLabels: keep each item's gold and predicted label for ``labelPairCounts``
    ///     (labelled tasks; free-text answers are not kept).
    public init(items: Int, keepsLabels: Bool) {
        self.keepsLabels = keepsLabels
        present = [Bool](repeating: false, count: items)
        if keepsLabels {
            golds = [Int32](repeating: -1, count: items)
            predictions = [Int32](repeating: -1, count: items)
        }
    }

    /// The columns of `scores`, the i-th the item at index i.
    public init(_ scores: [ItemScore], keepsLabels: Bool = true) {
        self.init(items: scores.count, keepsLabels: keepsLabels)
        for (index, score) in scores.enumerated() { append(score, item: index) }
        compact()
    }

    /// Records the score of the item at `index`; an index already held or out of range is ignored.
    public mutating func append(_ score: ItemScore, item index: Int) {
        guard !compacted, present.indices.contains(index), !present[index] else { return }
        present[index] = true
        count += 1
        let size = present.count
        for (name, value) in score.metrics {
            columns[name, default: [Double](repeating: 0, count: size)][index] = value
            holds[name, default: [Bool](repeating: false, count: size)][index] = true
        }
        for (name, value) in score.corpusValues {
            guard let (kind, parts) = value.corpusParts else { continue }
            corpus[name, default: [[Double]](repeating: [], count: size)][index] = parts
            kinds[name] = kind
        }
        if keepsLabels {
            golds[index] = code(score.gold)
            if let prediction = score.prediction { predictions[index] = code(prediction) }
        }
    }

    private mutating func code(_ label: String) -> Int32 {
        if let code = codes[label] { return code }
        let code = Int32(labels.count)
        labels.append(label)
        codes[label] = code
        return code
    }

    /// Drops the rows of items that were not scored, in place; call once the last item is in.
    public mutating func compact() {
        guard !compacted else { return }
        compacted = true
        let keep = present
        func close<T>(_ column: inout [T]) {
            var write = 0
            for read in column.indices where keep[read] {
                if write != read { column.swapAt(write, read) }
                write += 1
            }
            column.removeLast(column.count - write)
        }
        for name in Array(columns.keys) { close(&columns[name]!) }
        for name in Array(holds.keys) { close(&holds[name]!) }
        for name in Array(corpus.keys) { close(&corpus[name]!) }
        if keepsLabels {
            close(&golds)
            close(&predictions)
        }
        present = []
    }

    /// The metric's value per scored item; 0 where an item has none.
    public func values(_ metric: String) -> [Double] {
        guard let column = columns[metric] else { return [Double](repeating: 0, count: count) }
        return compacted ? column : zip(column, present).compactMap { $1 ? $0 : nil }
    }

    /// The rows that hold a metric named `prefix` + something, with `prefix` taken off the
    /// names: one task's own scores in a run of several (`arc_easy/acc` -> `acc`). Call after ``compact()``.
    public func rows(prefixed prefix: String) -> ScoreColumns {
        let names = columns.keys.filter { $0.hasPrefix(prefix) }
        let size = compacted ? count : present.count
        var keep = [Bool](repeating: false, count: size)
        for name in names { for (i, held) in (holds[name] ?? []).enumerated() where held && i < size { keep[i] = true } }
        for (name, inputs) in corpus where name.hasPrefix(prefix) {
            for (i, parts) in inputs.enumerated() where !parts.isEmpty && i < size { keep[i] = true }
        }
        var out = ScoreColumns(items: 0, keepsLabels: false)
        out.compacted = true
        out.count = keep.lazy.filter { $0 }.count
        func pick<T>(_ column: [T]) -> [T] { zip(column, keep).compactMap { $1 ? $0 : nil } }
        for name in names {
            let short = String(name.dropFirst(prefix.count))
            out.columns[short] = pick(columns[name]!)
            out.holds[short] = pick(holds[name]!)
        }
        for (name, inputs) in corpus where name.hasPrefix(prefix) {
            out.corpus[String(name.dropFirst(prefix.count))] = pick(inputs)
            out.kinds[String(name.dropFirst(prefix.count))] = kinds[name]
        }
        return out
    }

    /// Each scored item's value of a metric: its corpus parts where it has them, else its number.
    public func metricValues(_ metric: String) -> [MetricValue] {
        let numbers = values(metric)
        guard let inputs = corpus[metric] else { return numbers.map(MetricValue.scalar) }
        let parts = compacted ? inputs : zip(inputs, present).compactMap { $1 ? $0 : nil }
        let kind = kinds[metric]
        return numbers.indices.map { i in MetricValue(kind: kind, parts: i < parts.count ? parts[i] : [], number: numbers[i]) }
    }

    /// How often each (gold, predicted) label pair occurs (`nil`: unreadable), pairs in the
    /// order they first occur in item order; empty unless labels are kept.
    public var labelPairCounts: [(gold: String, prediction: String?, count: Int)] {
        var order: [Int64] = []
        var counts: [Int64: Int] = [:]
        for (gold, prediction) in zip(golds, predictions) {
            let key = Int64(gold) << 32 | Int64(UInt32(bitPattern: prediction))
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += 1
        }
        return order.map { key in
            let gold = Int(key >> 32), prediction = Int32(bitPattern: UInt32(truncatingIfNeeded: key))
            return (labels[gold], prediction < 0 ? nil : labels[Int(prediction)], counts[key]!)
        }
    }
}
