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
            // As Hydra: select first, then resolve only what is printed; a scalar prints bare.
            let path = (part == .hydra ? KeyPath.root : selected).appending(KeyPath(parsing: package))
            guard let subtree = (part == .hydra ? node : whole).node(at: path), subtree.value != .null else {
                let keys = node.mapping?.keys.filter { $0 != "hydra" } ?? []
                var hint = "top-level keys: \(keys.joined(separator: ", "))"
                hint = DidYouMean.hint(package, among: keys) ?? hint
                throw ConfigError(.keyNotFound, "package '\(package)' not found in config", keyPath: package, hint: hint)
            }
            if !subtree.isContainer {
                var resolver = Resolver(root: whole, hydraNode: composition.hydra)
                let value = try resolver.resolvedNode(at: part == .hydra ? KeyPath(["hydra"] + path.components) : path)
                let secret = Redactor.isSecretKey(path.last ?? "") && value.string.map { !$0.isEmpty } == true
                return (secret ? Redactor.mask : ConfigValueText.text(value.value)) + "\n"
            }
            header = "# @package \(package)\n"
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
