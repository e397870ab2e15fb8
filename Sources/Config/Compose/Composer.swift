/// Builds the configuration of one job from a config tree and the command line, as Hydra's
/// `compose` does.
///
/// The steps: expand defaults lists (with group overrides) into an ordered list of configs;
/// merge them, each at its package; put Hydra's own settings under `hydra`; apply the
/// remaining key overrides (`a.b=1`, `+x=2`, `++y=3`, `~z`).
///
/// ```swift
/// let composer = Composer(repository: ConfigRepository(searchPath: ["conf"]))
/// let overrides = try ["+model=openai_chat", "model.params.temperature=0.5"].map(OverrideParser.parse)
/// let composition = try composer.compose(overrides: overrides)
/// print(YAMLEmitter().emit(composition.config))
/// ```
public struct Composer {
    public var repository: ConfigRepository
    /// The primary config's name (`config` for `conf/config.yaml`); nil composes without one.
    public var configName: String?

    public init(repository: ConfigRepository, configName: String? = "config") {
        self.repository = repository
        self.configName = configName
    }

    /// Composes one job.
    ///
    /// - Parameters:
    ///   - overrides: Parsed overrides, none of them sweeps.
    ///   - skipMissing: Leave groups set to `???` out instead of failing (for reading settings before a sweep).
    /// - Throws: ``ConfigError`` naming the file, key or override at fault.
    public func compose(overrides: [Override], skipMissing: Bool = false) throws(ConfigError) -> Composition {
        let builder = try DefaultsListBuilder(repository: repository, overrides: overrides, skipMissing: skipMissing)
        let defaults = try builder.build(primaryConfig: configName)
        var merged = ConfigNode(.mapping(ConfigMapping([("hydra", HydraSettings.defaults)])))
        for item in defaults.defaults {
            guard let loaded = try repository.load(item.configPath) else { continue }
            let incoming = loaded.content.wrapped(inPackage: item.package)
            if let conflict = merged.mergeConflict(with: incoming) {
                let kinds = merged.node(at: conflict)?.mapping != nil ? ("a list", "a mapping") : ("a mapping", "a list")
                throw ConfigError(.typeMismatch, "cannot merge \(kinds.0) from '\(item.configPath)' into \(kinds.1) at '\(conflict)'",
                                  keyPath: conflict.description, location: incoming.node(at: conflict)?.location ?? loaded.content.location,
                                  hint: "make both configs use the same kind of value for '\(conflict)'")
            }
            merged.merge(incoming)
        }
        for override in defaults.configOverrides {
            do {
                try Self.apply(override, to: &merged)
            } catch where error.code == .keyNotFound {
                throw explainMissingGroup(error, override: override, in: merged, overrides: defaults.configOverrides)
            }
        }
        try Self.validateInterpolations(merged, at: .root)
        var job = merged
        let hydra = job.removeNode(at: "hydra") ?? HydraSettings.defaults
        return Composition(config: job, hydra: hydra, defaults: defaults)
    }

    /// `+modle=local_chat model.params.x=1`: the typo made a plain key (there is no group
    /// `modle`), so the later override finds no `model`. Name the typo, not the later override.
    func explainMissingGroup(_ error: ConfigError, override: Override, in config: ConfigNode, overrides: [Override]) -> ConfigError {
        guard let group = KeyPath(parsing: override.key).components.first, config.node(at: KeyPath([group])) == nil,
              repository.groupExists(group) else { return error }
        var explained = error
        explained.message = "could not override '\(override.key)': no '\(group)' was chosen"
        if let typo = overrides.first(where: { $0.kind == .add && !$0.key.contains(".") && DidYouMean.closest(to: group, in: [$0.key]) != nil }) {
            let option = typo.element.map { PythonFormat.str($0.value) } ?? "OPTION"
            explained.location = typo.location
            explained.keyPath = typo.key
            explained.hint = "'\(typo.input)' added a plain key '\(typo.key)', as there is no config group '\(typo.key)': did you mean '+\(group)=\(option)'?"
        } else {
            let options = repository.options(ofGroup: group)
            explained.hint = "'\(group)' is a config group: choose an option with '+\(group)=OPTION'"
                + (options.isEmpty ? "" : " (\(options.joined(separator: ", ")))")
        }
        return explained
    }

