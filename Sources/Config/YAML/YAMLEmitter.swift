/// Writes a ``ConfigNode`` tree as YAML exactly as OmegaConf's `to_yaml` prints it.
///
/// OmegaConf dumps with PyYAML in block style, keys in insertion order, Unicode kept, lines
/// folded at 80 columns, and quotes strings that would read back as another type. Matching
/// that byte for byte lets users diff our `--cfg job` against Hydra's.
public struct YAMLEmitter {
    public init() {}

    /// The YAML text of `node`, ending with a newline.
    public func emit(_ node: ConfigNode) -> String {
        var writer = Writer()
        switch node.value {
        case .mapping(let m) where !m.isEmpty:
            writer.indent = 0
            writer.blockMapping(m, indent: 0)
        case .sequence(let s) where !s.isEmpty:
            writer.blockSequence(s, indent: 0)
        default:
            writer.indent = 0
            writer.flowOrScalar(node, indent: 0)
            if !node.isContainer, case .string = node.value { writer.out += "\n..." }
        }
        writer.out += "\n"
        return writer.out
    }
}

/// PyYAML's emitter state, reduced to block style.
private struct Writer {
    var out = ""
    var column = 0
    var whitespace = true
    var indention = true
    var indent = 0
    let bestWidth = 80

    mutating func write(_ text: String) {
        out += text
        column += text.unicodeScalars.count
    }

    mutating func lineBreak() {
        out += "\n"
        whitespace = true
        indention = true
        column = 0
    }

    mutating func writeIndent() {
        if !indention || column > indent || (column == indent && !whitespace) { lineBreak() }
        if column < indent {
            whitespace = true
            out += String(repeating: " ", count: indent - column)
            column = indent
        }
    }

    mutating func indicator(_ text: String, needWhitespace: Bool, whitespace ws: Bool = false, indention ind: Bool = false) {
        let data = (whitespace || !needWhitespace) ? text : " " + text
        whitespace = ws
        indention = indention && ind
        write(data)
    }

    mutating func blockMapping(_ m: ConfigMapping, indent mappingIndent: Int) {
        for (key, value) in m {
            indent = mappingIndent
            writeIndent()
            let keyStyle: StyleHint = m.isNonStringKey(key) ? .plainIfImplicit(true) : stringStyleHint(key)
            scalar(key, styleHint: keyStyle, simpleKey: true, scalarIndent: mappingIndent + 2)
            indent = mappingIndent
            indicator(":", needWhitespace: false)
            child(value, parentIndent: mappingIndent, inMapping: true)
        }
    }

    mutating func blockSequence(_ s: [ConfigNode], indent sequenceIndent: Int) {
        for item in s {
            indent = sequenceIndent
            writeIndent()
            indicator("-", needWhitespace: true, indention: true)
            child(item, parentIndent: sequenceIndent, inMapping: false)
        }
    }

    /// Writes a mapping value or sequence item whose parent sits at `parentIndent`.
    mutating func child(_ node: ConfigNode, parentIndent: Int, inMapping: Bool) {
        switch node.value {
        case .mapping(let m) where !m.isEmpty:
            indent = parentIndent + 2
            blockMapping(m, indent: parentIndent + 2)
        case .sequence(let s) where !s.isEmpty:
            // A list under a mapping key is "indentless": its dashes align with the key.
            let seqIndent = inMapping ? parentIndent : parentIndent + 2
            indent = seqIndent
            blockSequence(s, indent: seqIndent)
        default:
            flowOrScalar(node, indent: parentIndent + 2)
        }
    }

    mutating func flowOrScalar(_ node: ConfigNode, indent scalarIndent: Int) {
        switch node.value {
        case .mapping: indent = scalarIndent; indicator("{", needWhitespace: true, whitespace: true); indicator("}", needWhitespace: false)
        case .sequence: indent = scalarIndent; indicator("[", needWhitespace: true, whitespace: true); indicator("]", needWhitespace: false)
        case .null: scalar("null", styleHint: .plainIfImplicit(true), simpleKey: false, scalarIndent: scalarIndent)
        case .bool(let b): scalar(b ? "true" : "false", styleHint: .plainIfImplicit(true), simpleKey: false, scalarIndent: scalarIndent)
        case .int(let i): scalar(String(i), styleHint: .plainIfImplicit(true), simpleKey: false, scalarIndent: scalarIndent)
        case .bigInt(let digits): scalar(digits, styleHint: .plainIfImplicit(true), simpleKey: false, scalarIndent: scalarIndent)
        case .double(let d): scalar(PythonFormat.yamlFloat(d), styleHint: .plainIfImplicit(true), simpleKey: false, scalarIndent: scalarIndent)
        case .string(let s): scalar(s, styleHint: stringStyleHint(s), simpleKey: false, scalarIndent: scalarIndent)
        }
    }

