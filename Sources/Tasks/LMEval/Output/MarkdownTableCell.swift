import Foundation

/// One cell of lm-eval's printed table as pytablewriter (through dataproperty and typepy) sees
/// it: a cell's type decides its column's type, and the column's type how every cell of it is
/// spelled and aligned ("0.1260" is a real number with 3 decimal places, "0.0000" an integer).
enum MarkdownTableCell: Equatable {
    /// A Python `str` as `make_table` puts it in the row.
    case text(String)
    /// A Python `float` (a task's version, `1.0`).
    case float(Double)
    /// A Python `int`.
    case integer(Int)

    /// typepy's type codes that matter for these cells, in dataproperty's priority order.
    enum Kind: Int, CaseIterable {
        case string, realNumber, integer, bool, infinity, nan, nullString
    }

    /// What typepy makes of the cell: whitespace-only text is a null string, numeric text
    /// with an integral value an integer, other numeric text a real number.
    var kind: Kind {
        switch self {
        case .integer: return .integer
        case .float(let d):
            if d.isNaN { return .nan }
            if d.isInfinite { return .infinity }
            return d == d.rounded() ? .integer : .realNumber
        case .text(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return .nullString }
            switch t.lowercased() {
            case "true", "false": return .bool
            case "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity": return .infinity
            case "nan": return .nan
            default: break
            }
            guard let decimal = Self.decimal(t) else { return .string }
            return decimal.fraction.isEmpty ? .integer : .realNumber
        }
    }

    /// Decimal places of a number cell (trailing zeros dropped, as typepy's value has them).
    var decimalPlaces: Int {
        switch self {
        case .integer: return 0
        case .float(let d):
            guard d.isFinite, d != d.rounded() else { return 0 }
            let repr = PythonText.float(d)
            if repr.contains("e") { return 0 }
            return repr.split(separator: ".").last.map { $0.count } ?? 0
        case .text(let s):
            return Self.decimal(s.trimmingCharacters(in: .whitespaces))?.fraction.count ?? 0
        }
    }

    /// A plain decimal numeral split in sign, integer digits and significant fraction digits.
    static func decimal(_ s: String) -> (negative: Bool, whole: String, fraction: String)? {
        var text = Substring(s)
        var negative = false
        if text.first == "-" || text.first == "+" { negative = text.first == "-"; text = text.dropFirst() }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, parts.count <= 2 else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty), whole.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit) else { return nil }
        var significant = String(fraction)
        while significant.last == "0" { significant.removeLast() }
        return (negative, whole.isEmpty ? "0" : String(whole), significant)
    }

    /// The cell spelled as its column spells it: integers with `{:d}`, reals with the column's
    /// decimal places, text as it is.
    func spelled(column: Kind, decimalPlaces: Int) -> String {
        let own = kind
        if own == .string || own == .nullString || own == .bool { return raw }
        switch column {
        case .integer where own == .integer || own == .realNumber:
            return integerText
        case .realNumber, .string:
            if column == .string, own == .integer { return integerText }
            return realText(decimalPlaces)
        case .integer where own == .nan || own == .infinity:
            return realText(0)
        default:
            return raw
        }
    }

    private var raw: String {
        switch self {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .float(let d): return PythonText.float(d)
        }
    }

    private var integerText: String {
        switch self {
        case .integer(let i): return String(i)
        case .float(let d): return String(format: "%.0f", d.rounded(.towardZero))
        case .text(let s):
            guard let n = Self.decimal(s.trimmingCharacters(in: .whitespaces)) else { return s }
            let whole = String(n.whole.drop { $0 == "0" })
            return (n.negative && whole != "" ? "-" : "") + (whole.isEmpty ? "0" : whole)
        }
    }

    private func realText(_ places: Int) -> String {
        switch self {
        case .integer(let i): return places == 0 ? String(i) : String(i) + "." + String(repeating: "0", count: places)
        case .float(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
            return String(format: "%.\(places)f", d)
        case .text(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            switch t.lowercased() {
            // typepy reads them as Decimal, which formats as these words.
            case "nan": return "NaN"
            case "inf", "+inf", "infinity", "+infinity": return "Infinity"
            case "-inf", "-infinity": return "-Infinity"
            default: break
            }
            // The cell has no more decimal places than the column: padding is exact.
            guard let n = Self.decimal(t) else { return s }
            let whole = String(n.whole.drop { $0 == "0" })
            let fraction = n.fraction + String(repeating: "0", count: max(0, places - n.fraction.count))
            let sign = n.negative && !(whole.isEmpty && n.fraction.isEmpty) ? "-" : ""
            return sign + (whole.isEmpty ? "0" : whole) + (places == 0 ? "" : "." + fraction.prefix(places))
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
