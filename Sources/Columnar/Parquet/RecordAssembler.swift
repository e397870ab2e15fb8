/// Rebuilds rows from the leaves' definition and repetition levels (Dremel), the way pyarrow
/// does: a struct is null when its definition level is not reached, a list is null or empty by
/// the level of its repeated field, and a list goes on while its repeated field's repetition
/// level comes back. Each leaf keeps a cursor; reading a node consumes one entry of each leaf
/// under it per value slot, so the leaves stay in step.
struct RecordAssembler {
    let file: String
    let schema: ParquetSchema
    private var leaves: [LeafData]
    private var cursors: [Int]
    private var valueCursors: [Int]

    init(file: String, schema: ParquetSchema, leaves: [LeafData]) {
        self.file = file
        self.schema = schema
        self.leaves = leaves
        self.cursors = Array(repeating: 0, count: leaves.count)
        self.valueCursors = Array(repeating: 0, count: leaves.count)
    }

    private func error(_ message: String, leaf: Int) -> ColumnarError {
        ColumnarError("corrupt levels: \(message)", file: file, column: schema.leaves[leaf].name)
    }

    /// All rows of the row group.
    mutating func rows(_ count: Int) throws(ColumnarError) -> [[ColumnValue]] {
        if leaves.isEmpty {
            guard count <= 1 << 20 else { throw ColumnarError("\(count) rows without columns", file: file) }
            return Array(repeating: [], count: count)
        }
        var rows: [[ColumnValue]] = []
        rows.reserveCapacity(min(count, leaves[0].count))
        for _ in 0..<count {
            var row: [ColumnValue] = []
            row.reserveCapacity(schema.columns.count)
            for column in schema.columns {
                let first = column.node.leaves.lowerBound
                if first < leaves.count, schema.leaves[first].maxRepetition > 0 {
                    guard cursors[first] < leaves[first].count else { throw error("fewer entries than rows", leaf: first) }
                    guard leaves[first].repetitions[cursors[first]] == 0 else { throw error("a row that does not start at repetition level 0", leaf: first) }
                }
                row.append(try read(column.node))
            }
            rows.append(row)
        }
        for leaf in leaves.indices where cursors[leaf] != leaves[leaf].count || valueCursors[leaf] != leaves[leaf].values.count {
            throw error("\(leaves[leaf].count - cursors[leaf]) entries left after the last row", leaf: leaf)
        }
        return rows
    }

    /// The definition level of `leaf`'s next entry.
    @inline(__always)
    private func definition(_ leaf: Int) throws(ColumnarError) -> Int {
        let cursor = cursors[leaf]
        guard cursor < leaves[leaf].count else { throw error("fewer entries than the rows need", leaf: leaf) }
        return schema.leaves[leaf].maxDefinition == 0 ? 0 : Int(leaves[leaf].definitions[cursor])
    }

    /// Consumes one entry of every leaf under `node` (a null or empty slot).
    private mutating func skip(_ node: AssemblyNode) throws(ColumnarError) {
        for leaf in node.leaves {
            let def = try definition(leaf)
            if def == schema.leaves[leaf].maxDefinition { valueCursors[leaf] += 1 }
            cursors[leaf] += 1
        }
    }

    private mutating func read(_ node: AssemblyNode) throws(ColumnarError) -> ColumnValue {
        switch node.shape {
        case .leaf(let leaf):
            let def = try definition(leaf)
            cursors[leaf] += 1
            guard def == schema.leaves[leaf].maxDefinition else { return .null }
            let index = valueCursors[leaf]
            guard index < leaves[leaf].values.count else { throw error("more defined entries than values", leaf: leaf) }
            valueCursors[leaf] = index + 1
            return leaves[leaf].values[index]
        case .record(let fields):
            guard let first = node.leaves.first else { return .record(fields.map { ($0.0, .null) }) }
            if node.nullable, try definition(first) < node.definition {
                try skip(node)
                return .null
            }
            var values: [(String, ColumnValue)] = []
            values.reserveCapacity(fields.count)
            for (name, child) in fields { values.append((name, try read(child))) }
            return .record(values)
        case .list(let element, let repetition, let elementDefinition):
            guard let first = node.leaves.first else { return .list([]) }
            let def = try definition(first)
            if def < node.definition && node.nullable {
                try skip(node)
                return .null
            }
            if def < elementDefinition {
                try skip(node)
                return .list([])
            }
            var items: [ColumnValue] = []
            while true {
                items.append(try read(element))
                let cursor = cursors[first]
                guard cursor < leaves[first].count, Int(leaves[first].repetitions[cursor]) == repetition else { break }
            }
            return .list(items)
        }
    }
}
