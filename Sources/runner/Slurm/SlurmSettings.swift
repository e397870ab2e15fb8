import Config

/// `hydra.launcher` for `hydra/launcher=slurm`: the settings of Hydra's `submitit_slurm`, read
/// from the resolved node with one clear error per wrong value.
struct SlurmSettings: Equatable {
    /// One `#SBATCH --name=value` line (`cpus-per-task`, `4`); an empty value writes `--name` alone.
    struct Option: Equatable {
        var name: String
        var value: String
    }

    /// sbatch options in the order they are written.
    var sbatchOptions: [Option] = []
    var folder: String
    var name: String
    var arrayParallelism: Int
    var signalDelaySeconds: Int
    var maxNumTimeout: Int
    var stderrToStdout: Bool
    var setup: [String]
    var wait: Bool
    var pollInterval: Double

    /// Hydra's keys that map one to one onto an sbatch option, in submitit's order.
    static let directOptions: [(key: String, option: String, isInteger: Bool)] = [
        ("timeout_min", "time", true), ("nodes", "nodes", true), ("tasks_per_node", "ntasks-per-node", true),
        ("cpus_per_task", "cpus-per-task", true), ("gpus_per_node", "gpus-per-node", false), ("partition", "partition", false),
        ("qos", "qos", false), ("account", "account", false), ("comment", "comment", false), ("constraint", "constraint", false),
        ("exclude", "exclude", false), ("gres", "gres", false), ("cpus_per_gpu", "cpus-per-gpu", true),
        ("gpus_per_task", "gpus-per-task", false), ("mem_per_gpu", "mem-per-gpu", false), ("mem_per_cpu", "mem-per-cpu", false),
    ]

    static let otherKeys = ["_target_", "slurm_folder", "mem_gb", "name", "stderr_to_stdout", "signal_delay_s", "max_num_timeout",
                            "additional_parameters", "array_parallelism", "setup", "wait", "poll_interval_s"]

