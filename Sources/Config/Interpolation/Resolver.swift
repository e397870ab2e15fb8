#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves `${...}` interpolations in a config tree, as OmegaConf does on access.
///
/// Supported: absolute keys `${a.b}` and `${a[0]}`, relative keys `${.x}` and `${..x}`,
/// interpolation inside strings (`run_${seed}`), nested `${a.${b}}`, and the resolvers
/// `oc.env`, `oc.select`, `oc.decode`, `oc.create`, `oc.dict.keys`, `oc.dict.values`, `now`,
/// and `hydra` (when a hydra node is given). Cycles and missing keys are errors naming the key.
public struct Resolver {
    /// Reads environment variables; injectable for tests.
    public var environment: @Sendable (String) -> String?
    /// The clock for `${now:...}`.
    public var now: @Sendable () -> time_t
    /// The tree `${hydra:key}` reads from.
    public var hydraNode: ConfigNode?
    /// True (the default) keeps a value whose interpolation reaches `???` as `???`, as
    /// `OmegaConf.resolve` does for `--cfg --resolve`; false makes it an error, as
    /// `OmegaConf.to_container(resolve=True)` does for `--help --resolve`.
    public var keepsMissingInterpolations = true

    let root: ConfigNode
    private var cache: [KeyPath: ConfigNode] = [:]
    private var inProgress: [KeyPath] = []

    public init(root: ConfigNode, hydraNode: ConfigNode? = nil,
                environment: @escaping @Sendable (String) -> String? = { name in getenv(name).map { String(cString: $0) } },
                now: @escaping @Sendable () -> time_t = { time(nil) }) {
        self.root = root
        self.hydraNode = hydraNode
        self.environment = environment
        self.now = now
    }

    /// The whole tree with every interpolation replaced by its value; `???` stays as it is.
    public mutating func resolveAll() throws(ConfigError) -> ConfigNode {
        try resolvedNode(at: .root)
    }

    /// The value at `path` with interpolations resolved (recursively for containers).
    public mutating func resolvedNode(at path: KeyPath) throws(ConfigError) -> ConfigNode {
        if let cached = cache[path] { return cached }
        guard let node = root.node(at: path) else {
            throw ConfigError(.keyNotFound, "no key '\(path)' in the config", keyPath: path.description)
        }
        let resolved = try resolve(node, at: path)
        cache[path] = resolved
        return resolved
    }

    private mutating func resolve(_ node: ConfigNode, at path: KeyPath) throws(ConfigError) -> ConfigNode {
        switch node.value {
        case .mapping(let m):
            var out = m  // keeps key order and key kinds
            for (key, _) in m { out[key] = try resolvedNode(at: path.appending(key)) }
            return ConfigNode(.mapping(out), location: node.location)
        case .sequence(let s):
            var out: [ConfigNode] = []
            for index in s.indices { out.append(try resolvedNode(at: path.appending(String(index)))) }
            return ConfigNode(.sequence(out), location: node.location)
        case .string(let s) where Interpolation.containsInterpolation(s):
            if inProgress.contains(path) {
                let chain = (inProgress.drop { $0 != path } + [path]).map { "'\($0)'" }.joined(separator: " -> ")
                throw ConfigError(.interpolation, "interpolation cycle: \(chain)", keyPath: path.description,
                                  location: node.location, hint: "one of these values must not refer back to the others")
            }
            inProgress.append(path)
            defer { inProgress.removeLast() }
            do {
                var value = try evaluateString(s, at: path, location: node.location)
                value.location = node.location
                return value
            } catch where error.code == .interpolationToMissing && keepsMissingInterpolations {
                // As OmegaConf.resolve: a value whose interpolation reaches `???` anywhere
                // (a key, a string part, a resolver's argument) becomes `???` itself.
                return ConfigNode(.string(missingValueMarker), location: node.location)
            }
        default:
            return node
        }
    }

    /// Evaluates a string holding interpolations, in the context of the node at `path`.
    mutating func evaluateString(_ s: String, at path: KeyPath, location: SourceLocation?) throws(ConfigError) -> ConfigNode {
        let segments: [Interpolation.Segment]
        do {
            segments = try Interpolation.segments(s)
        } catch {
            throw ConfigError(.interpolation, "invalid interpolation '\(s)' at '\(path)': \(error.message)",
                              keyPath: path.description, location: location, hint: "close every '${' with '}'")
        }
        if segments.count == 1, case .expression(let expr) = segments[0] {
            return try evaluateExpression(expr, at: path, original: s, location: location)
        }
        var text = ""
        for segment in segments {
            switch segment {
            case .text(let t): text += t
            case .expression(let expr):
                let value = try evaluateExpression(expr, at: path, original: s, location: location)
                text += PythonFormat.str(value.value)
            }
        }
        return ConfigNode(.string(text), location: location)
    }

    private static func isResolverName(_ s: Substring) -> Bool {
        guard let first = s.first, first.isLetter || first == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
    }

