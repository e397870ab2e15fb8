/// The few top-level keys of a task YAML that lm-eval's index reads (`task`, `group`, `tag`,
/// `class`, `include`, `output_type`), found by a scanner instead of a full YAML parse: the
/// whole library (~14,000 files) is indexed in a fraction of a second this way, where parsing
/// every file took lm-eval seconds.
///
/// The scanner reads only lines that start at column 0, plus the lines of a wanted key's block
/// list. It knows YAML's quoting, flow lists (`[a, b]`), block lists (at column 0 or indented),
/// comments, `---`/`...` document markers, YAML 1.1's implicit non-strings (`null`, `yes`,
/// `12`, `1.5`) and the `!function` tag. A file it cannot read the way PyYAML would (a second
/// document, an unknown tag, a multi-line name) is `unreadable`, and lm-eval skips such files
/// too. A file broken only inside a key it does not read is indexed; loading it later says
/// what is wrong.
struct LMEvalTopLevelKeys: Sendable, Equatable {
    /// A value as far as the index cares.
    enum Value: Sendable, Equatable {
        case string(String)
        case list([Value])
        /// `null`, `~` or nothing.
        case null
        /// A number, a boolean, a `!function` reference or a mapping: present, but not a name.
        case other
    }

    enum Shape: Sendable, Equatable {
        /// A mapping at the top: the wanted keys found (the last one wins, as in PyYAML).
        case mapping([String: Value])
        /// Empty, a list or a scalar at the top: lm-eval skips it ("Expected YAML dict").
        case notMapping
        /// Something PyYAML refuses or the scanner does not follow; lm-eval skips what PyYAML refuses.
        case unreadable
    }

    static let knownTags: Set<String> = ["!function", "!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq",
                                         "!!binary", "!!timestamp", "!!omap", "!!pairs", "!!set"]

    static let wanted: Set<String> = ["task", "group", "tag", "class", "include", "output_type"]

    /// The shape of a file's text.
    static func scan(_ bytes: [UInt8]) -> Shape {
        bytes.withUnsafeBufferPointer { scan($0) }
    }

    static func scan(_ buffer: UnsafeBufferPointer<UInt8>) -> Shape {
        var scanner = Scanner(bytes: buffer)
        return scanner.run()
    }
}

private let space: UInt8 = 0x20, tab: UInt8 = 0x09, newline: UInt8 = 0x0A, cr: UInt8 = 0x0D
private let hash: UInt8 = 0x23, dash: UInt8 = 0x2D, colon: UInt8 = 0x3A, dot: UInt8 = 0x2E
private let doubleQuote: UInt8 = 0x22, singleQuote: UInt8 = 0x27, comma: UInt8 = 0x2C
private let openBracket: UInt8 = 0x5B, closeBracket: UInt8 = 0x5D, openBrace: UInt8 = 0x7B, closeBrace: UInt8 = 0x7D

/// A line of the file: its bytes without the line break, and where the next line starts.
private struct Line {
    var start: Int
    var end: Int
    var next: Int
}

