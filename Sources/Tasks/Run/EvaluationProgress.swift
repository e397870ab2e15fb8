/// Counts for a progress display, sent after every finished item.
public struct EvaluationProgress: Sendable, Equatable {
    public var total: Int
    public var done = 0
    public var cached = 0
    public var retries = 0
    public var skipped = 0
    public var errors = 0
    public var elapsed: Duration = .zero

    public init(total: Int) { self.total = total }

    /// Items per second so far.
    public var rate: Double { elapsed.seconds > 0 ? Double(done) / elapsed.seconds : 0 }

    /// Seconds left at the current rate, when known.
    public var eta: Double? {
        guard done > 0, rate > 0 else { return nil }
        return Double(total - done) / rate
    }
}