    /// OmegaConf refuses a malformed `${...}` as soon as the value is set, before any resolution.
    static func validateInterpolations(_ node: ConfigNode, at path: KeyPath) throws(ConfigError) {
        switch node.value {
        case .mapping(let m):
            for (key, child) in m { try validateInterpolations(child, at: path.appending(key)) }
        case .sequence(let items):
            for (index, child) in items.enumerated() { try validateInterpolations(child, at: path.appending(String(index))) }
        case .string(let s) where Interpolation.containsInterpolation(s):
            do {
                _ = try Interpolation.segments(s)
            } catch {
                throw ConfigError(.interpolation, "invalid interpolation '\(s)' at '\(path)': \(error.message)",
                                  keyPath: path.description, location: node.location,
                                  hint: "close every '${' with '}', or write '\\${' for a literal '${'")
            }
        default:
            break
        }
    }

    /// Applies one key override to a composed tree with Hydra's rules.
    public static func apply(_ override: Override, to config: inout ConfigNode) throws(ConfigError) {
        if override.package != nil {
            throw ConfigError(.groupNotFound, "'\(override.key)' is not a config group, so '@\(override.package!)' does not apply",
                              location: override.location, hint: "use '@package' only with config groups (folders of the config tree)")
        }
        let path = KeyPath(parsing: override.key)
        let existing = config.node(at: path)
        let value = override.element ?? ConfigNode(.null)
        switch override.kind {
        case .delete:
            guard let existing, existing.value != .null else {
                throw ConfigError(.keyNotFound, "could not delete '\(override.key)': no such key in the config",
                                  keyPath: override.key, location: override.location,
                                  hint: hintForMissingKey(path, in: config, fallback: "check the key's spelling"))
            }
            if let expected = override.element, expected.value != existing.value {
                throw ConfigError(.deleteMismatch,
                                  "could not delete '\(override.key)': its value is \(PythonFormat.str(existing.value)), not \(PythonFormat.str(expected.value))",
                                  keyPath: override.key, location: override.location,
                                  hint: "write '~\(override.key)' to delete it whatever its value")
            }
            config.removeNode(at: path)
        case .change:
            guard existing != nil else {
                throw ConfigError(.keyNotFound, "could not override '\(override.key)': no such key in the config",
                                  keyPath: override.key, location: override.location,
                                  hint: hintForMissingKey(path, in: config, fallback: "to add it use '+\(override.input)'", add: "+\(override.input)"))
            }
            try set(value, at: path, in: &config, override: override)
        case .add:
            // Hydra merges a dict (and replaces a list) given with '+' onto a key that exists.
            if let existing, existing.value != .null, !value.isContainer {
                throw ConfigError(.keyExists, "could not add '\(override.key)': it is already in the config",
                                  keyPath: override.key, location: override.location,
                                  hint: "to change it use '\(override.input.dropFirst())', or '+\(override.input)' to add or change")
            }
            try set(value, at: path, in: &config, override: override)
        case .forceAdd:
            try set(value, at: path, in: &config, override: override)
        }
    }