    enum StyleHint {
        /// No style requested; plain is allowed when the text reads back as the same type.
        case plainIfImplicit(Bool)
        /// OmegaConf asks for single quotes (strings that look like bools or numbers).
        case singleQuoted
    }

    /// OmegaConf quotes strings that Python would read as a bool, int or float; PyYAML then
    /// quotes anything its own resolver would not read back as a string.
    func stringStyleHint(_ s: String) -> StyleHint {
        if PythonFormat.omegaConfWouldQuote(s) { return .singleQuoted }
        return .plainIfImplicit(!DumpResolver.resolvesToNonString(s))
    }

    mutating func scalar(_ text: String, styleHint: StyleHint, simpleKey: Bool, scalarIndent: Int) {
        let analysis = ScalarAnalysis(text)
        var style: Character = "\""
        switch styleHint {
        case .plainIfImplicit(let implicit):
            if implicit, !(simpleKey && (analysis.empty || analysis.multiline)), analysis.allowBlockPlain {
                style = " "
            } else if analysis.allowSingleQuoted, !(simpleKey && analysis.multiline) {
                style = "'"
            }
        case .singleQuoted:
            if analysis.allowSingleQuoted, !(simpleKey && analysis.multiline) { style = "'" }
        }
        indent = scalarIndent
        let split = !simpleKey
        switch style {
        case " ": writePlain(text, split: split)
        case "'": writeSingleQuoted(text, split: split)
        default: writeDoubleQuoted(text, split: split)
        }
    }

    static func isBreak(_ c: Unicode.Scalar) -> Bool {
        c == "\n" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}"
    }

    mutating func writePlain(_ text: String, split: Bool) {
        if text.isEmpty { return }
        if !whitespace { write(" ") }
        // Fast path: a plain scalar has no line breaks, and nothing folds while it fits.
        let width = text.unicodeScalars.count
        if !split || column + width <= bestWidth + 1 {
            whitespace = false
            indention = false
            write(text)
            return
        }
        let chars = Array(text.unicodeScalars)
        whitespace = false
        indention = false
        var spaces = false, breaks = false
        var start = 0, end = 0
        while end <= chars.count {
            let ch: Unicode.Scalar? = end < chars.count ? chars[end] : nil
            if spaces {
                if ch != " " {
                    if start + 1 == end && column > bestWidth && split {
                        writeIndent()
                        whitespace = false
                        indention = false
                    } else {
                        write(String(String.UnicodeScalarView(chars[start..<end])))
                    }
                    start = end
                }
            } else if breaks {
                if ch == nil || !Writer.isBreak(ch!) {
                    if chars[start] == "\n" { lineBreak() }
                    for br in chars[start..<end] { if br == "\n" { lineBreak() } else { out.unicodeScalars.append(br); lineBreakState() } }
                    writeIndent()
                    whitespace = false
                    indention = false
                    start = end
                }
            } else {
                if ch == nil || ch == " " || Writer.isBreak(ch!) {
                    write(String(String.UnicodeScalarView(chars[start..<end])))
                    start = end
                }
            }
            if let ch {
                spaces = ch == " "
                breaks = Writer.isBreak(ch)
            }
            end += 1
        }
    }

    private mutating func lineBreakState() {
        whitespace = true
        indention = true
        column = 0
    }

    mutating func writeSingleQuoted(_ text: String, split: Bool) {
        indicator("'", needWhitespace: true)
        // Fast path: no quote to double, no line break, nothing to fold.
        if (!split || column + text.unicodeScalars.count <= bestWidth + 1),
           !text.utf8.contains(where: { $0 == UInt8(ascii: "'") || $0 == 10 || $0 >= 0x80 }) {
            write(text)
            indicator("'", needWhitespace: false)
            return
        }
        let chars = Array(text.unicodeScalars)
        var spaces = false, breaks = false
        var start = 0, end = 0
        while end <= chars.count {
            let ch: Unicode.Scalar? = end < chars.count ? chars[end] : nil
            if spaces {
                if ch == nil || ch != " " {
                    if start + 1 == end && column > bestWidth && split && start != 0 && end != chars.count {
                        writeIndent()
                    } else {
                        write(String(String.UnicodeScalarView(chars[start..<end])))
                    }
                    start = end
                }
            } else if breaks {
                if ch == nil || !Writer.isBreak(ch!) {
                    if chars[start] == "\n" { lineBreak() }
                    for br in chars[start..<end] {
                        if br == "\n" { lineBreak() } else { out.unicodeScalars.append(br); lineBreakState() }
                    }
                    writeIndent()
                    start = end
                }
            } else {
                if ch == nil || ch == " " || Writer.isBreak(ch!) || ch == "'" {
                    if start < end {
                        write(String(String.UnicodeScalarView(chars[start..<end])))
                        start = end
                    }
                }
            }
            if ch == "'" {
                write("''")
                start = end + 1
            }
            if let ch {
                spaces = ch == " "
                breaks = Writer.isBreak(ch)
            }
            end += 1
        }
        indicator("'", needWhitespace: false)
    }

    static let escapes: [Unicode.Scalar: String] = [
        "\0": "0", "\u{07}": "a", "\u{08}": "b", "\u{09}": "t", "\u{0A}": "n", "\u{0B}": "v",
        "\u{0C}": "f", "\u{0D}": "r", "\u{1B}": "e", "\"": "\"", "\\": "\\", "\u{85}": "N",
        "\u{A0}": "_", "\u{2028}": "L", "\u{2029}": "P",
    ]

    mutating func writeDoubleQuoted(_ text: String, split: Bool) {
        indicator("\"", needWhitespace: true)
        let chars = Array(text.unicodeScalars)
        var start = 0, end = 0
        while end <= chars.count {
            let ch: Unicode.Scalar? = end < chars.count ? chars[end] : nil
            let needsEscape: Bool = {
                guard let c = ch else { return true }
                if c == "\"" || c == "\\" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}" || c == "\u{FEFF}" { return true }
                let v = c.value
                if v >= 0x20 && v <= 0x7E { return false }
                if (v >= 0xA0 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) { return false }
                return true
            }()
            if needsEscape {
                if start < end {
                    write(String(String.UnicodeScalarView(chars[start..<end])))
                    start = end
                }
                if let c = ch {
                    let data: String
                    if let e = Writer.escapes[c] {
                        data = "\\" + e
                    } else if c.value <= 0xFF {
                        data = "\\x" + hex(c.value, width: 2)
                    } else if c.value <= 0xFFFF {
                        data = "\\u" + hex(c.value, width: 4)
                    } else {
                        data = "\\U" + hex(c.value, width: 8)
                    }
                    write(data)
                    start = end + 1
                }
            }
            if end > 0 && end < chars.count - 1 && (ch == " " || start >= end)
                && column + (end - start) > bestWidth && split {
                var data = (start < end ? String(String.UnicodeScalarView(chars[start..<end])) : "") + "\\"
                if start < end { start = end }
                write(data)
                writeIndent()
                whitespace = false
                indention = false
                if start < chars.count, chars[start] == " " {
                    data = "\\"
                    write(data)
                }
            }
            end += 1
        }
        indicator("\"", needWhitespace: false)
    }

    func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// PyYAML's `analyze_scalar`, reduced to what block-style dumping needs.
