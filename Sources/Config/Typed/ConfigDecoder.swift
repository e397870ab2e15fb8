/// Decodes a resolved ``ConfigNode`` tree into `Decodable` Swift values, with errors that name
/// the key path, the file position and what was expected.
///
/// Types whose `CodingKeys` are `CaseIterable` are strict: a key they do not declare is an
/// error with a did-you-mean, as Hydra's structured configs are. A `???` value that is read is
/// an error naming the key. A property of type ``ConfigNode`` receives the subtree as it is,
/// for parts whose shape a later stage decides (a model's `params`).
///
/// ```swift
/// let run = try ConfigDecoder().decode(RunConfig.self, from: resolvedConfig)
/// ```
public struct ConfigDecoder {
    public init() {}

    /// - Throws: ``ConfigError`` with code `.typeMismatch`, `.unknownKey` or `.missingValue`.
    public func decode<T: Decodable>(_ type: T.Type, from node: ConfigNode, at path: KeyPath = .root) throws(ConfigError) -> T {
        do {
            return try NodeDecoder(node: node, path: path).decodeValue(T.self)
        } catch let error as ConfigError {
            throw error
        } catch let DecodingError.dataCorrupted(context) {
            let key = KeyPath(context.codingPath.map(\.stringValue))
            throw ConfigError(.invalidValue, "invalid value at '\(key)': \(context.debugDescription)", keyPath: key.description,
                              location: node.node(at: key)?.location ?? node.location, hint: "check the value's spelling")
        } catch {
            throw ConfigError(.typeMismatch, "cannot read the config at '\(path)': \(error)", keyPath: path.description,
                              location: node.location, hint: "check the value's type")
        }
    }
}

struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

