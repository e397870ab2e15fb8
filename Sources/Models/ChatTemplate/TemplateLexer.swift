/// Splits a template into text, `{{ output }}` and `{% statement %}` pieces, applying
/// jinja2's whitespace control as the options ask: `trim_blocks` (the newline after a block
/// tag goes), `lstrip_blocks` (spaces before a block tag on its line go), and always the `-`
/// markers (all whitespace on that side goes).
enum TemplateLexer {
    enum Piece: Equatable {
        case text(String)
        case output(String, line: Int, column: Int)
        case statement(String, line: Int, column: Int)
    }

    static func pieces(_ source: String, options: TemplateOptions) throws(ChatTemplateError) -> [Piece] {
        let chars = Array(source)
        var pieces: [Piece] = []
        var text = ""
        var i = 0
        var line = 1, lineStart = 0
        var stripNext = false    // a `-` before the previous tag's close
        var trimNewline = false  // trim_blocks after a block tag

        func flushText() {
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
        }

        while i < chars.count {
            let c = chars[i]
            let isTag = c == "{" && i + 1 < chars.count && (chars[i + 1] == "{" || chars[i + 1] == "%" || chars[i + 1] == "#")
            if !isTag {
                if trimNewline {
                    trimNewline = false
                    if c == "\n" { i += 1; line += 1; lineStart = i; continue }
                    if c == "\r", i + 1 < chars.count, chars[i + 1] == "\n" { i += 2; line += 1; lineStart = i; continue }
                }
                if stripNext && c.isWhitespace {
                    if c == "\n" { line += 1; lineStart = i + 1 }
                    i += 1
                    continue
                }
                stripNext = false
                text.append(c)
                if c == "\n" { line += 1; lineStart = i + 1 }
                i += 1
                continue
            }
            trimNewline = false
            stripNext = false
            let kind = chars[i + 1]
            let tagLine = line, tagColumn = i - lineStart + 1
            var j = i + 2
            var leftMinus = false, leftPlus = false
            if j < chars.count, chars[j] == "-" { leftMinus = true; j += 1 } else if j < chars.count, chars[j] == "+" { leftPlus = true; j += 1 }
            if leftMinus {
                while let last = text.last, last.isWhitespace { text.removeLast() }
            } else if kind != "{" && !leftPlus && options.lstripBlocks {
                // lstrip_blocks: in the source, only spaces and tabs between the line start and the tag.
                var b = i - 1
                while b >= 0, chars[b] == " " || chars[b] == "\t" { b -= 1 }
                if b < 0 || chars[b] == "\n" {
                    while let last = text.last, last == " " || last == "\t" { text.removeLast() }
                }
            }
            let close: Character = kind == "{" ? "}" : kind
            // Find the closing marker, skipping quoted strings inside expressions.
            var quote: Character? = nil
            var end = -1
            var k = j
            while k + 1 < chars.count {
                let ch = chars[k]
                if let q = quote {
                    if ch == "\\" { k += 2; continue }
                    if ch == q { quote = nil }
                } else if kind != "#" && (ch == "'" || ch == "\"") {
                    quote = ch
                } else if ch == close && chars[k + 1] == "}" {
                    end = k
                    break
                }
                k += 1
            }
            guard end >= 0 else {
                throw ChatTemplateError("'{\(kind)' is never closed", line: tagLine, column: tagColumn)
            }
            var innerEnd = end
            var rightMinus = false
            if innerEnd > j, chars[innerEnd - 1] == "-" { rightMinus = true; innerEnd -= 1 }
            let inner = String(chars[j..<innerEnd])
            flushText()
            switch kind {
            case "{": pieces.append(.output(inner, line: tagLine, column: tagColumn))
            case "%": pieces.append(.statement(inner, line: tagLine, column: tagColumn))
            default: break
            }
            for ch in chars[i..<(end + 2)] where ch == "\n" { line += 1 }
            if chars[i..<(end + 2)].contains("\n") {
                lineStart = (chars[i..<(end + 2)].lastIndex(of: "\n") ?? i) + 1
            }
            i = end + 2
            if rightMinus { stripNext = true } else if kind != "{" && options.trimBlocks { trimNewline = true }
        }
        flushText()
        return pieces
    }

    // MARK: - Expression tokens

    enum Token: Equatable {
        case name(String)
        case string(String)
        case int(Int)
        case double(Double)
        case op(String)
    }

    static let operators = ["==", "!=", "<=", ">=", "//", "**", "<", ">", "+", "-", "*", "/", "%", "~", "|", ".", ",", ":", "(", ")", "[", "]", "{", "}", "="]

    static func tokens(_ source: String, line: Int, column: Int) throws(ChatTemplateError) -> [Token] {
        let chars = Array(source)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                tokens.append(.name(String(chars[i..<j])))
                i = j
                continue
            }
            if c.isNumber {
                var j = i
                while j < chars.count, chars[j].isNumber || chars[j] == "_" { j += 1 }
                if j + 1 < chars.count, chars[j] == ".", chars[j + 1].isNumber {
                    j += 1
                    while j < chars.count, chars[j].isNumber { j += 1 }
                    tokens.append(.double(Double(String(chars[i..<j])) ?? 0))
                } else {
                    tokens.append(.int(Int(String(chars[i..<j]).replacingAll("_", with: "")) ?? 0))
                }
                i = j
                continue
            }
            if c == "'" || c == "\"" {
                var j = i + 1
                var value = ""
                while j < chars.count, chars[j] != c {
                    if chars[j] == "\\", j + 1 < chars.count {
                        j += 1
                        switch chars[j] {
                        case "n": value.append("\n")
                        case "t": value.append("\t")
                        case "r": value.append("\r")
                        case "\\": value.append("\\")
                        case "'": value.append("'")
                        case "\"": value.append("\"")
                        default: value.append("\\"); value.append(chars[j])
                        }
                    } else {
                        value.append(chars[j])
                    }
                    j += 1
                }
                guard j < chars.count else { throw ChatTemplateError("unterminated string", line: line, column: column + i) }
                tokens.append(.string(value))
                i = j + 1
                continue
            }
            guard let op = operators.first(where: { op in
                i + op.count <= chars.count && String(chars[i..<(i + op.count)]) == op
            }) else {
                throw ChatTemplateError("unexpected character '\(c)'", line: line, column: column + i)
            }
            tokens.append(.op(op))
            i += op.count
        }
        return tokens
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
