/// Configs that ship inside the runner, searched after the user's folders, as Hydra searches
/// its own `pkg://hydra.conf`: the `hydra/launcher` group, so `hydra/launcher=slurm` works on
/// any config tree, and a tree may add launchers of its own that start from ours
/// (`defaults: [slurm]` in `conf/hydra/launcher/cluster.yaml`).
public enum BuiltinConfigs {
    /// How messages name the built-in source (Hydra: `pkg://hydra.conf`).
    public static let sourceName = "pkg://runner.conf"

    /// The option every composition starts from, as Hydra's `hydra/config` chooses it.
    public static let defaultLauncher = "basic"

    /// The built-in config paths (`group/option`).
    static let paths = ["hydra/launcher/basic", "hydra/launcher/slurm", "hydra/launcher/submitit_slurm"]

    /// The YAML text of a built-in config. A switch rather than a dictionary: a `[String: String]`
    /// built at start-up would cost a scan of every conformance in the binary.
    static func text(_ configPath: String) -> String? {
        switch configPath {
        case "hydra/launcher/basic":
            return """
            # Runs the jobs of a sweep one after another in this process.
            _target_: runner.launcher.basic
            """
        case "hydra/launcher/slurm":
            return slurm
        case "hydra/launcher/submitit_slurm":
            // Hydra's own name for the same launcher, so a command written for Hydra works.
            return """
            defaults:
              - slurm
            """
        default:
            return nil
        }
    }

    /// The settings of Hydra's `submitit_slurm` launcher, with its defaults, and the runner's
    /// own few (`wait`, `poll_interval_s`, `slurm_folder`).
    private static let slurm = """
    # Submits a sweep as one Slurm job array: one array task per job.
    _target_: runner.launcher.slurm
    # Where the job script, the task list and the tasks' logs go.
    slurm_folder: ${hydra.sweep.dir}/.slurm
    timeout_min: 60
    cpus_per_task: null
    gpus_per_node: null
    tasks_per_node: 1
    mem_gb: null
    nodes: 1
    name: ${hydra.job.name}
    stderr_to_stdout: false
    partition: null
    qos: null
    comment: null
    constraint: null
    exclude: null
    gres: null
    cpus_per_gpu: null
    gpus_per_task: null
    mem_per_gpu: null
    mem_per_cpu: null
    account: null
    # Seconds before the time limit at which a task is told (SIGUSR2) and requeues itself.
    signal_delay_s: 120
    # How many times a task that reaches its time limit is requeued; it resumes from the cache.
    max_num_timeout: 0
    # Other sbatch options, as {option: value} without the leading '--'.
    additional_parameters: {}
    # At most this many array tasks run at once (sbatch --array=0-N%P).
    array_parallelism: 256
    # Shell lines run in the job script before the runner starts (module load ..., source ...).
    setup: null
    # Wait for the array and write summary.csv; false submits and returns at once.
    wait: true
    # Seconds between two looks at squeue while waiting.
    poll_interval_s: 5
    """

    /// The options of a built-in group, sorted.
    static func options(ofGroup group: String) -> [String] {
        let prefix = group + "/"
        return paths.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
            .map { String($0.dropFirst(prefix.count)) }.sorted()
    }

    /// True for `hydra` and `hydra/launcher`: folders the built-in source has.
    static func groupExists(_ group: String) -> Bool {
        paths.contains { $0.hasPrefix(group + "/") }
    }

    /// The pseudo file name that error messages show for a built-in config.
    static func fileName(_ configPath: String) -> String { sourceName + "/" + configPath + ".yaml" }
}
