/// One command-line override, parsed with Hydra's grammar.
///
/// ```
/// key=value  +key=value  ++key=value  ~key  ~key=value
/// group=option  +group=option  group@pkg=option  ~group
/// ```
public struct Override: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `key=value`: change something that exists.
        case change
        /// `+key=value`: add something that does not exist yet.
        case add
        /// `++key=value`: add or change.
        case forceAdd
        /// `~key` or `~key=value`: remove.
        case delete
    }

    public var kind: Kind
    /// The key or config group, without prefix or package: `db`, `server/db`, `model.params.seed`.
    public var key: String
    /// The package after `@`, when given (`""` for an explicit empty package).
    public var package: String?
    /// The value; nil for `~key` without a value.
    public var value: OverrideValue?
    /// The override exactly as typed.
    public var input: String

    public init(kind: Kind, key: String, package: String?, value: OverrideValue?, input: String) {
        self.kind = kind
        self.key = key
        self.package = package
        self.value = value
        self.input = input
    }

    /// The key with its prefix and package, as Hydra identifies an override (`+db@backup`).
    public var keyElement: String {
        let prefix: String
        switch kind {
        case .change: prefix = ""
        case .add: prefix = "+"
        case .forceAdd: prefix = "++"
        case .delete: prefix = "~"
        }
        return prefix + key + (package.map { "@" + $0 } ?? "")
    }

    /// True when the value is a sweep (`a,b`, `choice`, `range`, `glob`).
    public var isSweep: Bool {
        guard let value else { return false }
        if case .element = value { return false }
        return true
    }

    /// The single value of a non-sweep override.
    public var element: ConfigNode? {
        if case .element(let node, _)? = value { return node }
        return nil
    }

    public var location: SourceLocation { .commandLine(input) }

    /// True for Hydra's own settings (`hydra.run.dir=...`, `hydra/launcher=slurm`): Hydra keeps
    /// them apart from the job's overrides (`hydra.overrides.hydra`, not `overrides.yaml`).
    public var isHydraOverride: Bool {
        key == "hydra" || key.hasPrefix("hydra.") || key.hasPrefix("hydra/")
    }
}

/// The right-hand side of an override.
public enum OverrideValue: Sendable, Equatable {
    /// One value; `text` is its source form, reused when the value is written back as an override.
    case element(ConfigNode, text: String)
    /// `a,b,c` or `choice(a,b,c)`: each element with its source text.
    case choice([SweepElement])
    /// `range(start, stop, step)`, integers or floats.
    case range(SweepRange)
    /// `glob(include, exclude=...)` over a config group's options.
    case glob(include: [String], exclude: [String])
    /// `interval(a,b)`: only for optimizing sweepers.
    case interval(Double, Double)
}

public struct SweepElement: Sendable, Equatable {
    public var node: ConfigNode
    public var text: String
}
