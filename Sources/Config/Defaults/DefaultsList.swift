/// One config to merge, in order: the final defaults list of a composition.
public struct ResultDefault: Sendable, Equatable {
    /// `db/mysql`; for `_self_` entries, the config that owns them.
    public var configPath: String
    /// Where the content goes (`""` is the top).
    public var package: String
    /// True when this entry stands for a config's own content (`_self_`).
    public var isSelf: Bool
    /// The config whose defaults list brought this entry in.
    public var parent: String?
    public var isPrimary: Bool
    /// `db` or `db@backup` for group defaults.
    public var overrideKey: String?
}

/// The result of expanding defaults lists: the ordered configs to merge, the config
/// overrides left for the composed tree, and the option chosen for each group.
public struct DefaultsList {
    public var defaults: [ResultDefault]
    public var configOverrides: [Override]
    /// Chosen option per override key (`db`, `db@backup`); nil for groups set to null.
    public var choices: [(key: String, option: String?)]
    /// The expanded tree, for `--info defaults-tree`.
    let tree: DefaultsTreeNode
}

/// Expands defaults lists into the final ordered list of configs, applying group overrides
/// from the command line (`db=x`, `+db=x`, `~db`) and from `override` entries.
struct DefaultsListBuilder {
    let repository: ConfigRepository
    let state: OverrideState
    /// When true, a group left as `???` is skipped instead of being an error (used to read
    /// sweep settings before each job picks its options).
    var skipMissing = false

    init(repository: ConfigRepository, overrides: [Override], skipMissing: Bool = false) throws(ConfigError) {
        self.repository = repository
        self.state = try OverrideState(repository: repository, overrides: overrides)
        self.skipMissing = skipMissing
    }

    /// Builds the list for a primary config (nil for an empty primary config).
    func build(primaryConfig: String?) throws(ConfigError) -> DefaultsList {
        let primary = DefaultElement(kind: .config(path: primaryConfig ?? "_empty_primary_"))
        primary.primary = true
        let root = DefaultsTreeNode(primary, parent: nil)
        try expand(root, isRoot: true, interpolated: false, emptyPrimary: primaryConfig == nil)
        try resolveDeferredInterpolations(root)
        var result: [ResultDefault] = []
        collect(root, into: &result)
        try ensureNoDuplicates(result)
        try state.ensureOverridesUsed()
        try state.ensureDeletionsUsed()
        // Choices in the order their configs are merged, then groups left empty (null, deleted).
        var order = result.compactMap(\.overrideKey)
        for key in state.knownChoiceOrder where !order.contains(key) { order.append(key) }
        let choices: [(String, String?)] = order.compactMap { key in state.knownChoices[key].map { (key, $0) } }
        return DefaultsList(defaults: result, configOverrides: state.configOverrides, choices: choices, tree: root)
    }

    private func expand(_ root: DefaultsTreeNode, isRoot: Bool, interpolated: Bool, emptyPrimary: Bool = false) throws(ConfigError) {
        let parent = root.element
        if isRoot {
            parent.updateParent(baseDir: "", package: "")
        }
        if !parent.isMissing, parent.name != nil, !emptyPrimary, let loaded = try repository.load(parent.configPath) {
            parent.setPackageHeader(loaded.packageHeader)
        }
        if state.isDeleted(parent) {
            state.markDeleted(parent)
            return
        }
        try state.setKnownChoice(parent)
        guard parent.name != nil else { return }
        if parent.isMissing {
            if skipMissing { return }
            throw missingOptionError(parent)
        }
        var entries: [DefaultElement] = []
        if emptyPrimary {
            entries = []
        } else {
            guard let loaded = try repository.load(parent.configPath) else {
                if parent.optional {
                    parent.deleted = true
                    return
                }
                throw notFoundError(root)
            }
            entries = (loaded.defaults ?? []).map(DefaultElement.init(entry:))
        }
        if isRoot {
            // Hydra's own defaults come first (its `hydra/config`), so any config or the command
            // line may override them: `override hydra/launcher: slurm`, `hydra/launcher=slurm`.
            let launcher = DefaultElement(kind: .group(group: "hydra/launcher", value: .option(BuiltinConfigs.defaultLauncher)))
            launcher.isHydraDefault = true
            entries.insert(launcher, at: 0)
        }
        if !entries.isEmpty || (isRoot && !state.appends.isEmpty) {
            try validateSelf(parent, &entries)
        }
        if isRoot { entries.append(contentsOf: state.appends) }

        // A config's own overrides (and, at the root, the command line's `+group=x` entries) are
        // registered before any child is expanded; the first registration of a key wins.
        try registerOverrides(entries, parent: parent, interpolated: interpolated)

        var children: [DefaultsTreeNode.Child] = []
        func addChild(_ element: DefaultElement) throws(ConfigError) {
            let subtree = DefaultsTreeNode(element, parent: root)
            try expand(subtree, isRoot: false, interpolated: interpolated)
            children.append(subtree.children == nil ? .leaf(element) : .node(subtree))
        }
        for element in entries.reversed() {
            if element.isSelf {
                element.updateParent(baseDir: parent.parentBaseDir ?? "", package: parent.ownPackage() ?? "")
                children.append(.leaf(element))
                continue
            }
            if element.isOverride { continue }
            if state.isOverridden(element) { state.applyOverride(to: element) }
            if case .options(let options)? = element.groupValue {
                for option in options.reversed() {
                    if option.contains("${") {
                        throw ConfigError(.defaultsList, "in '\(parent.configPath)': interpolation is not supported in a list of options",
                                          location: element.location, hint: "list the options by name")
                    }
                    let path: String
                    if element.externalAppend {
                        path = "/" + element.groupPath + "/" + option
                    } else {
                        guard case .group(let group, _) = element.kind else { continue }
                        path = group + "/" + option
                    }
                    let config = DefaultElement(kind: .config(path: path), package: element.package, location: element.location)
                    config.optional = element.optional
                    config.selectedBy = element.selectedBy
                    if element.externalAppend {
                        config.updateParent(baseDir: "", package: "")
                    } else {
                        config.updateParent(baseDir: parent.groupPath, package: parent.finalPackage())
                    }
                    try addChild(config)
                }
            } else if element.isInterpolation {
                children.append(.leaf(element))
            } else {
                try addChild(element)
            }
        }
        if !children.isEmpty { root.children = children.reversed() }
    }