private struct ScalarAnalysis {
    var empty = false
    var multiline = false
    var allowBlockPlain = true
    var allowSingleQuoted = true

    init(_ text: String) {
        let chars = Array(text.unicodeScalars)
        if chars.isEmpty {
            empty = true
            allowBlockPlain = true
            allowSingleQuoted = true
            return
        }
        var blockIndicators = false
        var lineBreaks = false, special = false
        var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
        var breakSpace = false, spaceBreak = false
        if text.hasPrefix("---") || text.hasPrefix("...") { blockIndicators = true }
        func isSpaceOrBreak(_ c: Unicode.Scalar) -> Bool {
            c == "\0" || c == " " || c == "\t" || c == "\r" || c == "\n" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}"
        }
        var precededByWhitespace = true
        var followedByWhitespace = chars.count == 1 || isSpaceOrBreak(chars[1])
        var previousSpace = false, previousBreak = false
        for index in chars.indices {
            let ch = chars[index]
            if index == 0 {
                if "#,[]{}&*!|>'\"%@`".unicodeScalars.contains(ch) { blockIndicators = true }
                if (ch == "?" || ch == ":") && followedByWhitespace { blockIndicators = true }
                if ch == "-" && followedByWhitespace { blockIndicators = true }
            } else {
                if ch == ":" && followedByWhitespace { blockIndicators = true }
                if ch == "#" && precededByWhitespace { blockIndicators = true }
            }
            if Writer.isBreak(ch) { lineBreaks = true }
            let v = ch.value
            if !(ch == "\n" || (v >= 0x20 && v <= 0x7E)) {
                let printableUnicode = (ch == "\u{85}" || (v >= 0xA0 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD)
                    || (v >= 0x10000 && v < 0x10FFFF)) && ch != "\u{FEFF}"
                if !printableUnicode { special = true }
            }
            if ch == " " {
                if index == 0 { leadingSpace = true }
                if index == chars.count - 1 { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if Writer.isBreak(ch) {
                if index == 0 { leadingBreak = true }
                if index == chars.count - 1 { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = isSpaceOrBreak(ch)
            followedByWhitespace = index + 2 >= chars.count || isSpaceOrBreak(chars[index + 2])
        }
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak { allowBlockPlain = false }
        if breakSpace { allowBlockPlain = false; allowSingleQuoted = false }
        if spaceBreak || special { allowBlockPlain = false; allowSingleQuoted = false }
        if lineBreaks { allowBlockPlain = false }
        if blockIndicators { allowBlockPlain = false }
        multiline = lineBreaks
    }
}