    mutating func evaluateExpression(_ rawExpr: String, at path: KeyPath, original: String,
                                     location: SourceLocation?) throws(ConfigError) -> ConfigNode {
        let expr = rawExpr.trimmingWhitespace()
        if let colon = expr.firstIndex(of: ":"), Resolver.isResolverName(expr[..<colon]) {
            let name = String(expr[..<colon])
            let argText = String(expr[expr.index(after: colon)...])
            let args = argText.trimmingWhitespace().isEmpty && !argText.contains(",") ? [] : Interpolation.splitArguments(argText)
            return try callResolver(name, arguments: args, at: path, original: original, location: location)
        }
        // A key, possibly with nested interpolations: ${a.${b}}.
        var key = String(expr)
        if key.contains("${") {
            key = PythonFormat.str(try evaluateString(key, at: path, location: location).value)
        }
        return try lookup(key, from: path, original: original, location: location)
    }

    /// The absolute path a (possibly relative) key names, seen from the node at `path`.
    func absolutePath(_ key: String, from path: KeyPath) -> KeyPath {
        guard key.hasPrefix(".") else { return KeyPath(parsing: key) }
        let dots = key.prefix { $0 == "." }.count
        var base = path.parent
        for _ in 1..<max(dots, 1) { base = base.parent }
        return base.appending(KeyPath(parsing: String(key.dropFirst(dots))))
    }

    mutating func lookup(_ key: String, from path: KeyPath, original: String,
                         location: SourceLocation?) throws(ConfigError) -> ConfigNode {
        let dots = key.prefix { $0 == "." }.count
        if dots > path.components.count {
            throw ConfigError(.interpolation, "interpolation '\(original)' at '\(path)': '\(key)' climbs above the top of the config",
                              keyPath: path.description, location: location, hint: "use fewer dots, or an absolute key")
        }
        let target = absolutePath(key, from: path)
        for length in 1..<max(target.components.count, 1) where root.node(at: KeyPath(Array(target.components.prefix(length))))?.isMissing == true {
            throw Self.toMissing(target, at: path, location: location)  // ${a.x} where a is ???
        }
        guard let node = root.node(at: target) else {
            var known: [String] = []
            if let parent = root.node(at: target.parent)?.mapping { known = parent.keys }
            var hint = "check the key; interpolations use absolute paths (${a.b}) or relative ones (${.sibling})"
            hint = DidYouMean.hint(target.last ?? key, among: known, shown: { target.parent.appending($0).description }) ?? hint
            throw ConfigError(.interpolation, "interpolation '\(original)' at '\(path)': key '\(target)' not found",
                              keyPath: path.description, location: location, hint: hint)
        }
        if node.isMissing { throw Self.toMissing(target, at: path, location: location) }
        let resolved = try resolvedNode(at: target)
        // An interpolation to a value that is itself missing after resolution (a chain).
        if resolved.isMissing { throw Self.toMissing(target, at: path, location: location) }
        return resolved
    }

    static func toMissing(_ target: KeyPath, at path: KeyPath, location: SourceLocation?) -> ConfigError {
        ConfigError(.interpolationToMissing, "interpolation at '\(path)' reaches the missing value '\(target)'",
                    keyPath: path.description, location: location, hint: "give '\(target)' a value")
    }

    // MARK: Resolvers

    mutating func argumentValue(_ raw: String, at path: KeyPath, original: String,
                                location: SourceLocation?) throws(ConfigError) -> ConfigNode {
        let text = String(raw.trimmingWhitespace())
        if text.isEmpty { return ConfigNode(.string("")) }
        if let first = text.first, first == "'" || first == "\"", text.count >= 2, text.last == first {
            let inner = String(text.dropFirst().dropLast()).replacingAll("\\\(first)", with: String(first))
            if Interpolation.containsInterpolation(inner) { return try evaluateString(inner, at: path, location: location) }
            return ConfigNode(.string(inner))
        }
        if text.hasPrefix("${"), let segs = try? Interpolation.segments(text), segs.count == 1,
           case .expression(let e) = segs[0] {
            return try evaluateExpression(e, at: path, original: original, location: location)
        }
        if text.contains("${") && !(text.hasPrefix("[") || text.hasPrefix("{")) {
            return try evaluateString(text, at: path, location: location)
        }
        if let value = try? OverrideParser.parseValue(text, input: text), case .element(let node, _) = value {
            return node
        }
        return ConfigNode(.string(text))
    }

    /// A resolver argument naming a key; it may itself be an interpolation (`${oc.select:${k}}`).
    mutating func keyArgument(_ raw: String, at path: KeyPath, original: String, location: SourceLocation?) throws(ConfigError) -> String {
        let text = String(raw.trimmingWhitespace())
        guard text.contains("${") else { return text }
        return PythonFormat.str(try argumentValue(text, at: path, original: original, location: location).value)
    }