    /// Adds `_self_` at the end when a config does not place it, and refuses two of them.
    private func validateSelf(_ parent: DefaultElement, _ entries: inout [DefaultElement]) throws(ConfigError) {
        var hasSelf = false
        var hasNonOverride = false
        for entry in entries {
            if !entry.isOverride { hasNonOverride = true }
            if entry.isSelf {
                if hasSelf {
                    throw ConfigError(.defaultsList, "duplicate _self_ in the defaults list of '\(parent.configPath)'",
                                      location: entry.location, hint: "keep one '- _self_' entry")
                }
                hasSelf = true
            }
        }
        if (!hasSelf && hasNonOverride) || entries.isEmpty {
            entries.append(DefaultElement(kind: .selfReference))
        }
    }

    /// Places every entry in its parent's context, checks that `override` entries come last and
    /// registers them in list order (Hydra's `_update_overrides`).
    private func registerOverrides(_ entries: [DefaultElement], parent: DefaultElement, interpolated: Bool) throws(ConfigError) {
        var lastOverride: DefaultElement?
        for entry in entries where !entry.isSelf {
            entry.updateParent(baseDir: parent.groupPath, package: parent.finalPackage())
            if let last = lastOverride, !(entry.isOverride || entry.externalAppend) {
                throw ConfigError(.defaultsList,
                                  "in '\(parent.configPath)': override '\(last.overrideKey): \(last.name ?? "null")' comes before '\(entry.overrideKey)'",
                                  location: last.location, hint: "'override' entries must be at the end of the defaults list")
            }
            if entry.isOverride {
                lastOverride = entry
                if interpolated {
                    throw ConfigError(.defaultsList,
                                      "in '\(parent.configPath)': 'override' entries are not allowed under an interpolated group option",
                                      location: entry.location, hint: "move the override to the primary config")
                }
                state.addOverride(containingConfig: parent.configPath, entry)
            }
        }
    }

    private func resolveDeferredInterpolations(_ root: DefaultsTreeNode) throws(ConfigError) {
        func resolveOne(_ tree: DefaultsTreeNode) throws(ConfigError) -> Bool {
            guard var children = tree.children else { return false }
            for index in children.indices {
                switch children[index] {
                case .node(let sub):
                    if try resolveOne(sub) { return true }
                case .leaf(let element) where element.isInterpolation && !element.deleted:
                    guard case .group(let group, .option(let template)) = element.kind else { continue }
                    let option = try interpolateChoice(template, element: element)
                    element.kind = .group(group: group, value: .option(option))
                    let subtree = DefaultsTreeNode(element, parent: tree)
                    try expand(subtree, isRoot: false, interpolated: true)
                    children[index] = subtree.children == nil ? .leaf(element) : .node(subtree)
                    tree.children = children
                    return true
                default:
                    continue
                }
            }
            return false
        }
        while try resolveOne(root) {}
    }

