/// What the command line and `override` entries say about the defaults list while it is
/// being expanded: chosen options, appended groups, deletions, and the options seen so far.
final class OverrideState {
    struct Metadata {
        var external: Bool
        var containingConfig: String?
        var relativeKey: String?
        var input: String?
        var location: SourceLocation?
        var used = false
    }

    struct Deletion {
        var name: String?
        var input: String
        var used = false
    }

    private(set) var choices: [String: DefaultsEntry.Value] = [:]
    private var metadata: [String: Metadata] = [:]
    private var metadataOrder: [String] = []
    private(set) var appends: [DefaultElement] = []
    private(set) var configOverrides: [Override] = []
    private(set) var knownChoices: [String: String?] = [:]
    private(set) var knownChoiceOrder: [String] = []
    private var knownChoicesPerGroup: [String: Set<String>] = [:]
    /// The `+group=option` that first chose a key, to word conflicts in terms of the command line.
    private var appendInputs: [String: String] = [:]
    private var deletions: [String: Deletion] = [:]
    private var deletionOrder: [String] = []
    let repository: ConfigRepository

    init(repository: ConfigRepository, overrides: [Override]) throws(ConfigError) {
        self.repository = repository
        for override in overrides where !override.isSweep {
            let isGroup = repository.groupExists(override.key)
            let isConfig = repository.configExists(override.key)
            let value = override.element
            let isDict = value?.mapping != nil
            let key = override.key + (override.package.map { "@" + $0 } ?? "")
            if override.kind == .delete && (isGroup || isConfig) {
                if isGroup {
                    var name: String?
                    if let value {
                        guard case .string(let s) = value.value else {
                            throw ConfigError(.overrideSyntax, "deleting a config group takes an option name, not \(value.kindDescription)",
                                              location: override.location, hint: "write ~\(key) or ~\(key)=OPTION")
                        }
                        name = s
                    }
                    addDeletion(key, Deletion(name: name, input: override.input))
                } else {
                    if value != nil {
                        throw ConfigError(.overrideSyntax, "deleting the config '\(override.key)' takes no value",
                                          location: override.location, hint: "write ~\(override.key)")
                    }
                    addDeletion(key, Deletion(name: nil, input: override.input))
                }
            } else if isDict || !isGroup {
                configOverrides.append(override)
            } else if override.kind == .forceAdd {
                throw ConfigError(.overrideSyntax, "'++' does not apply to config groups: '\(override.input)'",
                                  location: override.location,
                                  hint: "use '\(override.key)=\(value.map { PythonFormat.str($0.value) } ?? "OPTION")' to change the option or '+\(override.key)=...' to add the group")
            } else {
                let groupValue: DefaultsEntry.Value
                switch value?.value {
                case .string(let s)?: groupValue = .option(s)
                case .int?, .bigInt?, .double?, .bool?: groupValue = .option(PythonFormat.str(value!.value))
                case .sequence(let items)?:
                    groupValue = .options(items.map { PythonFormat.str($0.value) })
                default:
                    throw ConfigError(.overrideSyntax, "a config group takes an option name or a list of names, not \(value?.kindDescription ?? "nothing")",
                                      location: override.location,
                                      hint: "to remove the group use '~\(key)'; options: \(repository.options(ofGroup: override.key).joined(separator: ", "))")
                }
                // `+model=../task/mcq` may reach into another group, as in Hydra, but not out of the tree.
                for name in groupValue.names where name.hasPrefix("/") || ConfigRepository.normalized(override.key + "/" + name) == nil {
                    throw ConfigError(.optionNotFound, "'\(name)' is not an option of group '\(override.key)'",
                                      location: override.location,
                                      hint: "options are file names inside conf/\(override.key)/ without '.yaml', or relative paths that stay inside the config tree")
                }
                if override.kind == .add {
                    // The second `+group=...` is the offending one; expansion runs last to first and
                    // would otherwise blame the first.
                    if let first = appends.first(where: { $0.relativeOverrideKey == key }) {
                        let firstValue = first.groupValue?.description ?? ""
                        throw ConfigError(.defaultsList, "could not add '\(key)' again: '\(first.selectedBy ?? key)' already adds it",
                                          keyPath: key, location: .commandLine(override.input),
                                          hint: firstValue == groupValue.description ? "remove one of them"
                                              : "keep one of them; to run both use a sweep: -m +\(key)=\(firstValue),\(groupValue.description)")
                    }
                    let element = DefaultElement(kind: .group(group: override.key, value: groupValue), package: override.package,
                                                 location: override.location)
                    element.externalAppend = true
                    element.selectedBy = override.input
                    appends.append(element)
                } else {
                    choices[key] = groupValue
                    setMetadata(key, Metadata(external: true, input: override.input))
                }
            }
        }
    }

    private func addDeletion(_ key: String, _ deletion: Deletion) {
        if deletions[key] == nil { deletionOrder.append(key) }
        deletions[key] = deletion
    }

    private func setMetadata(_ key: String, _ meta: Metadata) {
        if metadata[key] == nil { metadataOrder.append(key) }
        metadata[key] = meta
    }

    /// Registers an `override group: option` entry; the first registration of a key wins.
    /// Command-line choices are registered first, then each config's overrides before its
    /// children are expanded (children last to first), so the primary's overrides beat those
    /// of an experiment it pulls in, as in Hydra's `Overrides.add_override`.
    func addOverride(containingConfig: String, _ element: DefaultElement) {
        let key = element.overrideKey
        guard choices[key] == nil, let value = element.groupValue else { return }
        choices[key] = value
        setMetadata(key, Metadata(external: false, containingConfig: containingConfig, relativeKey: element.relativeOverrideKey,
                                  location: element.location))
    }

