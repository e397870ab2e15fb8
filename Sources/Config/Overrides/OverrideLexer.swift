/// Splits the value part of an override into Hydra's tokens (its ANTLR lexer's value mode):
/// longest match wins, ties go to the earlier rule.
struct OverrideLexer {
    enum Kind: Equatable {
        case popen, comma, pclose, bracketOpen, bracketClose, braceOpen, braceClose, colon, equal
        case float, int, bool, null, unquotedChar, id, esc, ws, quoted, interpolation
    }

    struct Token: Equatable {
        var kind: Kind
        var text: String
        var offset: Int
    }

    let chars: [Unicode.Scalar]

    init(_ text: String) { chars = Array(text.unicodeScalars) }

    func tokenize() throws(OverrideSyntaxError) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let candidates: [(Kind, Int)] = [
                (.popen, delimited(i, "(", wsBefore: true, wsAfter: true)),
                (.comma, delimited(i, ",", wsBefore: true, wsAfter: true)),
                (.pclose, delimited(i, ")", wsBefore: true, wsAfter: false)),
                (.bracketOpen, delimited(i, "[", wsBefore: false, wsAfter: true)),
                (.bracketClose, delimited(i, "]", wsBefore: true, wsAfter: false)),
                (.braceOpen, delimited(i, "{", wsBefore: false, wsAfter: true)),
                (.braceClose, delimited(i, "}", wsBefore: true, wsAfter: false)),
                (.colon, delimited(i, ":", wsBefore: true, wsAfter: true)),
                (.equal, delimited(i, "=", wsBefore: true, wsAfter: true)),
                (.float, float(i)),
                (.int, int(i)),
                (.bool, keyword(i, "true") > 0 ? 4 : keyword(i, "false")),
                (.null, keyword(i, "null")),
                (.unquotedChar, "/-\\+.$%*@?|".unicodeScalars.contains(chars[i]) ? 1 : 0),
                (.id, identifier(i)),
                (.esc, escape(i)),
                (.ws, whitespace(i)),
                (.quoted, try quoted(i)),
                (.interpolation, interpolation(i)),
            ]
            var best: (Kind, Int) = (.ws, 0)
            for candidate in candidates where candidate.1 > best.1 { best = candidate }
            if best.1 == 0 {
                // Hydra's lexer knows only ASCII outside quotes: `s=héllo` is an error there too.
                if chars[i].value > 127 {
                    throw OverrideSyntaxError(offset: i, message: "unexpected character '\(chars[i])' (outside quotes only ASCII is allowed)",
                                              hint: "quote the value")
                }
                throw OverrideSyntaxError(offset: i, message: "unexpected character '\(chars[i])'")
            }
            tokens.append(Token(kind: best.0, text: text(i, best.1), offset: i))
            i += best.1
        }
        return tokens
    }

    func text(_ start: Int, _ length: Int) -> String {
        var text = ""
        for scalar in chars[start..<start + length] { text.unicodeScalars.append(scalar) }
        return text
    }

    private func at(_ i: Int) -> Unicode.Scalar? { i < chars.count ? chars[i] : nil }
    private func isDigit(_ i: Int) -> Bool { at(i).map { $0.value >= 48 && $0.value <= 57 } ?? false }
    private func isAlpha(_ c: Unicode.Scalar) -> Bool { (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122) }

    func whitespace(_ i: Int) -> Int {
        var j = i
        while let c = at(j), c == " " || c == "\t" { j += 1 }
        return j - i
    }

    private func delimited(_ i: Int, _ symbol: Unicode.Scalar, wsBefore: Bool, wsAfter: Bool) -> Int {
        var j = i
        if wsBefore { j += whitespace(j) }
        guard at(j) == symbol else { return 0 }
        j += 1
        if wsAfter { j += whitespace(j) }
        return j - i
    }

    private func keyword(_ i: Int, _ word: String) -> Int {
        let w = Array(word.unicodeScalars)
        guard i + w.count <= chars.count else { return 0 }
        for (k, c) in w.enumerated() where Character(chars[i + k]).lowercased() != String(c) { return 0 }
        return w.count
    }

    /// `0` or `[1-9](_?[0-9])*`
    private func intUnsigned(_ i: Int) -> Int {
        guard let c = at(i) else { return 0 }
        if c == "0" { return 1 }
        guard isDigit(i) else { return 0 }
        var j = i + 1
        while true {
            if isDigit(j) { j += 1 } else if at(j) == "_", isDigit(j + 1) { j += 2 } else { break }
        }
        return j - i
    }

    private func digitsWithUnderscores(_ i: Int) -> Int {
        guard isDigit(i) else { return 0 }
        var j = i + 1
        while true {
            if isDigit(j) { j += 1 } else if at(j) == "_", isDigit(j + 1) { j += 2 } else { break }
        }
        return j - i
    }

    func int(_ i: Int) -> Int {
        var j = i
        if let c = at(j), c == "+" || c == "-" { j += 1 }
        let n = intUnsigned(j)
        return n > 0 ? j + n - i : 0
    }

    private func pointFloat(_ i: Int) -> Int {
        // INT_UNSIGNED '.' | INT_UNSIGNED? '.' DIGIT (_? DIGIT)*
        var best = 0
        let whole = intUnsigned(i)
        if whole > 0, at(i + whole) == "." {
            best = whole + 1
            let frac = digitsWithUnderscores(i + whole + 1)
            if frac > 0 { best = whole + 1 + frac }
        }
        if at(i) == "." {
            let frac = digitsWithUnderscores(i + 1)
            if frac > 0 { best = max(best, 1 + frac) }
        }
        return best
    }

    func float(_ i: Int) -> Int {
        var j = i
        if let c = at(j), c == "+" || c == "-" { j += 1 }
        var best = 0
        let point = pointFloat(j)
        if point > 0 { best = point }
        let base = max(point, intUnsigned(j))
        if base > 0, let e = at(j + base), e == "e" || e == "E" {
            var k = j + base + 1
            if let s = at(k), s == "+" || s == "-" { k += 1 }
            let exp = digitsWithUnderscores(k)
            if exp > 0 { best = max(best, k + exp - j) }
        }
        if keyword(j, "inf") > 0 { best = max(best, 3) }
        if keyword(j, "nan") > 0 { best = max(best, 3) }
        return best > 0 ? j - i + best : 0
    }

    func identifier(_ i: Int) -> Int {
        guard let c = at(i), isAlpha(c) || c == "_" else { return 0 }
        var j = i + 1
        while let d = at(j), isAlpha(d) || isDigit(j) || d == "_" || d == "-" { j += 1 }
        return j - i
    }

    private func escape(_ i: Int) -> Int {
        var j = i
        while at(j) == "\\", let next = at(j + 1), "\\()[]{}:=, \t".unicodeScalars.contains(next) { j += 2 }
        return j - i
    }

    private func quoted(_ i: Int) throws(OverrideSyntaxError) -> Int {
        guard let quote = at(i), quote == "'" || quote == "\"" else { return 0 }
        var j = i + 1
        var backslashes = 0
        while let c = at(j) {
            if c == quote && backslashes % 2 == 0 { return j + 1 - i }
            backslashes = c == "\\" ? backslashes + 1 : 0
            j += 1
        }
        throw OverrideSyntaxError(offset: i, message: "unterminated quoted string starting with \(quote)")
    }

    /// `${` up to the first `}`: Hydra's lexer has no nesting here, so a nested interpolation
    /// must be quoted (`x='${a.${b}}'`).
    private func interpolation(_ i: Int) -> Int {
        guard at(i) == "$", at(i + 1) == "{" else { return 0 }
        var j = i + 2
        while let c = at(j) {
            if c == "}" { return j > i + 2 ? j + 1 - i : 0 }
            j += 1
        }
        return 0
    }
}

/// A syntax error inside an override value, with the offset where it was found.
struct OverrideSyntaxError: Error {
    var offset: Int
    var message: String
    var hint: String? = nil
}