    /// - Parameter node: `hydra.launcher`, resolved.
    /// - Throws: ``ConfigError`` naming `hydra.launcher.<key>` for unknown keys and wrong values.
    init(_ node: ConfigNode) throws(ConfigError) {
        let reader = Reader(node: node)
        try reader.refuseUnknownKeys(Self.directOptions.map(\.key) + Self.otherKeys)
        folder = try reader.string("slurm_folder") ?? ".slurm"
        name = try reader.string("name") ?? "runner"
        sbatchOptions.append(Option(name: "job-name", value: name))
        for (key, option, isInteger) in Self.directOptions {
            if isInteger {
                if let value = try reader.integer(key, minimum: 0) { sbatchOptions.append(Option(name: option, value: String(value))) }
            } else if let value = try reader.scalarText(key) {
                sbatchOptions.append(Option(name: option, value: value))
            }
        }
        if let gigabytes = try reader.integer("mem_gb", minimum: 0) { sbatchOptions.append(Option(name: "mem", value: "\(gigabytes)GB")) }
        if let extra = node.node(at: "additional_parameters"), extra.value != .null {
            guard let mapping = extra.mapping else {
                throw reader.wrongType("additional_parameters", "a mapping of sbatch options, such as {mail-type: END}")
            }
            for (key, value) in mapping {
                // sbatch spells its options with dashes; submitit's users often write underscores.
                let option = key.replacingAll("_", with: "-")
                guard !option.isEmpty, option.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                    throw ConfigError(.invalidValue, "'\(key)' in hydra.launcher.additional_parameters is not an sbatch option",
                                      keyPath: "hydra.launcher.additional_parameters.\(key)", location: value.location,
                                      hint: "write the option's long name without the leading '--', such as mail-user")
                }
                let text = try reader.scalarText("additional_parameters.\(key)") ?? ""
                sbatchOptions.append(Option(name: option, value: text))
            }
        }
        arrayParallelism = try reader.integer("array_parallelism", minimum: 1) ?? 256
        signalDelaySeconds = try reader.integer("signal_delay_s", minimum: 0) ?? 120
        maxNumTimeout = try reader.integer("max_num_timeout", minimum: 0) ?? 0
        stderrToStdout = try reader.bool("stderr_to_stdout") ?? false
        wait = try reader.bool("wait") ?? true
        pollInterval = try reader.number("poll_interval_s", minimum: 0.05) ?? 5
        setup = try reader.lines("setup")
    }

    /// Reads typed values under `hydra.launcher`, with errors at the key's file and line.
    private struct Reader {
        let node: ConfigNode

        func refuseUnknownKeys(_ known: [String]) throws(ConfigError) {
            for (key, value) in node.mapping ?? ConfigMapping() where !known.contains(key) {
                var hint = "the Slurm launcher's settings are: \(known.filter { $0 != "_target_" }.sorted().joined(separator: ", "))"
                hint = DidYouMean.hint(key, among: known, renamed: ["submitit_folder": "slurm_folder"], shown: { "hydra.launcher.\($0)" }, then: hint)
                throw ConfigError(.keyNotFound, "unknown Slurm launcher setting 'hydra.launcher.\(key)'",
                                  keyPath: "hydra.launcher.\(key)", location: value.location, hint: hint)
            }
        }

        private func value(_ key: String) -> ConfigNode? {
            guard let found = node.node(at: KeyPath(parsing: key)), found.value != .null else { return nil }
            return found
        }

        func wrongType(_ key: String, _ expected: String) -> ConfigError {
            let found = node.node(at: KeyPath(parsing: key))
            return ConfigError(.typeMismatch, "hydra.launcher.\(key) must be \(expected), not \(found.map { PythonFormat.str($0.value) } ?? "nothing")",
                               keyPath: "hydra.launcher.\(key)", location: found?.location,
                               hint: "set it on the command line: hydra.launcher.\(key)=VALUE")
        }

        func integer(_ key: String, minimum: Int) throws(ConfigError) -> Int? {
            guard let found = value(key) else { return nil }
            guard case .int(let n) = found.value, n >= minimum else { throw wrongType(key, "a whole number of at least \(minimum)") }
            return n
        }

        func number(_ key: String, minimum: Double) throws(ConfigError) -> Double? {
            guard let found = value(key) else { return nil }
            let x: Double
            switch found.value {
            case .int(let n): x = Double(n)
            case .double(let d): x = d
            default: throw wrongType(key, "a number of seconds")
            }
            guard x.isFinite, x >= minimum else { throw wrongType(key, "a number of seconds, at least \(minimum)") }
            return x
        }

        func bool(_ key: String) throws(ConfigError) -> Bool? {
            guard let found = value(key) else { return nil }
            guard case .bool(let b) = found.value else { throw wrongType(key, "true or false") }
            return b
        }

        /// A string or number as sbatch reads it; a newline could start a line of its own in
        /// the job script, so it is refused.
        func scalarText(_ key: String) throws(ConfigError) -> String? {
            guard let found = value(key) else { return nil }
            let text: String
            switch found.value {
            case .string(let s): text = s
            case .int, .double, .bool: text = PythonFormat.str(found.value)
            default: throw wrongType(key, "a string or a number")
            }
            guard !text.contains("\n"), !text.contains("\r") else { throw wrongType(key, "one line") }
            return text
        }

        func string(_ key: String) throws(ConfigError) -> String? {
            guard let found = value(key) else { return nil }
            guard case .string(let s) = found.value, !s.contains("\n") else { throw wrongType(key, "a string on one line") }
            return s
        }

        func lines(_ key: String) throws(ConfigError) -> [String] {
            guard let found = value(key) else { return [] }
            switch found.value {
            case .string(let s): return [s]
            case .sequence(let items):
                return try items.map { (item) throws(ConfigError) -> String in
                    guard case .string(let s) = item.value else { throw wrongType(key, "a list of shell lines") }
                    return s
                }
            default: throw wrongType(key, "a list of shell lines")
            }
        }
    }
}