private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Thrown inside to give up on the file.
    struct Unreadable: Error {}

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func line(at start: Int) -> Line {
        var end = start
        while end < bytes.count && bytes[end] != newline { end += 1 }
        let next = end < bytes.count ? end + 1 : end
        if end > start && bytes[end - 1] == cr { end -= 1 }
        return Line(start: start, end: end, next: next)
    }

    func isBlank(_ line: Line) -> Bool {
        var i = line.start
        while i < line.end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
        return i == line.end || bytes[i] == hash
    }

    func indent(_ line: Line) -> Int {
        var i = line.start
        while i < line.end && bytes[i] == space { i += 1 }
        return i - line.start
    }

    func isSpace(_ i: Int, _ end: Int) -> Bool { i >= end || bytes[i] == space || bytes[i] == tab }

    func hasMarker(_ line: Line, _ marker: UInt8) -> Bool {
        line.end - line.start >= 3 && bytes[line.start] == marker && bytes[line.start + 1] == marker
            && bytes[line.start + 2] == marker && isSpace(line.start + 3, line.end)
    }

    mutating func run() -> LMEvalTopLevelKeys.Shape {
        do { return try scanDocument() } catch { return .unreadable }
    }

    mutating func scanDocument() throws(Unreadable) -> LMEvalTopLevelKeys.Shape {
        var position = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }
        var keys: [String: LMEvalTopLevelKeys.Value] = [:]
        var sawContent = false, sawStart = false, ended = false
        while position < bytes.count {
            let line = line(at: position)
            position = try continuedEnd(line)
            if line.start == line.end { continue }
            try checkTags(line)
            let first = bytes[line.start]
            if first == space || first == tab {
                // Continuation of an earlier key (a block value we skip or already read), or a comment.
                if !sawContent && !isBlank(line) { return .notMapping }
                continue
            }
            if first == hash { continue }
            if hasMarker(line, dash) {
                if sawContent || sawStart || ended { throw Unreadable() }  // a second document
                sawStart = true
                if !isBlank(Line(start: line.start + 3, end: line.end, next: line.next)) { throw Unreadable() }
                continue
            }
            if hasMarker(line, dot) { ended = true; continue }
            if first == 0x25 /* % */ && !sawContent && !sawStart { continue }  // a directive
            if ended { throw Unreadable() }
            if first == dash && isSpace(line.start + 1, line.end) {
                // A block list at column 0: the value of the key before, or a list at the top.
                if !sawContent { return .notMapping }
                continue
            }
            let rootShape = !sawContent
            sawContent = true
            guard let (key, valueStart) = try keyOfLine(line, top: rootShape) else { return .notMapping }
            guard LMEvalTopLevelKeys.wanted.contains(key) else { continue }
            keys[key] = try value(from: valueStart, in: line)
        }
        return sawContent ? .mapping(keys) : .notMapping
    }

    /// Where the next line to read starts: after this line, or after a quoted scalar (which may
    /// continue on lines at any column, even 0) or a block scalar (`|`, `>`) that starts on it.
    func continuedEnd(_ line: Line) throws(Unreadable) -> Int {
        var i = line.start
        while i < line.end && bytes[i] == space { i += 1 }
        var column = i - line.start
        while i < line.end && bytes[i] == dash && isSpace(i + 1, line.end) {
            i += 1
            while i < line.end && bytes[i] == space { i += 1 }
            column = i - line.start
        }
        guard i < line.end, bytes[i] != hash else { return line.next }
        if bytes[i] == doubleQuote || bytes[i] == singleQuote {
            let close = try closingQuote(from: i)
            if close >= line.end { return self.line(at: close).next }
            i = close + 1
            while i < line.end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
            guard i < line.end, bytes[i] == colon else { return line.next }
            i += 1
        } else {
            while i < line.end && !(bytes[i] == colon && isSpace(i + 1, line.end)) {
                if bytes[i] == hash && (bytes[i - 1] == space || bytes[i - 1] == tab) { return line.next }
                i += 1
            }
            guard i < line.end else { return line.next }
            i += 1
        }
        while true {
            while i < line.end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
            guard i < line.end, bytes[i] == 0x26 || bytes[i] == 0x21 else { break }  // an anchor or a tag
            while i < line.end && !isSpace(i, line.end) { i += 1 }
        }
        guard i < line.end else { return line.next }
        switch bytes[i] {
        case doubleQuote, singleQuote:
            let close = try closingQuote(from: i)
            return close >= line.end ? self.line(at: close).next : line.next
        case 0x7C, 0x3E:
            // A block scalar: the lines indented past the key's column, and blank lines.
            var position = line.next
            while position < bytes.count {
                let next = self.line(at: position)
                let blank = next.start == next.end || (indent(next) == next.end - next.start)
                if !blank && indent(next) <= column { return position }
                position = next.next
            }
            return position
        default:
            return line.next
        }
    }

    /// The index of the quote closing the scalar opened at `start`, over line breaks.
    func closingQuote(from start: Int) throws(Unreadable) -> Int {
        let quote = bytes[start]
        var i = start + 1
        while i < bytes.count {
            if quote == doubleQuote && bytes[i] == 0x5C { i += 2; continue }
            if bytes[i] == quote {
                if quote == singleQuote && i + 1 < bytes.count && bytes[i + 1] == singleQuote { i += 2; continue }
                return i
            }
            i += 1
        }
        throw Unreadable()
    }

    /// PyYAML's safe loader refuses a tag it does not know anywhere in the file, so a value or
    /// list item starting with one (`key: !thing`, `- !thing`) makes the file unreadable;
    /// `!function` is lm-eval's own, and `!!str`-style tags are YAML's.
    func checkTags(_ line: Line) throws(Unreadable) {
        var i = line.start
        while i < line.end && bytes[i] != 0x21 { i += 1 }
        guard i < line.end else { return }
        i = line.start
        while i < line.end && bytes[i] == space { i += 1 }
        while i + 1 < line.end && bytes[i] == dash && isSpace(i + 1, line.end) {
            i += 1
            while i < line.end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
        }
        if i < line.end && bytes[i] != 0x21 && bytes[i] != doubleQuote && bytes[i] != singleQuote {
            // Past a plain key to its value.
            var j = i
            while j < line.end && !(bytes[j] == colon && isSpace(j + 1, line.end)) {
                if bytes[j] == hash && j > line.start && (bytes[j - 1] == space || bytes[j - 1] == tab) { return }
                j += 1
            }
            guard j < line.end else { return }
            i = j + 1
            while i < line.end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
        }
        guard i < line.end, bytes[i] == 0x21 else { return }
        var end = i
        while end < line.end && !isSpace(end, line.end) { end += 1 }
        let tag = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self)
        if !LMEvalTopLevelKeys.knownTags.contains(tag) { throw Unreadable() }
    }

    /// The key of a `key: value` line at column 0 and where its value starts; nil when the
    /// document's top is not a mapping (only checked on its first line).
    func keyOfLine(_ line: Line, top: Bool) throws(Unreadable) -> (String, Int)? {
        let first = bytes[line.start]
        var i = line.start
        let key: String
        switch first {
        case doubleQuote, singleQuote:
            let (text, after) = try quoted(from: i, end: line.end)
            var j = after
            while j < line.end && (bytes[j] == space || bytes[j] == tab) { j += 1 }
            guard j < line.end, bytes[j] == colon, isSpace(j + 1, line.end) else {
                if top { return nil }  // a quoted string at the top
                throw Unreadable()
            }
            return (text, j + 1)
        case openBracket:
            if top { return nil }
            throw Unreadable()
        case openBrace, 0x3F /* ? */, 0x26 /* & */, 0x2A /* * */, 0x21 /* ! */, 0x7C /* | */, 0x3E /* > */,
             0x40 /* @ */, 0x60 /* ` */, comma, closeBracket, closeBrace:
            throw Unreadable()
        default:
            // A plain key ends at the first ": " (or ":" at the end of the line).
            while i < line.end {
                if bytes[i] == colon && isSpace(i + 1, line.end) { break }
                if bytes[i] == hash && i > line.start && (bytes[i - 1] == space || bytes[i - 1] == tab) { i = line.end; break }
                i += 1
            }
            guard i < line.end else {
                if top { return nil }  // a plain scalar at the top (or the first line of one)
                throw Unreadable()
            }
            var keyEnd = i
            while keyEnd > line.start && (bytes[keyEnd - 1] == space || bytes[keyEnd - 1] == tab) { keyEnd -= 1 }
            key = String(decoding: UnsafeBufferPointer(rebasing: bytes[line.start..<keyEnd]), as: UTF8.self)
            return (key, i + 1)
        }
    }

    /// A wanted key's value, from the rest of its line and, for a block list, the lines after.
    func value(from start: Int, in line: Line) throws(Unreadable) -> LMEvalTopLevelKeys.Value {
        var i = start
        while i < line.end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
        if i == line.end || bytes[i] == hash { return try blockValue(after: line) }
        // An anchor names the value; it changes nothing here.
        if bytes[i] == 0x26 /* & */ {
            while i < line.end && !isSpace(i, line.end) { i += 1 }
            while i < line.end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
            if i == line.end || bytes[i] == hash { return try blockValue(after: line) }
        }
        if bytes[i] == 0x21 /* ! */ {
            var j = i
            while j < line.end && !isSpace(j, line.end) { j += 1 }
            let tag = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<j]), as: UTF8.self)
            while j < line.end && (bytes[j] == space || bytes[j] == tab) { j += 1 }
            switch tag {
            case "!function":
                try expectNoContinuation(after: line)
                return .other
            case "!!str":
                let value = try inlineValue(from: j, line: line)
                if case .null = value { return .string("") }
                if case .list = value { throw Unreadable() }
                return value
            default: throw Unreadable()  // CSafeLoader knows no other tags
            }
        }
        return try inlineValue(from: i, line: line)
    }

    func inlineValue(from i: Int, line: Line) throws(Unreadable) -> LMEvalTopLevelKeys.Value {
        if i >= line.end || bytes[i] == hash { return .null }
        switch bytes[i] {
        case doubleQuote, singleQuote:
            let (text, after) = try quoted(from: i, end: line.end)
            try expectEndOfLine(from: after, line: line)
            try expectNoContinuation(after: line)
            return .string(text)
        case openBracket:
            let (items, after) = try flowList(from: i, end: line.end)
            try expectEndOfLine(from: after, line: line)
            try expectNoContinuation(after: line)
            return .list(items)
        case openBrace:
            guard let close = lastIndex(of: closeBrace, in: i..<line.end) else { throw Unreadable() }
            try expectEndOfLine(from: close + 1, line: line)
            return .other
        case 0x7C, 0x3E: throw Unreadable()  // a block scalar (| or >): a name with line breaks
        case 0x2A /* * */, 0x25 /* % */, 0x40 /* @ */, 0x60 /* ` */, closeBracket, closeBrace, comma: throw Unreadable()
        default:
            var end = i
            while end < line.end {
                if bytes[end] == hash && (bytes[end - 1] == space || bytes[end - 1] == tab) { break }
                if bytes[end] == colon && isSpace(end + 1, line.end) { throw Unreadable() }  // `a: b: c`
                end += 1
            }
            while end > i && (bytes[end - 1] == space || bytes[end - 1] == tab) { end -= 1 }
            try expectNoContinuation(after: line)
            return Self.plain(String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self))
        }
    }

    func lastIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        var j = range.upperBound - 1
        while j >= range.lowerBound { if bytes[j] == byte { return j }; j -= 1 }
        return nil
    }

    func expectEndOfLine(from i: Int, line: Line) throws(Unreadable) {
        var j = i
        while j < line.end && (bytes[j] == space || bytes[j] == tab) { j += 1 }
        if j < line.end && !(bytes[j] == hash && j > i) { throw Unreadable() }
    }

    /// A value on the key's line continued on more-indented lines (a multi-line scalar) is not followed.
    func expectNoContinuation(after line: Line) throws(Unreadable) {
        var position = line.next
        while position < bytes.count {
            let next = self.line(at: position)
            position = next.next
            if isBlank(next) { continue }
            if bytes[next.start] == space || bytes[next.start] == tab { throw Unreadable() }
            return
        }
    }

    /// The value of `key:` with nothing after it: a block list, a block mapping, or null.
    func blockValue(after line: Line) throws(Unreadable) -> LMEvalTopLevelKeys.Value {
        var position = line.next
        var items: [LMEvalTopLevelKeys.Value] = []
        var listIndent: Int?
        while position < bytes.count {
            let next = self.line(at: position)
            position = next.next
            if isBlank(next) { continue }
            let indent = indent(next)
            let at = next.start + indent
            if at < next.end && bytes[at] == tab { throw Unreadable() }
            let isItem = bytes[at] == dash && isSpace(at + 1, next.end)
            if let listIndent {
                if indent == listIndent && isItem {
                    items.append(try listItem(from: at + 1, line: next))
                    continue
                }
                if indent > listIndent {
                    // More lines of the item before: a nested mapping or list, or a scalar's continuation.
                    guard let last = items.last else { throw Unreadable() }
                    if case .other = last { continue }
                    throw Unreadable()
                }
                if indent == 0 && !isItem { return .list(items) }
                throw Unreadable()
            }
            if isItem {
                listIndent = indent
                items.append(try listItem(from: at + 1, line: next))
                continue
            }
            if indent == 0 { return .null }
            return .other  // an indented block mapping (or a multi-line plain scalar, never a name here)
        }
        return listIndent == nil ? .null : .list(items)
    }

    /// One `- item` of a block list: a scalar, or `.other` for a mapping or a nested list.
    func listItem(from start: Int, line: Line) throws(Unreadable) -> LMEvalTopLevelKeys.Value {
        var i = start
        while i < line.end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
        if i == line.end || bytes[i] == hash { return .other }  // the item continues below
        switch bytes[i] {
        case doubleQuote, singleQuote:
            let (text, after) = try quoted(from: i, end: line.end)
            var j = after
            while j < line.end && (bytes[j] == space || bytes[j] == tab) { j += 1 }
            if j < line.end && bytes[j] == colon { return .other }  // `- "key": value`
            try expectEndOfLine(from: after, line: line)
            return .string(text)
        case openBracket:
            let (items, after) = try flowList(from: i, end: line.end)
            try expectEndOfLine(from: after, line: line)
            return .list(items)
        case openBrace, dash, 0x21 /* ! */: return .other
        case 0x26, 0x2A, 0x7C, 0x3E, 0x25, 0x40, 0x60, closeBracket, closeBrace, comma: throw Unreadable()
        default:
            var end = i
            while end < line.end {
                if bytes[end] == hash && (bytes[end - 1] == space || bytes[end - 1] == tab) { break }
                if bytes[end] == colon && isSpace(end + 1, line.end) { return .other }  // `- key: value`
                end += 1
            }
            while end > i && (bytes[end - 1] == space || bytes[end - 1] == tab) { end -= 1 }
            return Self.plain(String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self))
        }
    }

    /// `[a, "b", c]` on one line.
    func flowList(from start: Int, end: Int) throws(Unreadable) -> ([LMEvalTopLevelKeys.Value], Int) {
        var items: [LMEvalTopLevelKeys.Value] = []
        var i = start + 1
        while true {
            while i < end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
            guard i < end else { throw Unreadable() }  // a flow list over several lines
            switch bytes[i] {
            case closeBracket:
                return (items, i + 1)
            case doubleQuote, singleQuote:
                let (text, after) = try quoted(from: i, end: end)
                items.append(.string(text))
                i = after
            case openBracket, openBrace, 0x21, 0x26, 0x2A, 0x7C, 0x3E, 0x25, 0x40, 0x60, hash, comma, closeBrace:
                throw Unreadable()
            default:
                var j = i
                while j < end && bytes[j] != comma && bytes[j] != closeBracket && bytes[j] != openBracket
                        && bytes[j] != openBrace && bytes[j] != closeBrace {
                    if bytes[j] == colon && (isSpace(j + 1, end) || bytes[j + 1] == comma || bytes[j + 1] == closeBracket) { throw Unreadable() }
                    if bytes[j] == hash && (bytes[j - 1] == space || bytes[j - 1] == tab) { throw Unreadable() }
                    j += 1
                }
                var itemEnd = j
                while itemEnd > i && (bytes[itemEnd - 1] == space || bytes[itemEnd - 1] == tab) { itemEnd -= 1 }
                items.append(Self.plain(String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<itemEnd]), as: UTF8.self)))
                i = j
            }
            while i < end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
            guard i < end else { throw Unreadable() }
            if bytes[i] == comma { i += 1; continue }
            if bytes[i] == closeBracket { return (items, i + 1) }
            throw Unreadable()
        }
    }

    /// A single- or double-quoted scalar on one line: its text and the index after the closing quote.
    func quoted(from start: Int, end: Int) throws(Unreadable) -> (String, Int) {
        let quote = bytes[start]
        var text: [UInt8] = []
        var i = start + 1
        while i < end {
            let byte = bytes[i]
            if quote == singleQuote {
                if byte == singleQuote {
                    if i + 1 < end && bytes[i + 1] == singleQuote { text.append(singleQuote); i += 2; continue }
                    return (String(decoding: text, as: UTF8.self), i + 1)
                }
                text.append(byte); i += 1
                continue
            }
            if byte == doubleQuote { return (String(decoding: text, as: UTF8.self), i + 1) }
            if byte != 0x5C /* \ */ { text.append(byte); i += 1; continue }
            guard i + 1 < end else { throw Unreadable() }
            let escape = bytes[i + 1]
            i += 2
            switch escape {
            case 0x30: text.append(0)
            case 0x61: text.append(7)
            case 0x62: text.append(8)
            case 0x74, tab: text.append(tab)
            case 0x6E: text.append(newline)
            case 0x76: text.append(11)
            case 0x66: text.append(12)
            case 0x72: text.append(cr)
            case 0x65: text.append(27)
            case space, doubleQuote, 0x2F, 0x5C: text.append(escape)
            case 0x4E: text.append(contentsOf: [0xC2, 0x85])
            case 0x5F: text.append(contentsOf: [0xC2, 0xA0])
            case 0x4C: text.append(contentsOf: [0xE2, 0x80, 0xA8])
            case 0x50: text.append(contentsOf: [0xE2, 0x80, 0xA9])
            case 0x78, 0x75, 0x55:
                let digits = escape == 0x78 ? 2 : escape == 0x75 ? 4 : 8
                guard i + digits <= end else { throw Unreadable() }
                var code: UInt32 = 0
                for k in i..<(i + digits) {
                    guard let digit = hexDigit(bytes[k]) else { throw Unreadable() }
                    code = code << 4 | digit
                }
                i += digits
                guard let scalar = Unicode.Scalar(code) else { throw Unreadable() }
                text.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: throw Unreadable()
            }
        }
        throw Unreadable()  // a quoted scalar over several lines
    }

    func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    /// A plain scalar as PyYAML's resolver reads it: YAML 1.1 nulls, booleans, numbers and
    /// dates are not strings.
    static func plain(_ text: String) -> LMEvalTopLevelKeys.Value {
        if text.isEmpty { return .null }
        switch text {
        case "~", "null", "Null", "NULL": return .null
        case "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
             "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N":
            // PyYAML's bool resolver has no y/n: those stay strings.
            return text.count == 1 ? .string(text) : .other
        default: break
        }
        if let first = text.utf8.first, first == 0x2B || first == 0x2D || first == dot || (0x30...0x39).contains(first) {
            if YAML11Number.matches(text) { return .other }
        }
        return .string(text)
    }
}

