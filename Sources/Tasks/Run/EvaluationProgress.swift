/// Counts for a progress display, sent after every finished item.
public struct EvaluationProgress: Sendable, Equatable {
    public var total: Int
    public var done = 0
    public var cached = 0
    public var retries = 0
    public var skipped = 0
    public var errors = 0
    public var elapsed: Duration = .zero
    /// When the first item finished. The time before it is start-up (a local model loading, a
    /// connection opening), not the pace of the items: the rate is measured from here.
    public var firstFinished: Duration?

    public init(total: Int) { self.total = total }

    /// Items per second since the first one finished (or over the whole time, for the first).
    public var rate: Double {
        if let first = firstFinished, done > 1, elapsed > first { return Double(done - 1) / (elapsed - first).seconds }
        return elapsed.seconds > 0 ? Double(done) / elapsed.seconds : 0
    }

    /// Seconds left at the current rate, once two items have finished: one item's time holds
    /// the start-up and says nothing about the rest.
    public var eta: Double? {
        guard done > 1, rate > 0 else { return nil }
        return Double(total - done) / rate
    }
}