    /// `${db}_${server}` in a defaults list reads the options chosen for other groups.
    private func interpolateChoice(_ template: String, element: DefaultElement) throws(ConfigError) -> String {
        var result = ""
        let segments: [Interpolation.Segment]
        do { segments = try Interpolation.segments(template) } catch {
            throw ConfigError(.defaultsList, "invalid interpolation '\(template)': \(error.message)", location: element.location,
                              hint: "write ${group} to use the option chosen for another group")
        }
        for segment in segments {
            switch segment {
            case .text(let t): result += t
            case .expression(let key):
                let trimmed = String(key.trimmingWhitespace())
                guard let choice = state.knownChoices[trimmed] else {
                    throw ConfigError(.defaultsList, "cannot resolve '${\(trimmed)}' in the defaults list: no group '\(trimmed)' was chosen",
                                      location: element.location,
                                      hint: "defaults-list interpolations refer to other groups' options: \(state.knownChoiceOrder.joined(separator: ", "))")
                }
                result += choice ?? "null"
            }
        }
        return result
    }

    private func collect(_ tree: DefaultsTreeNode, into result: inout [ResultDefault]) {
        func visit(_ owner: DefaultsTreeNode?, _ element: DefaultElement) {
            if element.deleted || element.isMissing { return }
            guard element.name != nil else { return }
            if case .config(let path) = element.kind, path == "_empty_primary_" { return }
            if element.isSelf {
                guard let owner else { return }
                let ownerElement = owner.element
                if case .config(let path) = ownerElement.kind, path == "_empty_primary_" { return }
                result.append(ResultDefault(configPath: ownerElement.configPath, package: ownerElement.finalPackage(),
                                            isSelf: true, parent: owner.parent?.element.configPath,
                                            isPrimary: ownerElement.primary, overrideKey: nil))
            } else {
                result.append(ResultDefault(configPath: element.configPath, package: element.finalPackage(),
                                            isSelf: false, parent: element.isHydraDefault ? "hydra/config" : owner?.element.configPath,
                                            isPrimary: element.primary,
                                            overrideKey: element.isGroup ? element.overrideKey : nil))
            }
        }
        guard let children = tree.children, !children.isEmpty else {
            visit(tree.parent, tree.element)
            return
        }
        for child in children {
            switch child {
            case .leaf(let element): visit(tree, element)
            case .node(let sub): collect(sub, into: &result)
            }
        }
    }

    private func ensureNoDuplicates(_ result: [ResultDefault]) throws(ConfigError) {
        var seen = Set<String>()
        for item in result where !item.isSelf {
            guard let key = item.overrideKey else { continue }
            if !seen.insert(key).inserted {
                throw ConfigError(.defaultsList, "'\(key)' appears more than once in the final defaults list",
                                  keyPath: key, hint: "use 'override \(key): option' to change an option chosen earlier")
            }
        }
    }

    // MARK: Errors

    private func missingOptionError(_ element: DefaultElement) -> ConfigError {
        let key = element.overrideKey
        let options = repository.options(ofGroup: element.groupPath)
        return ConfigError(.optionRequired, "you must choose an option for '\(key)'", keyPath: key,
                           location: element.location,
                           hint: "add \(key)=<OPTION> to the command line" + (options.isEmpty ? "" : "; available options: \(options.joined(separator: ", "))"))
    }

    private func notFoundError(_ tree: DefaultsTreeNode) -> ConfigError {
        let element = tree.element
        if element.primary {
            let available = repository.options(ofGroup: "")
            var hint = "configs at the top of \(repository.searchPath.joined(separator: ", ")): \(available.isEmpty ? "none" : available.joined(separator: ", "))"
            hint = DidYouMean.hint(element.configPath, among: available, then: hint)
            return ConfigError(.primaryConfigNotFound, "cannot find the primary config '\(element.configPath)' in \(repository.searchPath.joined(separator: ", "))",
                               hint: hint)
        }
        let parentPath = tree.parent?.element.configPath
        let location = element.selectedBy.map(SourceLocation.commandLine) ?? element.location
        if element.isGroup {
            return ConfigError.unknownOption(group: element.groupPath, option: element.name ?? "", available: repository.options(ofGroup: element.groupPath),
                                             in: element.selectedBy == nil ? parentPath : nil, location: location)
        }
        let group = element.groupPath
        let available = repository.options(ofGroup: group)
        var hint = "check the path; it is relative to the folder of '\(parentPath ?? "the primary config")' unless it starts with '/'"
        hint = DidYouMean.hint(element.name ?? "", among: available, shown: { group.isEmpty ? $0 : group + "/" + $0 }) ?? hint
        return ConfigError(.fileNotFound, (parentPath.map { "in '\($0)': " } ?? "") + "could not load '\(element.configPath)'",
                           location: location, hint: hint)
    }
}
