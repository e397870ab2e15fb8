import Config

/// Which launcher runs a sweep, read from `hydra.launcher._target_` as Hydra reads it.
enum LauncherKind {
    /// One job after another in this process.
    case basic
    /// One Slurm job array.
    case slurm

    static let targets: [String: LauncherKind] = ["runner.launcher.basic": .basic, "runner.launcher.slurm": .slurm]

    init(_ hydra: ConfigNode) throws(ConfigError) {
        guard let node = hydra.node(at: "launcher._target_") else {
            self = .basic
            return
        }
        guard case .string(let target) = node.value, let kind = Self.targets[target] else {
            throw ConfigError(.invalidValue, "unknown launcher '\(PythonFormat.str(node.value))' in hydra.launcher._target_",
                              keyPath: "hydra.launcher._target_", location: node.location,
                              hint: "choose a launcher with hydra/launcher=basic or hydra/launcher=slurm; a launcher config of your own starts with 'defaults: [slurm]'")
        }
        self = kind
    }
}
