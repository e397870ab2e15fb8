/// Hydra's override functions: sweeps (`choice`, `range`, `glob`, `interval`), list
/// reordering (`sort`, `shuffle`) and casts (`int`, `float`, `str`, `bool`).
struct FunctionCall {
    typealias Parsed = ValueParser.Parsed
    let name: String
    let positional: [Parsed]
    let named: [(String, Parsed)]
    let text: String
    let parser: ValueParser

    func error(_ message: String) -> ConfigError {
        parser.error("\(name)(...): \(message)")
    }

    func node(_ p: Parsed) throws(ConfigError) -> ConfigNode {
        guard case .node(let n, _) = p else { throw error("a sweep is not allowed here") }
        return n
    }

    func argument(_ key: String, at index: Int) -> Parsed? {
        if let named = named.first(where: { $0.0 == key }) { return named.1 }
        return index < positional.count ? positional[index] : nil
    }

    func strings(_ p: Parsed) throws(ConfigError) -> [String] {
        let n = try node(p)
        if let seq = n.sequence { return seq.map { PythonFormat.str($0.value) } }
        return [PythonFormat.str(n.value)]
    }

    func evaluate() throws(ConfigError) -> Parsed {
        let location = parser.location
        switch name {
        case "choice":
            guard named.isEmpty else { throw error("choice takes only positional values") }
            guard !positional.isEmpty else { throw error("choice needs at least one value") }
            var elements: [SweepElement] = []
            for p in positional {
                guard case .node(let n, let t) = p else { throw error("nested sweeps are not supported") }
                elements.append(SweepElement(node: n, text: t))
            }
            return .sweep(.choice(elements))
        case "range":
            let args = positional.count
            guard args + named.count >= 1, args + named.count <= 3 else { throw error("expected range(start, stop[, step]) or range(stop)") }
            func number(_ p: Parsed?) throws(ConfigError) -> RangeNumber? {
                guard let p else { return nil }
                let value = try node(p).value
                if case .bigInt = value { throw error("range arguments beyond 64 bits are not supported") }
                guard let n = RangeNumber(value) else { throw error("range arguments must be numbers") }
                guard n.double.isFinite else { throw error("range arguments must be finite numbers") }
                return n
            }
            var start = try number(argument("start", at: 0)) ?? .int(0)
            var stop = try number(argument("stop", at: 1))
            let step = try number(argument("step", at: 2)) ?? .int(1)
            if stop == nil {
                stop = start
                start = .int(0)
            }
            guard !step.isZero else { throw error("the step must not be zero") }
            return .sweep(.range(SweepRange(start: start, stop: stop!, step: step)))
        case "glob":
            guard let include = argument("include", at: 0) else { throw error("glob needs an include pattern") }
            let exclude = try argument("exclude", at: 1).map { p throws(ConfigError) in try strings(p) } ?? []
            return .sweep(.glob(include: try strings(include), exclude: exclude))
        case "interval":
            guard positional.count == 2 else { throw error("expected interval(start, end)") }
            func double(_ p: Parsed) throws(ConfigError) -> Double {
                switch try node(p).value {
                case .int, .bigInt: return try node(p).value.integerAsDouble!
                case .double(let d): return d
                default: throw error("interval bounds must be numbers")
                }
            }
            return .sweep(.interval(try double(positional[0]), try double(positional[1])))
        case "sort", "shuffle":
            return try reorder()
        case "int", "float", "str", "bool":
            let value: Parsed
            if let named = named.first(where: { $0.0 == "value" }) {
                guard positional.isEmpty, self.named.count == 1 else { throw error("cannot use both positional and named arguments") }
                value = named.1
            } else if positional.count == 1 {
                value = positional[0]
            } else if positional.count > 1 {
                // `str(true,1.5)` casts the simple choice sweep `true,1.5`.
                var elements: [SweepElement] = []
                for p in positional {
                    guard case .node(let n, let t) = p else { throw error("nested sweeps are not supported") }
                    elements.append(SweepElement(node: n, text: t))
                }
                value = .sweep(.choice(elements))
            } else {
                throw error("expected a value")
            }
            switch value {
            case .node(let n, _):
                return .node(ConfigNode(try cast(n.value), location: location), text: text)
            case .sweep(.choice(let elements)):
                // Hydra's sweeper writes each cast value back as override text and parses it
                // again for the job, so `str(choice(1,2))` sweeps the integers 1 and 2.
                var out: [SweepElement] = []
                for e in elements {
                    let elementText = SweepText.element(try cast(e.node.value))
                    out.append(SweepElement(node: SweepText.reparsed(elementText, input: parser.input), text: elementText))
                }
                return .sweep(.choice(out))
            case .sweep(.range(let range)):
                guard name == "int" || name == "float" else { throw error("Range can only be cast to int or float") }
                func castBound(_ n: RangeNumber) throws(ConfigError) -> RangeNumber {
                    switch try cast(n.value) {
                    case .int(let i): return .int(i)
                    case .double(let d): return .float(d)
                    case .bigInt: throw error("range arguments beyond 64 bits are not supported")
                    default: throw error("Range can only be cast to int or float")
                    }
                }
                return .sweep(.range(SweepRange(start: try castBound(range.start), stop: try castBound(range.stop),
                                                step: try castBound(range.step))))
            case .sweep(.interval(let low, let high)):
                guard name == "int" || name == "float" else { throw error("Intervals cannot be cast to \(name)") }
                func castBound(_ d: Double) throws(ConfigError) -> Double {
                    try cast(.double(d)).integerAsDouble ?? d
                }
                return .sweep(.interval(try castBound(low), try castBound(high)))
            case .sweep(let other):
                return .sweep(other)
            }
        default:
            throw parser.error("unknown function '\(name)'",
                               hint: "available functions: choice, range, glob, interval, sort, shuffle, int, float, str, bool")
        }
    }

