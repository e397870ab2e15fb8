/// pytablewriter's Markdown table as lm-eval prints it: each column typed from its cells,
/// numbers right-aligned and spelled alike (the column's most decimal places), text
/// left-aligned, headers centred, columns at least 3 wide.
struct MarkdownTable {
    var headers: [String]
    var rows: [[MarkdownTableCell]]

    /// The column type as dataproperty derives it from the types of its cells.
    static func columnKind(_ kinds: Set<MarkdownTableCell.Kind>) -> MarkdownTableCell.Kind? {
        let numeric: Set<MarkdownTableCell.Kind> = [.integer, .realNumber, .infinity, .nan, .nullString]
        let mixed = !kinds.isDisjoint(with: numeric) && !kinds.isSubset(of: numeric)
        if !mixed {
            if kinds.intersection([.realNumber, .infinity, .nan, .nullString]).count >= 2 { return .realNumber }
            if kinds.intersection([.realNumber, .infinity, .nan, .integer]).count >= 2 { return .realNumber }
        }
        if kinds.contains(.bool), kinds.count > 1 { return .string }
        return MarkdownTableCell.Kind.allCases.first { kinds.contains($0) }
    }

    /// The table as `MarkdownTableWriter.dumps()` returns it (a newline after the last row).
    var text: String {
        let count = headers.count
        var spelled = rows.map { _ in [String](repeating: "", count: count) }
        var rightAligned = [Bool](repeating: false, count: count)
        // A number column aligns all its cells right; in a text column each number cell is.
        var cellRight = rows.map { _ in [Bool](repeating: false, count: count) }
        var widths = headers.map { max(3, Self.width($0)) }
        for column in 0..<count {
            let cells = rows.map { $0[column] }
            let kind = Self.columnKind(Set(cells.map(\.kind)))
            let places = cells.filter { [.integer, .realNumber].contains($0.kind) }.map(\.decimalPlaces).max() ?? 0
            rightAligned[column] = kind == .integer || kind == .realNumber
            for (r, cell) in cells.enumerated() {
                let text = cell.spelled(column: kind ?? .string, decimalPlaces: places)
                spelled[r][column] = text
                cellRight[r][column] = rightAligned[column] || [.integer, .realNumber, .nan, .infinity].contains(cell.kind)
                widths[column] = max(widths[column], Self.width(text))
            }
        }
        func line(_ cells: [String]) -> String { "|" + cells.joined(separator: "|") + "|\n" }
        var out = line(headers.enumerated().map { i, h in
            let pad = widths[i] - Self.width(h)
            return String(repeating: " ", count: pad / 2) + h + String(repeating: " ", count: pad - pad / 2)
        })
        out += line(widths.enumerated().map { i, w in
            rightAligned[i] ? String(repeating: "-", count: w - 1) + ":" : String(repeating: "-", count: w)
        })
        for (r, row) in spelled.enumerated() {
            out += line(row.enumerated().map { i, text in
                let pad = String(repeating: " ", count: widths[i] - Self.width(text))
                return cellRight[r][i] ? pad + text : text + pad
            })
        }
        return out
    }

    /// Display width: East Asian wide and fullwidth characters take two columns.
    static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { n, c in
            let v = c.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x20000...0x3FFFD).contains(v)
            return n + (wide ? 2 : 1)
        }
    }
}
