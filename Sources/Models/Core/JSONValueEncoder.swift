/// Encodes an `Encodable` value straight into a ``JSONValue``, keeping the kind of each
/// number (a `Double` 0.0 stays a double, so its canonical text stays `0.0`): a model's
/// identity is its settings encoded, and that text is part of every cache key.
/// Optionals left nil are left out, as synthesized `Encodable` does with `encodeIfPresent`.
struct JSONValueEncoder {
    func encode(_ value: some Encodable) throws -> JSONValue {
        let node = Node()
        try value.encode(to: NodeEncoder(node: node, codingPath: []))
        return node.json
    }

    /// A value under construction: containers hand out child nodes and read them back at the end.
    final class Node {
        enum Content {
            case value(JSONValue)
            case object([String: Node])
            case array([Node])
        }
        var content: Content = .value(.null)

        var json: JSONValue {
            switch content {
            case .value(let v): return v
            case .object(let children): return .object(children.mapValues(\.json))
            case .array(let children): return .array(children.map(\.json))
            }
        }

        func child(_ key: String) -> Node {
            var children: [String: Node] = [:]
            if case .object(let existing) = content { children = existing }
            let node = Node()
            children[key] = node
            content = .object(children)
            return node
        }

        func appended() -> Node {
            var children: [Node] = []
            if case .array(let existing) = content { children = existing }
            let node = Node()
            children.append(node)
            content = .array(children)
            return node
        }

        /// Numbers, strings and bools keep their kind; anything else encodes itself into this node.
        func set(_ value: some Encodable, codingPath: [any CodingKey]) throws {
            switch value {
            case let v as JSONValue: content = .value(v)
            case let v as String: content = .value(.string(v))
            case let v as Bool: content = .value(.bool(v))
            case let v as Int: content = .value(.int(v))
            case let v as Double: content = .value(.double(v))
            default: try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
            }
        }
    }

    struct NodeEncoder: Encoder {
        let node: Node
        var codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if case .object = node.content {} else { node.content = .object([:]) }
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if case .array = node.content {} else { node.content = .array([]) }
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { node.child(key.stringValue).content = .value(.null) }
        mutating func encode(_ value: some Encodable, forKey key: Key) throws {
            try node.child(key.stringValue).set(value, codingPath: codingPath + [key])
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            NodeEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            NodeEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.child("super"), codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]
        var count: Int { if case .array(let children) = node.content { children.count } else { 0 } }

        mutating func encodeNil() throws { node.appended().content = .value(.null) }
        mutating func encode(_ value: some Encodable) throws { try node.appended().set(value, codingPath: codingPath) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            NodeEncoder(node: node.appended(), codingPath: codingPath).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            NodeEncoder(node: node.appended(), codingPath: codingPath).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.appended(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]

        mutating func encodeNil() throws { node.content = .value(.null) }
        mutating func encode(_ value: some Encodable) throws { try node.set(value, codingPath: codingPath) }
    }
}
