/// Per-class precision, recall and F1, macro-F1 and the confusion matrix of a labelled task.
///
/// An unreadable (null) prediction is a miss for its gold class and a prediction of no class,
/// so it lowers recall but no class's precision; it has its own column in the matrix.
public struct ClassificationReport: Sendable, Equatable {
    public struct ClassScores: Sendable, Equatable {
        public var label: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Items whose gold answer is this class.
        public var support: Int
    }

    public var classes: [ClassScores]
    /// The unweighted mean of F1 over classes that are gold or predicted at least once (as scikit-learn).
    public var macroF1: Double
    /// Rows: gold label; columns: predicted label, then `null`.
    public var labels: [String]
    public var confusion: [[Int]]

    public init(labels: [String], pairs: [(gold: String, prediction: String?)]) {
        self.init(labels: labels, counts: pairs.map { ($0.gold, $0.prediction, 1) })
    }

    /// The report from how often each (gold, prediction) pair occurs, the pairs in the order
    /// they first occur (labels outside `labels` are added in that order).
    public init(labels: [String], counts: [(gold: String, prediction: String?, count: Int)]) {
        var labels = labels
        for (gold, prediction, _) in counts {
            if !labels.contains(gold) { labels.append(gold) }
            if let prediction, !labels.contains(prediction) { labels.append(prediction) }
        }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: labels.count + 1), count: labels.count)
        for (gold, prediction, count) in counts {
            confusion[index[gold]!][prediction.flatMap { index[$0] } ?? labels.count] += count
        }
        var classes: [ClassScores] = []
        var f1s: [Double] = []
        for (i, label) in labels.enumerated() {
            let tp = confusion[i][i]
            let support = confusion[i].reduce(0, +)
            let predicted = confusion.reduce(0) { $0 + $1[i] }
            let precision = predicted == 0 ? 0 : Double(tp) / Double(predicted)
            let recall = support == 0 ? 0 : Double(tp) / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            classes.append(ClassScores(label: label, precision: precision, recall: recall, f1: f1, support: support))
            if support > 0 || predicted > 0 { f1s.append(f1) }
        }
        self.labels = labels
        self.confusion = confusion
        self.classes = classes
        macroF1 = f1s.isEmpty ? 0 : f1s.reduce(0, +) / Double(f1s.count)
    }
}
