/// Parquet's schema as a tree: where each leaf column sits, its maximum definition and
/// repetition levels, how its values read (physical plus logical or converted type), and the
/// shape rows are rebuilt in (structs, lists in their 3-level and legacy 2-level layouts, maps).

enum PhysicalType: Int32 {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
}

enum Repetition: Int32 { case required = 0, optional = 1, repeated = 2 }

/// One leaf column: a path of the schema ending in a primitive.
struct LeafColumn {
    var path: [String]
    var physical: PhysicalType
    var typeLength: Int
    var maxDefinition: Int
    var maxRepetition: Int
    var kind: ValueKind
    var name: String { path.joined(separator: ".") }
}

/// A node of the tree rows are assembled from.
enum Shape {
    /// A leaf column, by its index in ``ParquetSchema/leaves``.
    case leaf(Int)
    case record([(String, AssemblyNode)])
    /// A list: `repetition` is the repetition level of its repeated field, whose elements are
    /// present at definition level `elementDefinition` or above.
    case list(element: AssemblyNode, repetition: Int, elementDefinition: Int)
}

/// A node of the assembly tree (a class: the tree is recursive and never changes once built).
final class AssemblyNode {
    let shape: Shape
    /// Definition level from which this node is present (not null); a required node is never null.
    let definition: Int
    let nullable: Bool
    /// The leaves under this node, contiguous in schema order.
    let leaves: Range<Int>

    init(shape: Shape, definition: Int, nullable: Bool, leaves: Range<Int>) {
        self.shape = shape
        self.definition = definition
        self.nullable = nullable
        self.leaves = leaves
    }
}

struct ParquetSchema {
    var leaves: [LeafColumn] = []
    /// Top-level columns, in order.
    var columns: [(name: String, node: AssemblyNode)] = []

    private struct Element {
        var element: SchemaElement
        var children: [Element]
        var repetition: Repetition
    }

    init(_ elements: [SchemaElement], file: String) throws(ColumnarError) {
        guard let root = elements.first else { throw ColumnarError("the Parquet schema is empty", file: file) }
        var index = 1
        var roots: [Element] = []
        for _ in 0..<max(0, Int(root.numChildren ?? 0)) {
            roots.append(try Self.tree(elements, &index, depth: 1, file: file))
        }
        guard index == elements.count else {
            throw ColumnarError("the Parquet schema has \(elements.count - index) elements outside its tree", file: file)
        }
        for element in roots {
            let node = try convert(element, definition: 0, repetition: 0, path: [], file: file)
            columns.append((element.element.name, node))
        }
    }

    private static func tree(_ elements: [SchemaElement], _ index: inout Int, depth: Int, file: String) throws(ColumnarError) -> Element {
        guard depth <= 100 else { throw ColumnarError("the Parquet schema is nested too deeply", file: file) }
        guard index < elements.count else { throw ColumnarError("the Parquet schema ends inside a group", file: file) }
        let element = elements[index]
        index += 1
        guard let repetition = Repetition(rawValue: element.repetition ?? 0) else {
            throw ColumnarError("unknown repetition \(element.repetition ?? 0)", file: file, column: element.name)
        }
        var children: [Element] = []
        if let count = element.numChildren, element.type == nil {
            guard count >= 0, count <= elements.count - index else {
                throw ColumnarError("a schema group with \(count) children", file: file, column: element.name)
            }
            for _ in 0..<count { children.append(try tree(elements, &index, depth: depth + 1, file: file)) }
        }
        return Element(element: element, children: children, repetition: repetition)
    }

    private static func isList(_ e: SchemaElement) -> Bool { e.logicalType == .list || e.convertedType == 3 }
    private static func isMap(_ e: SchemaElement) -> Bool { e.logicalType == .map || e.convertedType == 1 || e.convertedType == 2 }

    /// The node for `e` below a parent present at `definition`, `repetition`.
    private mutating func convert(_ e: Element, definition: Int, repetition: Int, path: [String], file: String) throws(ColumnarError) -> AssemblyNode {
        let def = definition + (e.repetition == .required ? 0 : 1)
        let rep = repetition + (e.repetition == .repeated ? 1 : 0)
        let path = path + [e.element.name]
        if e.repetition == .repeated {
            // A repeated field outside a LIST group: a list that is never null.
            let element = try plain(e, definition: def, repetition: rep, path: path, file: file, nullable: false)
            return AssemblyNode(shape: .list(element: element, repetition: rep, elementDefinition: def),
                                definition: definition, nullable: false, leaves: element.leaves)
        }
        if e.children.count == 1, e.children[0].repetition == .repeated, Self.isList(e.element) || Self.isMap(e.element) {
            let repeated = e.children[0]
            let elementDef = def + 1, elementRep = rep + 1
            let innerPath = path + [repeated.element.name]
            let element: AssemblyNode
            if Self.isMap(e.element), repeated.children.count == 2 {
                let key = try convert(repeated.children[0], definition: elementDef, repetition: elementRep, path: innerPath, file: file)
                let value = try convert(repeated.children[1], definition: elementDef, repetition: elementRep, path: innerPath, file: file)
                element = AssemblyNode(shape: .record([("key", key), ("value", value)]), definition: elementDef, nullable: false,
                                       leaves: key.leaves.lowerBound..<value.leaves.upperBound)
            } else if repeated.children.isEmpty || repeated.children.count > 1
                        || repeated.element.name == "array" || repeated.element.name == e.element.name + "_tuple" {
                // Legacy 2-level list: the repeated field is the element itself.
                element = try plain(repeated, definition: elementDef, repetition: elementRep, path: innerPath, file: file, nullable: false)
            } else {
                element = try convert(repeated.children[0], definition: elementDef, repetition: elementRep, path: innerPath, file: file)
            }
            return AssemblyNode(shape: .list(element: element, repetition: elementRep, elementDefinition: elementDef),
                                definition: def, nullable: e.repetition == .optional, leaves: element.leaves)
        }
        return try plain(e, definition: def, repetition: rep, path: path, file: file, nullable: e.repetition == .optional)
    }

    /// A struct or a leaf at levels already counted for `e` itself.
    private mutating func plain(_ e: Element, definition: Int, repetition: Int, path: [String], file: String, nullable: Bool) throws(ColumnarError) -> AssemblyNode {
        if e.element.type == nil {
            var fields: [(String, AssemblyNode)] = []
            let first = leaves.count
            for child in e.children {
                fields.append((child.element.name, try convert(child, definition: definition, repetition: repetition, path: path, file: file)))
            }
            return AssemblyNode(shape: .record(fields), definition: definition, nullable: nullable, leaves: first..<leaves.count)
        }
        let name = path.joined(separator: ".")
        guard let physical = PhysicalType(rawValue: e.element.type ?? -1) else {
            throw ColumnarError("unknown physical type \(e.element.type ?? -1)", file: file, column: name)
        }
        let length = Int(e.element.typeLength ?? 0)
        if physical == .fixedLenByteArray, length <= 0 || length > 1 << 20 {
            throw ColumnarError("a fixed-length column of length \(length)", file: file, column: name)
        }
        guard definition <= 255, repetition <= 255 else { throw ColumnarError("the Parquet schema is nested too deeply", file: file, column: name) }
        let kind = try ValueKind(physical: physical, element: e.element, file: file, column: name)
        leaves.append(LeafColumn(path: path, physical: physical, typeLength: length, maxDefinition: definition,
                                 maxRepetition: repetition, kind: kind))
        return AssemblyNode(shape: .leaf(leaves.count - 1), definition: definition, nullable: nullable, leaves: (leaves.count - 1)..<leaves.count)
    }
}