struct NodeDecoder: Decoder {
    let node: ConfigNode
    let path: KeyPath
    var codingPath: [any CodingKey] { path.components.map { AnyCodingKey(stringValue: $0) } }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == ConfigNode.self { return node as! T }
        if node.isMissing {
            throw ConfigError(.missingValue, "missing mandatory value '\(path)'", keyPath: path.description,
                              location: node.location, hint: "set it on the command line: \(path)=VALUE")
        }
        return try T(from: self)
    }

    func mismatch(_ expected: String) -> ConfigError {
        var shown = ""
        switch node.value {
        case .string(let s): shown = " ('\(s)')"
        case .int, .bigInt, .double, .bool: shown = " (\(PythonFormat.str(node.value)))"
        default: break
        }
        return ConfigError(.typeMismatch, "'\(path.isRoot ? "<root>" : path.description)' must be \(expected), not \(node.kindDescription)\(shown)",
                           keyPath: path.description, location: node.location,
                           hint: "change the value in the config file or with \(path.isRoot ? "an override" : "\(path)=...")")
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let mapping = node.mapping else { throw mismatch("a mapping") }
        if let all = Key.self as? any CaseIterable.Type {
            let known = (all.allCases as any Collection).map { ($0 as! Key).stringValue }
            for key in mapping.keys where !known.contains(key) {
                var hint = "known keys: \(known.joined(separator: ", "))"
                hint = DidYouMean.hint(key, among: known) ?? hint
                let where_ = path.isRoot ? "at the top level" : "in '\(path)'"
                throw ConfigError(.unknownKey, "unknown key '\(key)' \(where_)", keyPath: path.appending(key).description,
                                  location: mapping[key]?.location ?? node.location, hint: hint)
            }
        }
        return KeyedDecodingContainer(Keyed<Key>(decoder: self, mapping: mapping))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = node.sequence else { throw mismatch("a list") }
        return Unkeyed(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    func child(_ key: String, _ node: ConfigNode) -> NodeDecoder {
        NodeDecoder(node: node, path: path.appending(key))
    }

    // Scalars

    func decodeBool() throws -> Bool {
        if case .bool(let b) = node.value { return b }
        throw mismatch("true or false")
    }

    func decodeString() throws -> String {
        switch node.value {
        case .string(let s): return s
        case .int, .bigInt, .double, .bool: return PythonFormat.str(node.value)
        default: throw mismatch("a string")
        }
    }

    func decodeDouble() throws -> Double {
        switch node.value {
        case .double(let d): return d
        case .int, .bigInt: return node.value.integerAsDouble!
        default: throw mismatch("a number")
        }
    }

    func decodeInt() throws -> Int {
        if case .int(let i) = node.value { return i }
        if case .double(let d) = node.value, d.rounded() == d, abs(d) < 9e15 { return Int(d) }
        if case .bigInt(let digits) = node.value {
            let key = path.isRoot ? "<root>" : path.description
            throw ConfigError(.typeMismatch, "'\(key)' is too large: \(digits) does not fit in a 64-bit integer",
                              keyPath: path.description, location: node.location,
                              hint: "use a value between \(Int.min) and \(Int.max)")
        }
        throw mismatch("an integer")
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: NodeDecoder
        let mapping: ConfigMapping
        var codingPath: [any CodingKey] { decoder.codingPath }
        var allKeys: [Key] { mapping.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { mapping.contains(key.stringValue) }

        func childDecoder(_ key: Key) throws -> NodeDecoder {
            guard let value = mapping[key.stringValue] else {
                let path = decoder.path.appending(key.stringValue)
                throw ConfigError(.missingValue, "missing key '\(path)'", keyPath: path.description,
                                  location: decoder.node.location, hint: "add it with +\(path)=VALUE")
            }
            return decoder.child(key.stringValue, value)
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            guard let value = mapping[key.stringValue] else { return true }
            if case .null = value.value { return true }
            return false
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try childDecoder(key).decodeValue(T.self)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let value = mapping[key.stringValue] else { return nil }
            if case .null = value.value, T.self != ConfigNode.self { return nil }
            return try decoder.child(key.stringValue, value).decodeValue(T.self)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try childDecoder(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try childDecoder(key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { try childDecoder(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: NodeDecoder
        let items: [ConfigNode]
        var currentIndex = 0
        var codingPath: [any CodingKey] { decoder.codingPath }
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        mutating func next() throws -> NodeDecoder {
            guard !isAtEnd else { throw decoder.mismatch("a longer list") }
            defer { currentIndex += 1 }
            return decoder.child(String(currentIndex), items[currentIndex])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { return false }
            if case .null = items[currentIndex].value { currentIndex += 1; return true }
            return false
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: NodeDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }

        func decodeNil() -> Bool {
            if case .null = decoder.node.value { return true }
            return false
        }

        func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeBool() }
        func decode(_ type: String.Type) throws -> String { try decoder.decodeString() }
        func decode(_ type: Double.Type) throws -> Double { try decoder.decodeDouble() }
        func decode(_ type: Float.Type) throws -> Float { Float(try decoder.decodeDouble()) }
        func decode(_ type: Int.Type) throws -> Int { try decoder.decodeInt() }
        func decode(_ type: Int8.Type) throws -> Int8 { try narrow(Int8.self) }
        func decode(_ type: Int16.Type) throws -> Int16 { try narrow(Int16.self) }
        func decode(_ type: Int32.Type) throws -> Int32 { try narrow(Int32.self) }
        func decode(_ type: Int64.Type) throws -> Int64 { Int64(try decoder.decodeInt()) }
        func decode(_ type: UInt.Type) throws -> UInt { try narrow(UInt.self) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try narrow(UInt8.self) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try narrow(UInt16.self) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try narrow(UInt32.self) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try narrow(UInt64.self) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }

        func narrow<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            let value = try decoder.decodeInt()
            guard let narrowed = T(exactly: value) else { throw decoder.mismatch("an integer between \(T.min) and \(T.max)") }
            return narrowed
        }
    }
}

extension ConfigNode: Decodable {
    /// A subtree read as it is, when decoded with ``ConfigDecoder``.
    public init(from decoder: any Decoder) throws {
        guard let nodeDecoder = decoder as? NodeDecoder else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "ConfigNode can only be decoded with ConfigDecoder"))
        }
        self = nodeDecoder.node
    }
}
