/// One metric: its value for an item, the aggregation that makes the run's number of the
/// items' values, and which way is better.
///
/// Tasks of every kind (mcq, qa, lm-eval files) read their answers into a ``ScoredAnswer``
/// and ask the metrics they report for values; the run's number, its interval and its
/// standard error come from the metric's ``Aggregation`` (``MetricRegistry/estimate``).
/// Add a metric as one file with a type conforming to this and one line in
/// ``MetricRegistry/default``.
public protocol Metric: Sendable {
    /// The name configs and results use (`acc`, `exact_match`, `bits_per_byte`).
    var name: String { get }
    var higherIsBetter: Bool { get }
    /// The aggregation a task uses unless it names another (lm-eval's registered default).
    var aggregation: String { get }
    /// The item's value; `nil` when the metric has no meaning for this kind of answer.
    func value(_ answer: ScoredAnswer) throws(TaskError) -> MetricValue?
}

extension Metric {
    public var higherIsBetter: Bool { true }
    public var aggregation: String { "mean" }
}
