import Config

/// `--cfg job|hydra|all`: the composed config as YAML, optionally resolved or narrowed to a package.
enum ConfigPrinter {
    static func render(_ composition: Composition, part: RunnerOptions.ConfigPart, resolve: Bool, package: String?) throws(ConfigError) -> String {
        var node: ConfigNode
        switch part {
        case .job: node = composition.config
        case .hydra: node = ConfigNode(.mapping(ConfigMapping([("hydra", composition.hydra)])))
        case .all:
            var all = ConfigNode(.mapping(ConfigMapping([("hydra", composition.hydra)])))
            all.merge(composition.config)
            node = all
        }
        if resolve {
            var whole = composition.config
            whole.setNode(composition.hydra, at: "hydra")
            var resolver = Resolver(root: whole, hydraNode: composition.hydra)
            var resolved = try resolver.resolveAll()
            if part == .job { resolved.removeNode(at: "hydra") }
            if part == .hydra { resolved = ConfigNode(.mapping(ConfigMapping([("hydra", resolved.node(at: "hydra")!)]))) }
            node = resolved
        }
        var header = ""
        if let package, !package.isEmpty {
            guard let selected = node.node(at: KeyPath(parsing: package)) else {
                let keys = node.mapping?.keys ?? []
                var hint = "top-level keys: \(keys.joined(separator: ", "))"
                if let guess = DidYouMean.closest(to: package, in: keys) { hint = "did you mean '\(guess)'?" }
                throw ConfigError(.keyNotFound, "--package '\(package)' is not in the config", keyPath: package, hint: hint)
            }
            node = selected
            header = "# @package \(package)\n"
        }
        return header + YAMLEmitter().emit(Redactor.redact(node))
    }
}
