/// Turns a multirun command line into one override list per job, as Hydra's basic sweeper does.
///
/// Each override contributes a list of alternatives (one for a plain override); jobs are their
/// cartesian product, the last override varying fastest. A later override of the same key
/// replaces an earlier one in its position.
public enum SweepExpander {
    /// The most jobs one sweep may have (the product of every override's alternatives).
    public static let maximumJobs = 1_000_000

    /// - Returns: The override list of every job, in job order.
    /// - Throws: ``ConfigError`` for sweeps the basic sweeper cannot run (`interval`) or that
    ///   select nothing.
    public static func expand(_ overrides: [Override], repository: ConfigRepository) throws(ConfigError) -> [[Override]] {
        var order: [String] = []
        var alternatives: [String: [Override]] = [:]
        for override in overrides {
            let key = override.keyElement
            if alternatives[key] == nil { order.append(key) }
            alternatives[key] = try values(of: override, repository: repository)
        }
        var count = 1
        for key in order {
            let (product, overflow) = count.multipliedReportingOverflow(by: alternatives[key]!.count)
            count = product
            guard !overflow, count <= maximumJobs else {
                throw ConfigError(.sweep, "the sweep has more than \(maximumJobs) jobs",
                                  location: overrides.last?.location, hint: "sweep fewer values, or split the sweep into several runs")
            }
        }
        var jobs: [[Override]] = [[]]
        for key in order {
            let options = alternatives[key]!
            var next: [[Override]] = []
            next.reserveCapacity(jobs.count * options.count)
            for job in jobs {
                for option in options { next.append(job + [option]) }
            }
            jobs = next
        }
        return jobs
    }

    /// The sweep a config defines under `hydra.sweeper.params` (Hydra 1.2+), as overrides to put
    /// before the command line's: a command-line sweep of the same key replaces one of these in
    /// its place, other keys are crossed with them.
    ///
    /// - Parameter hydra: The composed `hydra` node.
    public static func configuredSweep(_ hydra: ConfigNode) throws(ConfigError) -> [Override] {
        guard let params = hydra.node(at: "sweeper.params"), params.value != .null else { return [] }
        guard let mapping = params.mapping else {
            throw ConfigError(.typeMismatch, "hydra.sweeper.params must be a mapping of keys to sweeps",
                              keyPath: "hydra.sweeper.params", location: params.location, hint: "for example  params: {seed: 1,2,3}")
        }
        var overrides: [Override] = []
        for (key, node) in mapping {
            let text: String
            switch node.value {
            case .string(let s): text = s
            case .int, .bigInt, .double, .bool: text = PythonFormat.str(node.value)
            default:
                throw ConfigError(.typeMismatch, "hydra.sweeper.params.\(key) must be a sweep written as text, such as '1,2,3'",
                                  keyPath: "hydra.sweeper.params.\(key)", location: node.location)
            }
            do {
                overrides.append(try OverrideParser.parse(key + "=" + text))
            } catch {
                var located = error
                located.location = node.location
                located.message += " (from hydra.sweeper.params)"
                throw located
            }
        }
        return overrides
    }

    static func values(of override: Override, repository: ConfigRepository) throws(ConfigError) -> [Override] {
        func make(_ node: ConfigNode, _ text: String) -> Override {
            var copy = override
            let input = override.keyElement + "=" + text
            var located = node
            located.location = .commandLine(input)
            copy.value = .element(located, text: text)
            copy.input = input
            return copy
        }
        switch override.value {
        case nil, .element?:
            return [override]
        case .choice(let elements)?:
            return elements.map { make($0.node, $0.text) }
        case .range(let range)?:
            let values: [ConfigValue]
            do {
                values = try range.values()
            } catch .tooMany {
                throw ConfigError(.sweep, "'\(override.input)' gives more than \(SweepRange.maximumCount) values",
                                  location: override.location, hint: "use a larger step or a smaller range")
            } catch {
                throw ConfigError(.sweep, "the bounds of '\(override.input)' must be finite numbers",
                                  location: override.location)
            }
            // An empty range gives no jobs at all, as in Hydra (the runner warns).
            return values.map { make(ConfigNode($0), SweepText.element($0)) }
        case .glob(let include, let exclude)?:
            let options = repository.options(ofGroup: override.key)
            let selected = options.filter { name in
                include.contains { Glob.matches(name, pattern: $0) } && !exclude.contains { Glob.matches(name, pattern: $0) }
            }
            // Matching nothing gives no jobs, as in Hydra (the runner warns).
            return selected.map { make(ConfigNode(.string($0)), $0) }
        case .interval?:
            throw ConfigError(.sweep, "the basic sweeper cannot sweep an interval: '\(override.input)'",
                              location: override.location, hint: "use range(start, stop, step) or choice(...) instead")
        }
    }
}

/// Shell-style pattern matching (`*`, `?`, `[abc]`, `[!abc]`), as Python's `fnmatch`.
enum Glob {
    static func matches(_ name: String, pattern: String) -> Bool {
        match(Array(name.unicodeScalars)[...], Array(pattern.unicodeScalars)[...])
    }

    private static func match(_ s: ArraySlice<Unicode.Scalar>, _ p: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        switch first {
        case "*":
            var rest = s
            while true {
                if match(rest, p.dropFirst()) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        case "?":
            return !s.isEmpty && match(s.dropFirst(), p.dropFirst())
        case "[":
            guard let c = s.first, let close = p.dropFirst(2).firstIndex(of: "]") else {
                return s.first == "[" && match(s.dropFirst(), p.dropFirst())
            }
            var set = p[p.index(after: p.startIndex)..<close]
            var negate = false
            if set.first == "!" { negate = true; set = set.dropFirst() }
            var found = false
            var i = set.startIndex
            while i < set.endIndex {
                if i + 2 < set.endIndex, set[i + 1] == "-" {
                    if set[i].value <= c.value && c.value <= set[i + 2].value { found = true }
                    i += 3
                } else {
                    if set[i] == c { found = true }
                    i += 1
                }
            }
            return found != negate && match(s.dropFirst(), p[(close + 1)...])
        default:
            return s.first == first && match(s.dropFirst(), p.dropFirst())
        }
    }
}
