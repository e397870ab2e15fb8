import Config

/// `--cfg job|hydra|all`: the composed config as YAML, optionally resolved or narrowed to a package.
enum ConfigPrinter {
    static func render(_ composition: Composition, part: RunnerOptions.ConfigPart, resolve: Bool, package: String?) throws(ConfigError) -> String {
        // The tree the printed part lives in: job keys, with `hydra` beside them when asked.
        var whole = composition.config
        whole.setNode(composition.hydra, at: "hydra")
        var selected: KeyPath
        var node: ConfigNode
        switch part {
        case .job:
            selected = .root
            node = composition.config
        case .hydra:
            selected = "hydra"
            node = ConfigNode(.mapping(ConfigMapping([("hydra", composition.hydra)])))
        case .all:
            selected = .root
            var all = ConfigNode(.mapping(ConfigMapping([("hydra", composition.hydra)])))
            all.merge(composition.config)
            node = all
        }
        var header = ""
        if let package, !package.isEmpty {
            // As Hydra: select first, then resolve only what is printed; an absent package prints {}.
            header = "# @package \(package)\n"
            let path = (part == .hydra ? KeyPath.root : selected).appending(KeyPath(parsing: package))
            guard let subtree = (part == .hydra ? node : whole).node(at: path) else {
                return header + "{}\n"
            }
            selected = path
            node = subtree
        }
        if resolve {
            var resolver = Resolver(root: whole, hydraNode: composition.hydra)
            if package == nil || package!.isEmpty {
                var resolved = try resolver.resolveAll()
                switch part {
                case .job: resolved.removeNode(at: "hydra")
                case .hydra: resolved = ConfigNode(.mapping(ConfigMapping([("hydra", resolved.node(at: "hydra")!)])))
                case .all: break
                }
                node = resolved
            } else {
                node = try resolver.resolvedNode(at: part == .hydra ? KeyPath(["hydra"] + selected.components) : selected)
            }
        }
        return header + YAMLEmitter().emit(Redactor.redact(node))
    }
}
