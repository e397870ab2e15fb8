/// The overrides that tell a sweep's jobs apart, for `summary.csv` and `report.html` alike.
public enum SweptOverrides {
    /// Override keys whose values differ between jobs, or that some jobs lack, in first-seen order.
    ///
    /// - Parameter jobs: each job's overrides as typed (`seed=1`).
    public static func keys(_ jobs: [[String]]) -> [String] {
        var keys: [String] = []
        var values: [String: Set<String>] = [:]
        for overrides in jobs {
            for (key, value) in overrides.map(split) {
                if values[key] == nil { keys.append(key) }
                values[key, default: []].insert(value)
            }
        }
        return keys.filter { key in
            (values[key]?.count ?? 0) > 1 || jobs.contains { !$0.map { split($0).key }.contains(key) }
        }
    }

    /// `key=value` as its two sides (an override without `=`, such as `~key`, is all key).
    public static func split(_ override: String) -> (key: String, value: String) {
        guard let equals = override.firstIndex(of: "=") else { return (override, "") }
        return (String(override[..<equals]), String(override[override.index(after: equals)...]))
    }
}
