/// The config tree on disk: where configs and config groups are, and their parsed contents.
///
/// Several directories may be searched (Hydra's search path: `--config-dir` first, then the
/// primary `--config-path`), then the configs built into the runner (``BuiltinConfigs``). A
/// config is found in the first place that has it; a group's options are the union over all
/// of them. Loaded files are cached, so one composition reads each file once.
public final class ConfigRepository {
    /// The directories searched, in order, as given by the user.
    public let searchPath: [String]
    private var cache: [String: LoadedConfig?] = [:]

    public init(searchPath: [String]) {
        self.searchPath = searchPath
    }

    /// Names of config paths and groups must stay inside the tree.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        if path.hasPrefix("/") || path.contains("\\") || path.contains("\0") { return false }
        return !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." || $0.isEmpty }
    }

    /// `model/../task/mcq` as `task/mcq`: Hydra accepts an option that climbs into another
    /// group. Nil when the path climbs out of the tree, is absolute, or has empty parts.
    public static func normalized(_ path: String) -> String? {
        if path.hasPrefix("/") || path.contains("\\") || path.contains("\0") { return nil }
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch part {
            case "": return nil
            case ".": continue
            case "..":
                guard parts.popLast() != nil else { return nil }
            default: parts.append(part)
            }
        }
        guard var path = parts.first.map(String.init) else { return nil }
        for part in parts.dropFirst() {
            path += "/"
            path += String(part)
        }
        return path
    }

    private func join(_ dir: String, _ path: String) -> String {
        dir.hasSuffix("/") ? dir + path : dir + "/" + path
    }

    /// The file behind a config path such as `db/mysql`, if any.
    public func file(for configPath: String) -> String? {
        guard Self.isSafeRelativePath(configPath) else { return nil }
        for dir in searchPath {
            for ext in [".yaml", ".yml"] {
                let candidate = join(dir, configPath + ext)
                if FileSystem.isFile(candidate) { return candidate }
            }
        }
        return BuiltinConfigs.paths.contains(configPath) ? BuiltinConfigs.fileName(configPath) : nil
    }

    public func configExists(_ configPath: String) -> Bool { file(for: configPath) != nil }

    /// True when some search directory has a folder with this group path.
    public func groupExists(_ group: String) -> Bool {
        guard !group.isEmpty, Self.isSafeRelativePath(group) else { return false }
        return searchPath.contains { FileSystem.isDirectory(join($0, group)) } || BuiltinConfigs.groupExists(group)
    }

    /// The options of a group: its YAML files without extension, sorted.
    public func options(ofGroup group: String) -> [String] {
        guard group.isEmpty || Self.isSafeRelativePath(group) else { return [] }
        var names = Set<String>()
        for dir in searchPath {
            let folder = group.isEmpty ? dir : join(dir, group)
            for name in FileSystem.list(folder) {
                for ext in [".yaml", ".yml"] where name.hasSuffix(ext) {
                    let stem = String(name.dropLast(ext.count))
                    if FileSystem.isFile(join(folder, name)) { names.insert(stem) }
                }
            }
        }
        names.formUnion(BuiltinConfigs.options(ofGroup: group))
        return names.sorted()
    }

    /// Sub-groups (folders) directly under `group` (`""` for the top level), sorted.
    public func subgroups(of group: String) -> [String] {
        var names = Set<String>()
        for dir in searchPath {
            let folder = group.isEmpty ? dir : join(dir, group)
            for name in FileSystem.list(folder) where !name.hasPrefix(".") && FileSystem.isDirectory(join(folder, name)) {
                names.insert(group.isEmpty ? name : group + "/" + name)
            }
        }
        for path in BuiltinConfigs.paths {
            let parts = path.split(separator: "/").dropLast()
            let depth = group.isEmpty ? 0 : group.split(separator: "/").count
            guard parts.count > depth, group.isEmpty || parts.prefix(depth).joined(separator: "/") == group else { continue }
            names.insert(parts.prefix(depth + 1).joined(separator: "/"))
        }
        return names.sorted()
    }

    /// Every group in the tree, depth first, sorted.
    public func allGroups(under group: String = "") -> [String] {
        var result: [String] = []
        for sub in subgroups(of: group) {
            result.append(sub)
            result.append(contentsOf: allGroups(under: sub))
        }
        return result
    }

    /// Loads and caches a config by path (`db/mysql`); nil when no file exists.
    ///
    /// - Throws: ``ConfigError`` for YAML syntax errors and malformed defaults lists.
    public func load(_ configPath: String) throws(ConfigError) -> LoadedConfig? {
        if let cached = cache[configPath] { return cached }
        guard let file = file(for: configPath) else {
            cache[configPath] = .some(nil)
            return nil
        }
        guard let text = file.hasPrefix(BuiltinConfigs.sourceName) ? BuiltinConfigs.text(configPath) : FileSystem.readText(file) else {
            throw ConfigError(.fileNotFound, "cannot read '\(file)'", location: SourceLocation(file: file),
                              hint: "check the file's permissions")
        }
        let loaded = try LoadedConfig(text: text, file: file, configPath: configPath)
        cache[configPath] = loaded
        return loaded
    }
}

/// One config file, split into its defaults list, its content and its header.
public struct LoadedConfig: Sendable {
    public var configPath: String
    public var file: String
    /// The content without the `defaults` key.
    public var content: ConfigNode
    /// The parsed defaults list; nil when the file has none.
    public var defaults: [DefaultsEntry]?
    /// The `# @package` header, when present.
    public var packageHeader: String?

    init(text: String, file: String, configPath: String) throws(ConfigError) {
        self.configPath = configPath
        self.file = file
        var root = try YAMLLoader.load(text, file: file)
        guard var mapping = root.mapping else {
            if case .null = root.value {
                root = ConfigNode(.mapping(ConfigMapping()), location: root.location)
                self.content = root
                self.defaults = nil
                self.packageHeader = YAMLLoader.header(of: text)["package"]
                return
            }
            throw ConfigError(.invalidValue, "a config file must hold a mapping at the top, not \(root.kindDescription)",
                              location: root.location ?? SourceLocation(file: file),
                              hint: "write 'key: value' lines at the top level")
        }
        if let defaultsNode = mapping.removeValue(forKey: "defaults") {
            self.defaults = try DefaultsEntry.parseList(defaultsNode, file: file)
        } else {
            self.defaults = nil
        }
        self.content = ConfigNode(.mapping(mapping), location: root.location)
        self.packageHeader = YAMLLoader.header(of: text)["package"]
    }
}