    private static func set(_ value: ConfigNode, at path: KeyPath, in config: inout ConfigNode, override: Override) throws(ConfigError) {
        if let existing = config.node(at: path), existing.mergeConflict(with: value) != nil {
            let kinds = existing.mapping != nil ? ("a list", "a mapping") : ("a mapping", "a list")
            throw ConfigError(.typeMismatch, "cannot merge \(kinds.0) into '\(override.key)', which is \(kinds.1)",
                              keyPath: override.key, location: override.location,
                              hint: "remove it first (~\(override.key)) and add it again (+\(override.input.drop { $0 == "+" }))")
        }
        var newValue = value
        if override.kind == .change, let existing = config.node(at: path), existing.mapping != nil, value.mapping != nil,
           let unknown = firstNewKey(in: value, comparedTo: existing, at: path) {
            throw ConfigError(.keyNotFound, "could not override '\(override.key)': '\(unknown)' is not in the config",
                              keyPath: unknown.description, location: override.location,
                              hint: "to add keys while merging use '++\(override.input)'; a plain override may only change keys that exist")
        }
        if var existing = config.node(at: path), existing.mapping != nil, value.mapping != nil {
            existing.merge(value)
            newValue = existing
        }
        guard config.setNode(newValue, at: path, createParents: override.kind != .change) else {
            let parent = path.parent
            let parentNode = config.node(at: parent)
            throw ConfigError(.keyNotFound,
                              "could not set '\(override.key)': '\(parent)' is \(parentNode?.kindDescription ?? "missing"), not a mapping",
                              keyPath: override.key, location: override.location,
                              hint: "change '\(parent)' itself, or pick a key inside a mapping")
        }
    }

    /// The first key of `value` (depth first) that `existing` lacks: merging it would add a key,
    /// which a plain `key=value` override may not do.
    private static func firstNewKey(in value: ConfigNode, comparedTo existing: ConfigNode, at path: KeyPath) -> KeyPath? {
        guard let theirs = value.mapping, let mine = existing.mapping else { return nil }
        for (key, child) in theirs {
            guard let current = mine[key] else { return path.appending(key) }
            if let deeper = firstNewKey(in: child, comparedTo: current, at: path.appending(key)) { return deeper }
        }
        return nil
    }

    /// "did you mean" for a key that does not exist, looking at its siblings.
    private static func hintForMissingKey(_ path: KeyPath, in config: ConfigNode, fallback: String, add: String? = nil) -> String {
        var parent = path.parent
        var lastMissing = path.last ?? ""
        // Find the deepest existing ancestor.
        while !parent.isRoot && config.node(at: parent) == nil {
            lastMissing = parent.last ?? lastMissing
            parent = parent.parent
        }
        let siblings = config.node(at: parent)?.mapping?.keys.filter { !(parent.isRoot && $0 == "hydra") } ?? []
        guard let hint = DidYouMean.hint(lastMissing, among: siblings, shown: { parent.appending($0).description }) else { return fallback }
        return hint + (add.map { " To add a new key use '\($0)'" } ?? "")
    }
}

/// The configuration of one job, with Hydra's settings and the defaults list that built it.
public struct Composition {
    /// The job's config, without the `hydra` node (what `--cfg job` prints).
    public var config: ConfigNode
    /// Hydra's settings: run and sweep directories, job name.
    public var hydra: ConfigNode
    public var defaults: DefaultsList
}

/// Hydra's settings that this runner honours, with Hydra's defaults.
public enum HydraSettings {
    public static let defaults: ConfigNode = {
        func map(_ pairs: [(String, ConfigNode)]) -> ConfigNode { ConfigNode(.mapping(ConfigMapping(pairs))) }
        func str(_ s: String) -> ConfigNode { ConfigNode(.string(s)) }
        return map([
            ("run", map([("dir", str("outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}"))])),
            ("sweep", map([("dir", str("multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}")), ("subdir", str("${hydra.job.num}"))])),
            ("job", map([("name", str("runner")), ("num", ConfigNode(.int(0))), ("override_dirname", str("")), ("id", str("")),
                         ("config", map([("override_dirname", map([("kv_sep", str("=")), ("item_sep", str(",")),
                                                                   ("exclude_keys", ConfigNode(.sequence([])))]))]))])),
            ("mode", str("RUN")),
            ("verbose", ConfigNode(.bool(false))),
        ])
    }()
}