    func isOverridden(_ element: DefaultElement) -> Bool {
        element.isGroup && choices[element.overrideKey] != nil
    }

    func applyOverride(to element: DefaultElement) {
        let key = element.overrideKey
        guard let value = choices[key] else { return }
        element.setGroupValue(value)
        metadata[key]?.used = true
        if let meta = metadata[key], meta.external { element.selectedBy = meta.input }
    }

    func setKnownChoice(_ element: DefaultElement) throws(ConfigError) {
        guard element.isGroup else { return }
        let key = element.overrideKey
        let name = element.name
        if let previous = knownChoices[key] {
            if previous != name, let input = element.externalAppend ? element.selectedBy : appendInputs[key] {
                let listed = element.externalAppend ? previous : name
                throw ConfigError(.defaultsList, "could not add '\(key)': the defaults list already chooses '\(listed ?? "null")'",
                                  keyPath: key, location: .commandLine(input),
                                  hint: "to change the option write '\(input.dropFirst())' (without '+')")
            }
            if previous != name {
                throw ConfigError(.defaultsList, "multiple values for '\(key)': '\(previous ?? "null")' and '\(name ?? "null")'",
                                  keyPath: key, location: element.location,
                                  hint: "to change an option chosen earlier write 'override \(key): \(name ?? "null")'")
            }
        } else {
            knownChoices[key] = .some(name)
            knownChoiceOrder.append(key)
            if element.externalAppend { appendInputs[key] = element.selectedBy }
        }
        knownChoicesPerGroup[element.groupPath, default: []].insert(key)
    }

    func isDeleted(_ element: DefaultElement) -> Bool {
        if element.isGroup {
            guard let deletion = deletions[element.overrideKey] else { return false }
            return deletion.name == nil || deletion.name == element.name
        }
        if case .config = element.kind, let deletion = deletions[element.configPath] {
            return deletion.name == nil
        }
        return false
    }

    func markDeleted(_ element: DefaultElement) {
        element.deleted = true
        let key = element.isGroup ? element.overrideKey : element.configPath
        deletions[key]?.used = true
    }

    func ensureOverridesUsed() throws(ConfigError) {
        for key in metadataOrder {
            guard let meta = metadata[key], !meta.used else { continue }
            let value = choices[key].map { $0.description } ?? "null"
            let group = String(key.split(separator: "@", maxSplits: 1).first ?? "")
            let candidates = (knownChoicesPerGroup[group] ?? []).sorted()
            if !meta.external, candidates.contains(key) {
                // The group exists but was expanded before this override was read.
                let chosen = knownChoices[key].map { $0 ?? "null" } ?? "null"
                throw ConfigError(.defaultsList,
                                  "in '\(meta.containingConfig ?? "?")': 'override \(meta.relativeKey ?? key): \(value)' comes too late: '\(key)' was already set to '\(chosen)'",
                                  keyPath: key, location: meta.location,
                                  hint: "defaults lists are expanded from last to first, so an override only reaches the entries listed before the one that loads '\(meta.containingConfig ?? "?")'; move that entry after the one that leads to '\(key)'")
            }
            if !meta.external {
                throw ConfigError(.defaultsList,
                                  "in '\(meta.containingConfig ?? "?")': 'override \(meta.relativeKey ?? key): \(value)' has no earlier '\(key)' default to override",
                                  keyPath: key, location: meta.location,
                                  hint: "remove the 'override' keyword to add the group, or check the group's name")
            }
            var hint: String
            if candidates.count == 1 {
                hint = "did you mean to override '\(candidates[0])'?"
            } else if candidates.count > 1 {
                hint = "did you mean to override one of \(candidates.joined(separator: ", "))?"
            } else {
                hint = "to add the group to the defaults list use '+\(key)=\(value)'"
                hint = DidYouMean.hint(key, among: knownChoiceOrder, then: hint)
            }
            throw ConfigError(.groupNotFound, "could not override '\(key)': it is not in the defaults list",
                              keyPath: key, location: meta.input.map(SourceLocation.commandLine), hint: hint)
        }
    }

    func ensureDeletionsUsed() throws(ConfigError) {
        for key in deletionOrder {
            guard let deletion = deletions[key], !deletion.used else { continue }
            let description = deletion.name.map { "\(key)=\($0)" } ?? key
            var hint = "the defaults list has: \(knownChoiceOrder.joined(separator: ", "))"
            if let name = deletion.name, let current = knownChoices[key] {
                hint = "'\(key)' is set to '\(current ?? "null")', not '\(name)'"
            }
            throw ConfigError(.groupNotFound, "could not delete '\(description)': no match in the defaults list",
                              keyPath: key, location: .commandLine(deletion.input), hint: hint)
        }
    }
}

extension DefaultsEntry.Value: CustomStringConvertible {
    public var description: String {
        switch self {
        case .option(let o): return o
        case .options(let list): return "[" + list.joined(separator: ", ") + "]"
        case .none: return "null"
        case .missing: return missingValueMarker
        }
    }

    var names: [String] {
        switch self {
        case .option(let o): return [o]
        case .options(let list): return list
        case .none, .missing: return []
        }
    }
}