/// PyYAML's implicit int, float and timestamp patterns (YAML 1.1), checked by hand.
enum YAML11Number {
    static func matches(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        if isTimestamp(bytes) { return true }
        if bytes.first == 0x2B || bytes.first == 0x2D { bytes.removeFirst() }
        guard !bytes.isEmpty else { return false }
        let lowered = String(decoding: bytes, as: UTF8.self)
        if [".inf", ".Inf", ".INF"].contains(lowered) { return true }
        if text == ".nan" || text == ".NaN" || text == ".NAN" { return true }
        func all(_ slice: ArraySlice<UInt8>, _ allowed: (UInt8) -> Bool) -> Bool { !slice.isEmpty && slice.allSatisfy(allowed) }
        let digit: (UInt8) -> Bool = { (0x30...0x39).contains($0) }
        let digitOrUnderscore: (UInt8) -> Bool = { digit($0) || $0 == 0x5F }
        // 0b1010, 0x1F, 017 (octal), 0, 1_000, 1:20:30 (base 60)
        if bytes.count > 2 && bytes[0] == 0x30 && bytes[1] == 0x62 { return all(bytes[2...], { $0 == 0x30 || $0 == 0x31 || $0 == 0x5F }) }
        if bytes.count > 2 && bytes[0] == 0x30 && bytes[1] == 0x78 {
            return all(bytes[2...], { digit($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) || $0 == 0x5F })
        }
        if bytes[0] == 0x30 && bytes.count > 1 && all(bytes[1...], { (0x30...0x37).contains($0) || $0 == 0x5F }) { return true }
        if bytes == [0x30] { return true }
        if digit(bytes[0]) && bytes[0] != 0x30 && all(bytes[...], digitOrUnderscore) { return true }
        if let colonAt = bytes.firstIndex(of: 0x3A), digit(bytes[0]) {
            // base 60: [1-9][0-9_]*(:[0-5]?[0-9])+ with an optional .[0-9_]* for floats
            let head = bytes[..<colonAt]
            var fraction = false
            var tail = bytes[(colonAt + 1)...]
            if let dotAt = tail.firstIndex(of: 0x2E) {
                guard all(tail[(dotAt + 1)...], digitOrUnderscore) || dotAt + 1 == tail.endIndex else { return false }
                tail = tail[..<dotAt]
                fraction = true
            }
            if !fraction && head.first == 0x30 { return false }
            guard all(head, digitOrUnderscore) else { return false }
            for part in tail.split(separator: 0x3A, omittingEmptySubsequences: false) {
                guard (1...2).contains(part.count), all(part, digit) else { return false }
                if part.count == 2 && part.first! > 0x35 { return false }
            }
            return true
        }
        // floats: [0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?  or  \.[0-9_]+([eE][-+][0-9]+)?
        guard let dotAt = bytes.firstIndex(of: 0x2E) else { return false }
        let whole = bytes[..<dotAt]
        var rest = bytes[(dotAt + 1)...]
        if let e = rest.firstIndex(where: { $0 == 0x65 || $0 == 0x45 }) {
            let exponent = rest[(e + 1)...]
            guard let sign = exponent.first, sign == 0x2B || sign == 0x2D, all(exponent.dropFirst(), digit) else { return false }
            rest = rest[..<e]
        }
        if whole.isEmpty { return all(rest, digitOrUnderscore) }
        return digit(whole.first!) && whole.allSatisfy(digitOrUnderscore) && rest.allSatisfy(digitOrUnderscore)
    }

    /// `2001-12-14`, and the date-time forms that start that way.
    static func isTimestamp(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8, bytes.prefix(4).allSatisfy({ (0x30...0x39).contains($0) }), bytes[4] == 0x2D else { return false }
        var i = 5
        func digits(_ maxCount: Int) -> Int {
            var n = 0
            while i < bytes.count && n < maxCount && (0x30...0x39).contains(bytes[i]) { i += 1; n += 1 }
            return n
        }
        guard digits(2) >= 1, i < bytes.count, bytes[i] == 0x2D else { return false }
        i += 1
        guard digits(2) >= 1 else { return false }
        if i == bytes.count { return bytes.count == 10 }
        // A date-time: the rest must follow PyYAML's pattern; close enough for names, which never look like this.
        return bytes[i] == 0x54 || bytes[i] == 0x74 || bytes[i] == 0x20 || bytes[i] == tab
    }
}
