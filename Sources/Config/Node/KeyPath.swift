/// A dotted key path such as `model.params.temperature` or `task.choices.0`.
///
/// OmegaConf writes list indices either as `.0` or as `[0]`; both parse to the same components.
public struct KeyPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var components: [String]

    public init(_ components: [String]) { self.components = components }

    /// Parses `a.b[0].c`. An empty string is the root.
    public init(parsing text: String) {
        var parts: [String] = []
        var current = ""
        var iterator = text.makeIterator()
        while let ch = iterator.next() {
            switch ch {
            case ".":
                if !current.isEmpty { parts.append(current) }
                current = ""
            case "[":
                if !current.isEmpty { parts.append(current) }
                current = ""
                while let inner = iterator.next(), inner != "]" { current.append(inner) }
                parts.append(current)
                current = ""
            default:
                current.append(ch)
            }
        }
        if !current.isEmpty { parts.append(current) }
        self.components = parts
    }

    public init(stringLiteral value: String) { self.init(parsing: value) }

    public static let root = KeyPath([])

    public var isRoot: Bool { components.isEmpty }
    public var last: String? { components.last }
    public var parent: KeyPath { KeyPath(Array(components.dropLast())) }

    public func appending(_ component: String) -> KeyPath { KeyPath(components + [component]) }
    public func appending(_ other: KeyPath) -> KeyPath { KeyPath(components + other.components) }

    public var description: String { components.joined(separator: ".") }
}

extension ConfigNode {
    /// The node at `path`, or nil when any component is absent.
    public func node(at path: KeyPath) -> ConfigNode? {
        var current = self
        for component in path.components {
            guard let next = current.child(component) else { return nil }
            current = next
        }
        return current
    }

    /// The direct child named `component`: a mapping key, or a list index.
    public func child(_ component: String) -> ConfigNode? {
        switch value {
        case .mapping(let m): return m[component]
        case .sequence(let s):
            guard let index = Int(component), s.indices.contains(index) else { return nil }
            return s[index]
        default: return nil
        }
    }

    /// Replaces or inserts the node at `path`, creating intermediate mappings when `createParents`.
    ///
    /// - Returns: false when the path crosses a value that is not a container, or a missing
    ///   parent when `createParents` is false.
    @discardableResult
    public mutating func setNode(_ newNode: ConfigNode, at path: KeyPath, createParents: Bool = true) -> Bool {
        guard let first = path.components.first else {
            self = newNode
            return true
        }
        let rest = KeyPath(Array(path.components.dropFirst()))
        switch value {
        case .mapping(var m):
            var child: ConfigNode
            if let existing = m[first] {
                child = existing
            } else if rest.isRoot {
                child = ConfigNode(.null)
            } else if createParents {
                child = .emptyMapping
            } else {
                return false
            }
            guard child.setNode(newNode, at: rest, createParents: createParents) else { return false }
            m[first] = child
            value = .mapping(m)
            return true
        case .sequence(var s):
            guard let index = Int(first), s.indices.contains(index) else { return false }
            var child = s[index]
            guard child.setNode(newNode, at: rest, createParents: createParents) else { return false }
            s[index] = child
            value = .sequence(s)
            return true
        case .null, .bool, .int, .bigInt, .double, .string:
            // As OmegaConf.update: a value in the way of a longer path becomes an empty mapping.
            guard createParents else { return false }
            value = .mapping(ConfigMapping())
            return setNode(newNode, at: path, createParents: createParents)
        }
    }

    /// Removes the node at `path`. Returns the removed node, or nil when there was none.
    @discardableResult
    public mutating func removeNode(at path: KeyPath) -> ConfigNode? {
        guard let first = path.components.first else { return nil }
        let rest = KeyPath(Array(path.components.dropFirst()))
        switch value {
        case .mapping(var m):
            if rest.isRoot {
                let removed = m.removeValue(forKey: first)
                value = .mapping(m)
                return removed
            }
            guard var child = m[first] else { return nil }
            let removed = child.removeNode(at: rest)
            m[first] = child
            value = .mapping(m)
            return removed
        case .sequence(var s):
            guard let index = Int(first), s.indices.contains(index) else { return nil }
            if rest.isRoot {
                let removed = s.remove(at: index)
                value = .sequence(s)
                return removed
            }
            var child = s[index]
            let removed = child.removeNode(at: rest)
            s[index] = child
            value = .sequence(s)
            return removed
        default:
            return nil
        }
    }

    /// Merges `other` into this node with OmegaConf's rules.
    ///
    /// Mappings merge key by key (new keys are appended in `other`'s order); every other value,
    /// lists included, replaces what was there. A `???` in `other` never erases a value that
    /// is already set.
    public mutating func merge(_ other: ConfigNode) {
        if other.isMissing { return }
        guard case .mapping(var mine) = value, case .mapping(let theirs) = other.value else {
            self = other
            return
        }
        for (key, theirValue) in theirs {
            if var existing = mine[key] {
                existing.merge(theirValue)
                mine[key] = existing
            } else {
                mine[key] = theirValue
            }
            if theirs.isNonStringKey(key) { mine.markNonStringKey(key) }
        }
        value = .mapping(mine)
        if location == nil { location = other.location }
    }

    /// Wraps this node under a dotted package path: `a.b` gives `{a: {b: self}}`.
    public func wrapped(inPackage package: String) -> ConfigNode {
        guard !package.isEmpty else { return self }
        var result = self
        for component in package.split(separator: ".").reversed() {
            var m = ConfigMapping()
            m[String(component)] = result
            result = ConfigNode(.mapping(m), location: location)
        }
        return result
    }
}

extension ConfigNode {
    /// The first value still set to `???` in this subtree, depth first, with its path.
    public func firstMissing(at path: KeyPath = .root) -> (KeyPath, ConfigNode)? {
        if isMissing { return (path, self) }
        switch value {
        case .mapping(let m):
            for (key, child) in m { if let found = child.firstMissing(at: path.appending(key)) { return found } }
        case .sequence(let items):
            for (index, child) in items.enumerated() { if let found = child.firstMissing(at: path.appending(String(index))) { return found } }
        default:
            break
        }
        return nil
    }
}

extension ConfigNode {
    /// The first place where merging `other` into this node would put a list onto a mapping or
    /// a mapping onto a list, which OmegaConf refuses.
    public func mergeConflict(with other: ConfigNode, at path: KeyPath = .root) -> KeyPath? {
        switch (value, other.value) {
        case (.mapping(let mine), .mapping(let theirs)):
            for (key, theirValue) in theirs {
                if let myValue = mine[key], let conflict = myValue.mergeConflict(with: theirValue, at: path.appending(key)) {
                    return conflict
                }
            }
            return nil
        case (.mapping, .sequence), (.sequence, .mapping):
            return path
        default:
            return nil
        }
    }
}
