/// A number in a `range(...)` sweep: Python keeps integers and floats apart, and so does Hydra
/// (`range(1,3)` sweeps `1, 2`; `range(1.0,3)` sweeps `1.0, 2.0`).
public enum RangeNumber: Sendable, Equatable {
    case int(Int)
    case float(Double)

    init?(_ value: ConfigValue) {
        switch value {
        case .int(let i): self = .int(i)
        case .double(let d): self = .float(d)
        default: return nil
        }
    }

    /// The number as a config value: `.int` or `.double`.
    var value: ConfigValue {
        switch self {
        case .int(let i): return .int(i)
        case .float(let d): return .double(d)
        }
    }

    var double: Double {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        }
    }

    var isZero: Bool { double == 0 }
    var isNegative: Bool { double < 0 }

    var magnitude: RangeNumber {
        switch self {
        case .int(let i): return i == .min ? .float(-Double(i)) : .int(abs(i))
        case .float(let d): return .float(abs(d))
        }
    }

    var negated: RangeNumber {
        switch self {
        case .int(let i): return i == .min ? .float(-Double(i)) : .int(-i)
        case .float(let d): return .float(-d)
        }
    }

    /// Python's `+`: integers stay integers (here: while they fit), anything else is a float.
    static func + (a: RangeNumber, b: RangeNumber) -> RangeNumber {
        if case .int(let x) = a, case .int(let y) = b {
            let (sum, overflow) = x.addingReportingOverflow(y)
            if !overflow { return .int(sum) }
        }
        return .float(a.double + b.double)
    }

    static func - (a: RangeNumber, b: RangeNumber) -> RangeNumber { a + b.negated }

    static func > (a: RangeNumber, b: RangeNumber) -> Bool {
        if case .int(let x) = a, case .int(let y) = b { return x > y }
        return a.double > b.double
    }
}

/// `range(start, stop, step)` as Hydra enumerates it: Python's `range` when all three are
/// integers, else Hydra's `FloatRange`, which steps in `Decimal` and converts each value
/// with `float()`.
public struct SweepRange: Sendable, Equatable {
    public var start: RangeNumber
    public var stop: RangeNumber
    public var step: RangeNumber

    /// The most values one range may produce; Hydra would enumerate `range(0, 1e12)` for hours.
    public static let maximumCount = 1_000_000

    public init(start: RangeNumber, stop: RangeNumber, step: RangeNumber) {
        self.start = start
        self.stop = stop
        self.step = step
    }

    public enum Failure: Error, Equatable {
        case notFinite
        case tooMany
    }

    /// The values in order, as config values.
    public func values() throws(Failure) -> [ConfigValue] {
        var result: [ConfigValue] = []
        if case .int(let first) = start, case .int(let end) = stop, case .int(let delta) = step {
            var current = first
            while (delta > 0 && current < end) || (delta < 0 && current > end) {
                result.append(.int(current))
                guard result.count <= Self.maximumCount else { throw .tooMany }
                let (next, overflow) = current.addingReportingOverflow(delta)
                if overflow { break }
                current = next
            }
            return result
        }
        guard let first = decimal(start), let end = decimal(stop), let delta = decimal(step) else { throw .notFinite }
        let ascending = !delta.isNegative
        var current = first
        while ascending ? current < end : end < current {
            result.append(.double(current.doubleValue))
            guard result.count <= Self.maximumCount else { throw .tooMany }
            current = current + delta
        }
        return result
    }

    private func decimal(_ n: RangeNumber) -> PythonDecimal? {
        switch n {
        case .int(let i): return PythonDecimal(i)
        case .float(let d): return PythonDecimal(exactly: d)
        }
    }

    /// Hydra's `sort(range(...))`: a descending range is turned around (`range(5,1,-1)` becomes
    /// `range(2,6,1)`), with Python's arithmetic on the bounds.
    public func sorted(reverse: Bool) -> SweepRange {
        var copy = self
        if !reverse, start > stop {
            copy.start = stop + step.magnitude
            copy.stop = start + step.magnitude
            copy.step = step.negated
        } else if reverse, stop > start {
            copy.start = stop - step.magnitude
            copy.stop = start - step.magnitude
            copy.step = step.negated
        }
        return copy
    }
}
