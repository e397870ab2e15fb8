import Config

/// `--help`: the config groups with their options, the composed default config, the override
/// syntax and the flags.
enum Help {
    /// - Parameters:
    ///   - overrides: the command line's overrides; the config shown is composed with them, as Hydra's is.
    ///   - resolve: `--resolve`: show the config resolved.
    /// - Throws: a ``ConfigError`` when the overrides do not compose or, with `resolve`, when an
    ///   interpolation cannot be resolved (also one that reaches a `???`, as Hydra's help fails).
    static func text(composer: Composer, overrides: [Override] = [], resolve: Bool = false) throws(ConfigError) -> String {
        let repository = composer.repository
        var out = "runner: compose a configuration Hydra's way, then evaluate a model on a task.\n\n"
        out += "Usage: runner [OPTIONS] [OVERRIDES...]\n\n"
        out += "== Configuration groups ==\nCompose your configuration from those groups (group=option)\n\n"
        let groups = repository.allGroups()
        if groups.isEmpty { out += "(none)\n" }
        for group in groups {
            let options = repository.options(ofGroup: group)
            if options.isEmpty { continue }
            out += "\(group): \(options.joined(separator: ", "))\n"
        }
        out += "\n\n== Config ==\nOverride anything in the config (foo.bar=value)\n\n"
        // Without overrides a tree that needs a choice still gets its help; with them the user
        // asked for that config, so its errors are reported.
        let composition = overrides.isEmpty ? try? composer.compose(overrides: [], skipMissing: true)
            : try composer.compose(overrides: overrides, skipMissing: true)
        if let composition {
            var config = composition.config
            if resolve, let keys = config.mapping?.keys {
                // Only the job's keys, with `hydra` beside them for `${hydra:...}`.
                var whole = config
                whole.setNode(composition.hydra, at: "hydra")
                var resolver = Resolver(root: whole, hydraNode: composition.hydra)
                resolver.keepsMissingInterpolations = false
                for key in keys { _ = config.setNode(try resolver.resolvedNode(at: KeyPath([key])), at: KeyPath([key])) }
            }
            out += YAMLEmitter().emit(Redactor.redact(config))
        } else {
            out += "(the default config does not compose on its own; see 'runner --cfg job ...')\n"
        }
        out += """

        == Overrides ==
        (the examples go after +model=openai_chat +task=mcq)
          key=value           change a value that exists      model.params.temperature=0.7
          +key=value          add a key that does not exist   +model.params.context_window=128000
          ++key=value         add or change                   ++task.dataset.limit=50
          ~key  ~key=value    remove a key (if it has value)  ~model.params.n
          group=option        change a group's option         model=local_chat
          +group=option       add a group                     +model=openai_chat +task=mcq
          group@pkg=option    put the option at a package     +model@judge=openai_chat
          ~group              remove a group                  ~task
        Values: 1, 1e-3, .5, inf, nan, true, null, 'quoted', "quoted", hello world,
                [a,b], {a:1,b:[2,3]}, ${other.key}, ${oc.env:VAR,default}
        Sweeps (with -m): a,b,c  choice(a,b)  range(1,10,2)  range(0,1,0.25)  glob(*)  glob(a*,exclude=ab)

        == Options ==
          --cfg, -c job|hydra|all     print the composed config and exit
          --resolve                   resolve ${...} interpolations when printing
          --package, -p PKG           print only this part of the config
          --info, -i [all|config|defaults|defaults-tree|searchpath]
                                      describe how the config was composed
          --multirun, -m              run one job per combination of the sweeps
          --config-path, -cp DIR      the config tree (default: conf)
          --config-name, -cn NAME     the primary config (default: config)
          --config-dir, -cd DIR       another config tree searched first
          --run-job JOB_DIR           run the job recorded in a sweep's job folder (what a Slurm task runs)
          --collect SWEEP_DIR         wait for a Slurm sweep (hydra/launcher=slurm) and gather its results
          --verbose / --quiet         more or less output
          (runner report PATH writes report.html for a run or sweep folder; runner cache shows a cache)
          (runner lm-eval list [PATTERN] lists lm-eval's task, group and tag names)
          --version                   print the version
          --help, -h                  this help

        Runs write outputs/<date>/<time>/ (multirun: multirun/<date>/<time>/<job>/) with
        .hydra/config.yaml, .hydra/overrides.yaml and .hydra/hydra.yaml.
        A sweep runs its jobs here one after another; hydra/launcher=slurm submits it as one
        Slurm job array (settings: runner --cfg hydra hydra/launcher=slurm).

        """
        return out
    }
}
