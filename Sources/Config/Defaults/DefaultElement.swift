/// An entry of the defaults tree during composition: a defaults-list item placed in its
/// parent's context, with everything needed to compute its config path and package.
///
/// The rules follow Hydra 1.3: a group default's package is its group path relative to the
/// containing config, prefixed by the containing config's package; `@pkg` in the defaults list
/// is relative to the containing config's package, unless it holds `_group_` (then it is absolute);
/// a `# @package` header is absolute; `_global_` anywhere resets to the top.
final class DefaultElement {
    enum Kind {
        case config(path: String)
        case group(group: String, value: DefaultsEntry.Value)
        case selfReference
    }

    var kind: Kind
    /// `@package` from the defaults list or the override.
    var package: String?
    /// The file's `# @package` header, normalized to `_global_`-prefixed form.
    var packageHeader: String?
    var parentBaseDir: String?
    var parentPackage: String?
    var optional = false
    var isOverride = false
    var externalAppend = false
    var primary = false
    var deleted = false
    /// One of Hydra's own defaults (`hydra/launcher: basic`), which Hydra lists under `hydra/config`.
    var isHydraDefault = false
    var location: SourceLocation?
    /// The command-line override that chose this element's option, if any.
    var selectedBy: String?

    init(kind: Kind, package: String? = nil, location: SourceLocation? = nil) {
        self.kind = kind
        self.package = package
        self.location = location
    }

    convenience init(entry: DefaultsEntry) {
        let kind: Kind
        switch entry.kind {
        case .self: kind = .selfReference
        case .config(let path): kind = .config(path: path)
        case .group(let group, let value): kind = .group(group: group, value: value)
        }
        self.init(kind: kind, package: entry.package, location: entry.location)
        optional = entry.optional
        isOverride = entry.override
    }

    var isSelf: Bool { if case .selfReference = kind { return true }; return false }
    var isGroup: Bool { if case .group = kind { return true }; return false }

    var groupValue: DefaultsEntry.Value? {
        if case .group(_, let value) = kind { return value }
        return nil
    }

    func setGroupValue(_ value: DefaultsEntry.Value) {
        if case .group(let group, _) = kind { kind = .group(group: group, value: value) }
    }

    func updateParent(baseDir: String, package: String) {
        parentBaseDir = baseDir
        parentPackage = package
        // Hydra's InputDefault.update_parent: `_group_` anywhere in an explicit `@package` becomes
        // the group path with dots, and the package is then absolute (`db@_group_.x` inside
        // `server/apache` lands in `server.db.x`, whatever the parent's package).
        if let own = self.package, own.contains("_group_") {
            self.package = "_global_." + own.replacingAll("_group_", with: defaultPackage)
        }
    }

    /// Hydra stores a header as absolute: `foo` becomes `_global_.foo`.
    func setPackageHeader(_ header: String?) {
        // Hydra 1.3 (version_base >= 1.2) takes `_group_` in a header literally.
        guard var header else { return }
        if header != "_global_" && !header.hasPrefix("_global_.") {
            header = header.isEmpty ? "_global_" : "_global_." + header
        }
        packageHeader = header
    }

    private static func strip(_ path: String) -> (String, Bool) {
        path.hasPrefix("/") ? (String(path.dropFirst()), true) : (path, false)
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// The group folder this element's config lives in, from the top of the tree.
    var groupPath: String {
        let base = parentBaseDir ?? ""
        switch kind {
        case .config(let raw):
            let (path, absolute) = Self.strip(raw)
            let group = Self.directory(of: path)
            if absolute || base.isEmpty { return group }
            return group.isEmpty ? base : base + "/" + group
        case .group(let raw, _):
            let (group, absolute) = Self.strip(raw)
            if base.isEmpty || absolute || externalAppend { return group }
            return base + "/" + group
        case .selfReference:
            return base
        }
    }

    /// The option (file name) chosen; nil for a `null` group default.
    var name: String? {
        switch kind {
        case .config(let path):
            return path.split(separator: "/").last.map(String.init) ?? path
        case .group(_, let value):
            switch value {
            case .option(let o): return o
            case .missing: return missingValueMarker
            case .none, .options: return nil
            }
        case .selfReference:
            return "_self_"
        }
    }

    var isMissing: Bool { name == missingValueMarker }

    /// `db/mysql`: the config path from the top of the tree.
    var configPath: String {
        switch kind {
        case .config(let raw):
            let (path, absolute) = Self.strip(raw)
            let base = parentBaseDir ?? ""
            if absolute || base.isEmpty { return path }
            return base + "/" + path
        case .group:
            let path = groupPath + "/" + (name ?? "null")
            // An option may climb into another group (`model: ../task/mcq`); one that climbs
            // out of the tree keeps its `..` and is then not found.
            return ConfigRepository.normalized(path) ?? path
        case .selfReference:
            return "_self_"
        }
    }

    var defaultPackage: String { groupPath.replacingAll("/", with: ".") }

    private var relativeGroupPath: String {
        switch kind {
        case .config(let raw): return Self.directory(of: Self.strip(raw).0)
        case .group(let raw, _): return Self.strip(raw).0
        case .selfReference: return ""
        }
    }

    /// The package from the defaults list, else the header (when asked), else nil.
    func ownPackage(defaultToHeader: Bool = true) -> String? {
        if package == nil && defaultToHeader { return packageHeader }
        return package
    }

    /// Where this element's content is merged in the output config (`""` is the top).
    func finalPackage(defaultToHeader: Bool = true) -> String {
        let parent = (isGroup && externalAppend) ? "" : (parentPackage ?? "")
        let pkg = ownPackage(defaultToHeader: defaultToHeader) ?? relativeGroupPath.replacingAll("/", with: ".")
        let joined: String
        if parent.isEmpty { joined = pkg } else if pkg.isEmpty { joined = parent } else { joined = parent + "." + pkg }
        guard let range = joined.lastUTF8Range(of: "_global_") else { return joined }
        let rest = joined.utf8.dropFirst(range.upperBound)
        return String(decoding: rest.first == UInt8(ascii: ".") ? rest.dropFirst() : rest, as: UTF8.self)
    }

    /// How overrides name this element: `db`, or `db@backup` when its package is not the default.
    var overrideKey: String {
        let defaultPkg = defaultPackage
        var finalPkg = finalPackage(defaultToHeader: false)
        var key = groupPath
        if defaultPkg != finalPkg {
            if finalPkg.isEmpty { finalPkg = "_global_" }
            key += "@" + finalPkg
        }
        return key
    }

    /// The key as written in its own config, for messages about `override` entries.
    var relativeOverrideKey: String {
        guard case .group(let group, _) = kind else { return configPath }
        return group + (package.map { "@" + $0 } ?? "")
    }

    var isInterpolation: Bool {
        if case .option(let o)? = groupValue { return o.contains("${") }
        if case .config(let path) = kind { return path.contains("${") }
        return false
    }
}

/// A config in the defaults tree together with the defaults it pulled in.
final class DefaultsTreeNode {
    enum Child {
        case leaf(DefaultElement)
        case node(DefaultsTreeNode)
    }

    let element: DefaultElement
    weak var parent: DefaultsTreeNode?
    var children: [Child]?

    init(_ element: DefaultElement, parent: DefaultsTreeNode?) {
        self.element = element
        self.parent = parent
    }
}