    mutating func callResolver(_ name: String, arguments: [String], at path: KeyPath, original: String,
                               location: SourceLocation?) throws(ConfigError) -> ConfigNode {
        func fail(_ message: String, hint: String) -> ConfigError {
            ConfigError(.interpolation, "interpolation '\(original)' at '\(path)': \(message)",
                        keyPath: path.description, location: location, hint: hint)
        }
        switch name {
        case "oc.env":
            guard (1...2).contains(arguments.count) else {
                throw fail("oc.env takes a variable name and an optional default", hint: "write ${oc.env:NAME} or ${oc.env:NAME,default}")
            }
            let variable = PythonFormat.str(try argumentValue(arguments[0], at: path, original: original, location: location).value)
            if let value = environment(variable) { return ConfigNode(.string(value)) }
            if arguments.count == 2 {
                let fallback = try argumentValue(arguments[1], at: path, original: original, location: location)
                if case .null = fallback.value { return fallback }
                return ConfigNode(.string(PythonFormat.str(fallback.value)))
            }
            throw fail("environment variable '\(variable)' is not set",
                       hint: "export \(variable)=..., or give a default: ${oc.env:\(variable),default}")
        case "oc.select":
            guard (1...2).contains(arguments.count) else {
                throw fail("oc.select takes a key and an optional default", hint: "write ${oc.select:key,default}")
            }
            let key = try keyArgument(arguments[0], at: path, original: original, location: location)
            let target = absolutePath(key, from: path)
            if let node = root.node(at: target), !node.isMissing {
                return try resolvedNode(at: target)
            }
            if arguments.count == 2 { return try argumentValue(arguments[1], at: path, original: original, location: location) }
            return ConfigNode(.null)
        case "oc.decode":
            guard arguments.count == 1 else { throw fail("oc.decode takes one string", hint: "write ${oc.decode:${some.key}}") }
            let value = try argumentValue(arguments[0], at: path, original: original, location: location)
            guard case .string(let s) = value.value else { return value }
            guard let parsed = try? OverrideParser.parseValue(s, input: s), case .element(let node, _) = parsed else {
                throw fail("cannot decode '\(s)'", hint: "the string must be a value such as 10, [1,2] or {a:1}")
            }
            return node
        case "oc.create":
            guard arguments.count == 1 else { throw fail("oc.create takes one value", hint: "write ${oc.create:{a:1}}") }
            return try argumentValue(arguments[0], at: path, original: original, location: location)
        case "oc.dict.keys", "oc.dict.values":
            guard arguments.count == 1 else { throw fail("\(name) takes one key", hint: "write ${\(name):some.dict}") }
            let key = try keyArgument(arguments[0], at: path, original: original, location: location)
            let target = absolutePath(key, from: path)
            if root.node(at: target)?.isMissing == true {
                // OmegaConf selects the dict with throw_on_missing: an error, not `???`.
                throw ConfigError(.missingValue, "interpolation '\(original)' at '\(path)': missing mandatory value '\(target)'",
                                  keyPath: path.description, location: location, hint: "give '\(target)' a value")
            }
            guard let m = root.node(at: target)?.mapping else {
                throw fail("'\(target)' is not a mapping", hint: "point \(name) at a dict in the config")
            }
            if name == "oc.dict.keys" { return ConfigNode(.sequence(m.keys.map { ConfigNode(.string($0)) })) }
            var values: [ConfigNode] = []
            for k in m.keys {
                // Each value is a reference `${d.k}`: a missing one is `???` on its own.
                let child = root.node(at: target.appending(k))
                if child?.isMissing == true { values.append(ConfigNode(.string(missingValueMarker))); continue }
                do {
                    values.append(try resolvedNode(at: target.appending(k)))
                } catch where error.code == .interpolationToMissing {
                    values.append(ConfigNode(.string(missingValueMarker)))
                }
            }
            return ConfigNode(.sequence(values))
        case "now":
            let format = arguments.isEmpty ? "%Y-%m-%d" : PythonFormat.str(try argumentValue(arguments.joined(separator: ","), at: path, original: original, location: location).value)
            return ConfigNode(.string(Resolver.strftime(format, time: now())))
        case "hydra":
            guard let hydraNode else { throw fail("${hydra:...} is only available while a job runs", hint: "use it inside the run's config") }
            let key = String((arguments.first ?? "").trimmingWhitespace())
            var inner = Resolver(root: hydraNode, environment: environment, now: now)
            guard hydraNode.node(at: KeyPath(parsing: key)) != nil else {
                throw fail("no key '\(key)' in the hydra config", hint: "available: \(hydraNode.mapping?.keys.joined(separator: ", ") ?? "")")
            }
            return try inner.resolvedNode(at: KeyPath(parsing: key))
        default:
            let known = ["oc.env", "oc.select", "oc.decode", "oc.create", "oc.dict.keys", "oc.dict.values", "now", "hydra"]
            var hint = "known resolvers: \(known.joined(separator: ", "))"
            hint = DidYouMean.hint(name, among: known, then: hint)
            throw fail("unknown resolver '\(name)'", hint: hint)
        }
    }

    /// C `strftime` in local time.
    public static func strftime(_ format: String, time: time_t) -> String {
        var t = time
        var parts = tm()
        localtime_r(&t, &parts)
        var buffer = [CChar](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBufferPointer { ptr in
            #if canImport(Glibc)
            Glibc.strftime(ptr.baseAddress, ptr.count, format, &parts)
            #else
            Darwin.strftime(ptr.baseAddress, ptr.count, format, &parts)
            #endif
        }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
