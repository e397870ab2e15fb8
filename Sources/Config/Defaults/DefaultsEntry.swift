/// One item of a defaults list, as written in a config file.
///
/// ```yaml
/// defaults:
///   - _self_                   # where this config's own content goes
///   - db: mysql                # group: option
///   - db@backup: sqlite        # group@package: option
///   - optional site: fb        # no error when the option does not exist
///   - override db: postgres    # change an option chosen earlier
///   - server/apache            # a config by path (relative, or absolute with a leading /)
///   - logging: null            # a placeholder, filled by an override or ignored
///   - trainer: ???             # the user must choose
///   - db: [mysql, sqlite]      # several options of one group
/// ```
public struct DefaultsEntry: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case option(String)
        case options([String])
        case none
        case missing
    }

    public enum Kind: Sendable, Equatable {
        case `self`
        case config(path: String)
        case group(group: String, value: Value)
    }

    public var kind: Kind
    public var package: String?
    public var optional = false
    public var override = false
    public var location: SourceLocation?

    public static func == (a: DefaultsEntry, b: DefaultsEntry) -> Bool {
        a.kind == b.kind && a.package == b.package && a.optional == b.optional && a.override == b.override
    }

    static func parseList(_ node: ConfigNode, file: String) throws(ConfigError) -> [DefaultsEntry] {
        guard let items = node.sequence else {
            throw ConfigError(.defaultsList, "'defaults' must be a list, not \(node.kindDescription)",
                              keyPath: "defaults", location: node.location,
                              hint: "write each default on its own line: '- group: option'")
        }
        var entries: [DefaultsEntry] = []
        for item in items { entries.append(try parse(item)) }
        return entries
    }

    static func invalid(_ item: ConfigNode, _ message: String, hint: String) -> ConfigError {
        ConfigError(.defaultsList, "invalid defaults list entry: \(message)", keyPath: "defaults",
                    location: item.location, hint: hint)
    }

    static func splitPackage(_ text: String) -> (String, String?) {
        guard let at = text.firstIndex(of: "@") else { return (text, nil) }
        var package = String(text[text.index(after: at)...])
        if package == "_here_" { package = "" }
        return (String(text[..<at]), package)
    }

    static func parse(_ item: ConfigNode) throws(ConfigError) -> DefaultsEntry {
        switch item.value {
        case .string(let text):
            if text == "_self_" { return DefaultsEntry(kind: .self, location: item.location) }
            let words = text.split(separator: " ")
            if words.count > 1 {
                throw invalid(item, "'\(text)' is a config path with extra words",
                              hint: "keywords like 'optional' and 'override' only apply to 'group: option' entries")
            }
            let (path, package) = splitPackage(text)
            try checkPath(path, item: item, what: "config path")
            return DefaultsEntry(kind: .config(path: path), package: package, location: item.location)
        case .mapping(let m):
            guard m.count == 1, let (rawKey, valueNode) = m.first(where: { _ in true }) else {
                throw invalid(item, "each entry must have exactly one 'group: option' pair",
                              hint: "split it into separate '- group: option' lines")
            }
            var words = rawKey.split(separator: " ").map(String.init)
            guard let keyWord = words.popLast() else {
                throw invalid(item, "empty group name", hint: "write '- group: option'")
            }
            var entry = DefaultsEntry(kind: .self, location: valueNode.location ?? item.location)
            for word in words {
                switch word {
                case "optional": entry.optional = true
                case "override": entry.override = true
                default:
                    var hint = "the keywords are 'optional' and 'override'"
                    hint = DidYouMean.hint(word, among: ["optional", "override"]) ?? hint
                    throw invalid(item, "unknown keyword '\(word)' in '\(rawKey)'", hint: hint)
                }
            }
            let (group, package) = splitPackage(keyWord)
            entry.package = package
            try checkPath(group, item: item, what: "config group")
            let value: Value
            switch valueNode.value {
            case .null: value = .none
            case .string(let s) where s == missingValueMarker: value = .missing
            case .string(let s): value = .option(s)
            case .int, .bigInt, .double, .bool: value = .option(PythonFormat.str(valueNode.value))
            case .sequence(let options):
                var names: [String] = []
                for option in options {
                    guard case .string(let s) = option.value else {
                        throw invalid(item, "options of '\(group)' must be names", hint: "write '- \(group): [a, b]'")
                    }
                    names.append(s)
                }
                value = .options(names)
            case .mapping:
                throw invalid(item, "the option of '\(group)' must be a name, not a mapping",
                              hint: "write '- \(group): option_name'")
            }
            if case .option(let name) = value, !name.contains("${") { try checkOption(name, group: group, item: item) }
            if case .options(let names) = value { for name in names { try checkOption(name, group: group, item: item) } }
            entry.kind = .group(group: group, value: value)
            return entry
        default:
            throw invalid(item, "expected '- group: option' or '- config_path', found \(item.kindDescription)",
                          hint: "see the Defaults List syntax in the README")
        }
    }

    /// An option may name a config of another group (`../task/mcq`), but not climb out of the tree.
    static func checkOption(_ name: String, group: String, item: ConfigNode) throws(ConfigError) {
        let groupPath = group.hasPrefix("/") ? String(group.dropFirst()) : group
        if name.hasPrefix("/") || ConfigRepository.normalized(groupPath + "/" + name) == nil {
            throw invalid(item, "config option '\(name)' is not allowed",
                          hint: "an option is a file name in the group's folder, or a relative path such as '../other/name' that stays inside the config tree")
        }
    }

    /// Group and config paths may be absolute (`/db`) but must not climb out of the tree.
    static func checkPath(_ path: String, item: ConfigNode, what: String) throws(ConfigError) {
        let relative = path.hasPrefix("/") ? String(path.dropFirst()) : path
        if relative.isEmpty || !ConfigRepository.isSafeRelativePath(relative) {
            throw invalid(item, "\(what) '\(path)' is not allowed",
                          hint: "use names joined by '/' inside the config tree; '..', '\\' and empty parts are refused")
        }
    }
}