    /// `sort(...)` and `shuffle(...)` of a list, a choice sweep or a range.
    func reorder() throws(ConfigError) -> Parsed {
        let location = parser.location
        var reverse = false
        if let r = named.first(where: { $0.0 == "reverse" }) {
            guard name == "sort", case .node(let n, _) = r.1, case .bool(let b) = n.value else {
                throw error("reverse must be true or false")
            }
            reverse = b
        }
        var items: [SweepElement]
        var isList = false
        if let listArg = named.first(where: { $0.0 == "list" }) {
            isList = true
            guard let seq = try node(listArg.1).sequence else { throw error("list= takes a list") }
            items = seq.map { SweepElement(node: $0, text: PythonFormat.str($0.value)) }
        } else if let sweepArg = named.first(where: { $0.0 == "sweep" })?.1 ?? (positional.count == 1 ? positional[0] : nil),
                  case .sweep(let sweep) = sweepArg {
            switch sweep {
            case .choice(let elements):
                items = elements
            case .range(let range):
                if name == "sort" { return .sweep(.range(range.sorted(reverse: reverse))) }
                // Shuffling a range enumerates it first.
                do {
                    items = try range.values().map { v in
                        SweepElement(node: ConfigNode(v), text: SweepText.element(v))
                    }
                } catch {
                    throw self.error("the range has too many values to shuffle")
                }
            default:
                throw error("only a choice or a range can be \(name == "sort" ? "sorted" : "shuffled")")
            }
        } else if positional.count == 1, case .node(let n, let t) = positional[0] {
            guard let seq = n.sequence else { return .node(n, text: t) }
            isList = true
            items = seq.map { SweepElement(node: $0, text: PythonFormat.str($0.value)) }
        } else {
            guard !positional.isEmpty else { throw error("empty \(name) input") }
            items = []
            for p in positional {
                guard case .node(let n, let t) = p else { throw error("nested sweeps are not supported") }
                items.append(SweepElement(node: n, text: t))
            }
        }
        if name == "sort" {
            // Python's sorted(): numbers (and booleans) by value, strings by code point, lists
            // element by element; anything else, or a mix, cannot be ordered.
            for item in items.dropFirst() {
                guard PythonOrder.comparable(items[0].node.value, item.node.value) else {
                    throw error("'<' not supported between \(items[0].node.kindDescription) and \(item.node.kindDescription)")
                }
            }
            // Stable in both directions, as Python's reverse=True is.
            items.sort { reverse ? PythonOrder.less($1.node.value, $0.node.value) : PythonOrder.less($0.node.value, $1.node.value) }
        } else {
            var generator = SystemRandomNumberGenerator()
            items.shuffle(using: &generator)
        }
        if isList { return .node(ConfigNode(.sequence(items.map(\.node)), location: location), text: text) }
        return .sweep(.choice(items))
    }

    func cast(_ value: ConfigValue) throws(ConfigError) -> ConfigValue {
        switch (name, value) {
        case (_, .sequence(let items)):
            var out: [ConfigNode] = []
            for item in items { out.append(ConfigNode(try cast(item.value))) }
            return .sequence(out)
        case (_, .mapping(let m)):
            var out = ConfigMapping()
            for (k, v) in m { out[k] = ConfigNode(try cast(v.value)) }
            return .mapping(out)
        case ("int", .int), ("int", .bigInt): return value
        case ("int", .double(let d)):
            // Python: int(inf) raises OverflowError, int(nan) ValueError; both are errors here.
            // A large float gives its exact value: int(1e29) is 99999999999999991433150857216.
            guard let i = ConfigValue.integer(truncating: d) else {
                throw error("cannot convert float \(d.isNaN ? "NaN" : (d > 0 ? "infinity" : "-infinity")) to integer")
            }
            return i
        case ("int", .bool(let b)): return .int(b ? 1 : 0)
        case ("int", .string(let s)):
            // Python's int(str): optional sign, decimal digits, `_` between digits.
            var digits = Substring(s.trimmingWhitespace())
            let negative = digits.first == "-"
            if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
            guard digits.first?.isNumber == true, digits.last?.isNumber == true, !digits.contains("__"),
                  let i = ConfigValue.integer(digits: digits.filter { $0 != "_" }, negative: negative) else {
                throw error("cannot convert '\(s)' to int")
            }
            return i
        case ("float", .int), ("float", .bigInt): return .double(value.integerAsDouble!)
        case ("float", .double): return value
        case ("float", .bool(let b)): return .double(b ? 1 : 0)
        case ("float", .string(let s)):
            guard let d = Double(String(s.trimmingWhitespace())) else { throw error("cannot convert '\(s)' to float") }
            return .double(d)
        case ("str", .bool(let b)): return .string(b ? "true" : "false")
        case ("str", .null): return .string("null")
        case ("str", _): return .string(PythonFormat.str(value))
        case ("bool", .bool): return value
        case ("bool", .int(let i)): return .bool(i != 0)
        case ("bool", .bigInt): return .bool(true)
        case ("bool", .double(let d)): return .bool(d != 0)
        case ("bool", .string(let s)):
            switch s.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw error("cannot convert '\(s)' to bool (use true or false)")
            }
        default:
            throw error("cannot convert \(ConfigNode(value).kindDescription) with \(name)()")
        }
    }
}

