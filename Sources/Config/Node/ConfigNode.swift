/// One value of a configuration tree, with the place it was defined.
///
/// A tree is what YAML files, overrides and interpolation produce: mappings keep their key order,
/// as OmegaConf's `DictConfig` does. Strings that contain `${...}` are interpolations and stay
/// unresolved until a ``Resolver`` runs; the string `???` marks a value the user must give.
///
/// Equality compares values only, never ``location``.
public struct ConfigNode: Sendable, Equatable {
    public var value: ConfigValue
    public var location: SourceLocation?
    /// An application tag kept for a reader that knows it: `!function` (lm-eval's Python hooks),
    /// set only by ``YAMLLoader/load(_:file:keepingFunctionTags:)``. The value is then the tag's text.
    public var tag: String?

    public init(_ value: ConfigValue, location: SourceLocation? = nil) {
        self.value = value
        self.location = location
    }

    public static func == (lhs: ConfigNode, rhs: ConfigNode) -> Bool { lhs.value == rhs.value }

    /// An empty mapping.
    public static var emptyMapping: ConfigNode { ConfigNode(.mapping(ConfigMapping())) }
}

/// The kinds of values a configuration holds (OmegaConf's node types).
public indirect enum ConfigValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// An integer outside `Int`'s range, as its exact decimal digits (`-` for a negative one,
    /// no leading zeros): Python's ints have no size limit, so OmegaConf keeps
    /// `123456789012345678901234567890` exact. Make one with ``integer(decimal:)``, which
    /// gives `.int` whenever the value fits.
    case bigInt(String)
    case double(Double)
    case string(String)
    case mapping(ConfigMapping)
    case sequence([ConfigNode])

    public static func == (lhs: ConfigValue, rhs: ConfigValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.bigInt(a), .bigInt(b)): return a == b
        case let (.double(a), .double(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.string(a), .string(b)): return a == b
        case let (.mapping(a), .mapping(b)): return a == b
        case let (.sequence(a), .sequence(b)): return a == b
        default: return false
        }
    }
}

/// The marker OmegaConf uses for a mandatory value that has not been given.
public let missingValueMarker = "???"

extension ConfigNode {
    /// True for `???`: a mandatory value nobody has set yet.
    public var isMissing: Bool {
        if case .string(let s) = value { return s == missingValueMarker }
        return false
    }

    /// True for strings holding an unescaped `${...}` (OmegaConf's rule for interpolations).
    public var isInterpolation: Bool {
        if case .string(let s) = value { return Interpolation.containsInterpolation(s) }
        return false
    }

    public var mapping: ConfigMapping? {
        if case .mapping(let m) = value { return m }
        return nil
    }

    public var sequence: [ConfigNode]? {
        if case .sequence(let s) = value { return s }
        return nil
    }

    public var string: String? {
        if case .string(let s) = value { return s }
        return nil
    }

    public var isContainer: Bool {
        switch value {
        case .mapping, .sequence: return true
        default: return false
        }
    }

    /// A short name for the kind of value, used in error messages.
    public var kindDescription: String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .bigInt: return "an integer"
        case .double: return "a float"
        case .string: return "a string"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

/// An insertion-ordered string-keyed mapping, as YAML mappings and OmegaConf dicts are.
public struct ConfigMapping: Sendable, Equatable, Sequence {
    public private(set) var keys: [String] = []
    private var storage: [String: ConfigNode] = [:]
    /// Keys that were numbers or booleans in YAML or an override (`1: one`); printed unquoted.
    public private(set) var nonStringKeys: Set<String> = []

    public init() {}

    public init(_ pairs: [(String, ConfigNode)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public subscript(key: String) -> ConfigNode? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
                nonStringKeys.remove(key)
            }
        }
    }

    public func contains(_ key: String) -> Bool { storage[key] != nil }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> ConfigNode? {
        let old = storage.removeValue(forKey: key)
        if old != nil {
            keys.removeAll { $0 == key }
            nonStringKeys.remove(key)
        }
        return old
    }

    /// Records that `key` was a number or boolean rather than a string.
    public mutating func markNonStringKey(_ key: String) {
        if storage[key] != nil { nonStringKeys.insert(key) }
    }

    public func isNonStringKey(_ key: String) -> Bool { nonStringKeys.contains(key) }

    /// The pairs in key order. A concrete iterator, not `AnyIterator`: its box is a generic type
    /// the runtime would instantiate (a scan of every conformance in the binary) at start-up.
    public struct Iterator: IteratorProtocol {
        let keys: [String]
        let storage: [String: ConfigNode]
        var index = 0

        public mutating func next() -> (key: String, value: ConfigNode)? {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            let key = keys[index]
            return (key, storage[key]!)
        }
    }

    public func makeIterator() -> Iterator { Iterator(keys: keys, storage: storage) }

    public static func == (lhs: ConfigMapping, rhs: ConfigMapping) -> Bool {
        lhs.keys == rhs.keys && lhs.storage == rhs.storage
    }
}
