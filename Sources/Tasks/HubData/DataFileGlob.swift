/// Glob patterns over repository-relative paths, as `datasets` resolves `data_files` through
/// fsspec (≥ 2023.12, which matches Python's `glob` with `recursive=True`):
///
/// - `*` matches within one path component, `?` one character, `[abc]`, `[a-z]`, `[!x]` a set;
/// - a component that is exactly `**` matches zero or more whole components; `**` inside a
///   component (`**.csv`) is refused by fsspec (``DataFilesResolver`` reports it) and
///   matches like `*` here;
/// - a pattern without wildcards names one path.
///
/// Hidden parts (`.x`) and special folders (`__x`) are excluded unless the pattern names as
/// many of them (`resolve_pattern`'s two checks).
enum DataFileGlob {
    /// Whether `path` (relative, `/`-separated) matches `pattern`.
    static func matches(_ path: String, pattern: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.unicodeScalars) }
        let pieces = pattern.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.unicodeScalars) }
        return match(parts[...], pieces[...])
    }

    /// The paths among `files` that `pattern` selects, in `files`' order, minus hidden files
    /// and special folders the pattern does not ask for.
    static func select(_ files: [String], pattern: String) -> [String] {
        files.filter { matches($0, pattern: pattern) && !unrequestedHidden($0, pattern: pattern) && !unrequestedSpecial($0, pattern: pattern) }
    }

    /// `_is_unrequested_hidden_file_or_is_inside_unrequested_hidden_dir`: the path has a
    /// different number of dot-led parts than the pattern.
    static func unrequestedHidden(_ path: String, pattern: String) -> Bool {
        func hidden(_ text: String) -> Int {
            text.split(separator: "/").filter { $0.hasPrefix(".") && !$0.allSatisfy { $0 == "." } }.count
        }
        return hidden(path) != hidden(pattern)
    }

    /// `_is_inside_unrequested_special_dir`: the path's folders have a different number of
    /// `__`-led names than the pattern's.
    static func unrequestedSpecial(_ path: String, pattern: String) -> Bool {
        func special(_ text: String) -> Int { text.split(separator: "/").dropLast().filter { $0.hasPrefix("__") }.count }
        return special(path) != special(pattern)
    }

    private static func match(_ parts: ArraySlice<[Unicode.Scalar]>, _ pieces: ArraySlice<[Unicode.Scalar]>) -> Bool {
        guard let piece = pieces.first else { return parts.isEmpty }
        if piece == ["*", "*"] {
            let rest = pieces.dropFirst()
            // `**` takes 0...n components; collapse repeated `**`.
            if rest.first == ["*", "*"] { return match(parts, rest) }
            var index = parts.startIndex
            while true {
                if match(parts[index...], rest) { return true }
                if index == parts.endIndex { return false }
                index += 1
            }
        }
        guard let part = parts.first, component(part[...], piece[...]) else { return false }
        return match(parts.dropFirst(), pieces.dropFirst())
    }

    /// fnmatch of one component, iteratively with one backtrack point per `*` (linear-ish).
    static func component(_ text: ArraySlice<Unicode.Scalar>, _ pattern: ArraySlice<Unicode.Scalar>) -> Bool {
        var t = text.startIndex, p = pattern.startIndex
        var starP: Int? = nil, starT = t
        while t < text.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == "*" {
                    var q = p
                    while q < pattern.endIndex, pattern[q] == "*" { q += 1 }
                    starP = q; starT = t; p = q
                    continue
                }
                if c == "?" { t += 1; p += 1; continue }
                if c == "[", let (matched, next) = bracket(pattern, at: p, character: text[t]) {
                    if matched { t += 1; p = next; continue }
                } else if c == text[t] { t += 1; p += 1; continue }
            }
            guard let star = starP else { return false }
            starT += 1; t = starT; p = star
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// A `[...]` set at `start`: whether `character` is in it, and the index after `]`; nil when
    /// the bracket is not closed (then `[` is literal, as in fnmatch).
    private static func bracket(_ pattern: ArraySlice<Unicode.Scalar>, at start: Int, character: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex, pattern[i] == "!" { negate = true; i += 1 }
        var first = true
        var matched = false
        while i < pattern.endIndex {
            let c = pattern[i]
            if c == "]" && !first { return (matched != negate, i + 1) }
            first = false
            if i + 2 < pattern.endIndex, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                if c <= character && character <= pattern[i + 2] { matched = true }
                i += 3
            } else {
                if c == character { matched = true }
                i += 1
            }
        }
        return nil
    }
}
