import Foundation

/// A regular expression with the semantics of Python's `re` module where lm-evaluation-harness
/// relies on them: matching on Unicode scalars (not on Swift's grapheme clusters, so `\n`
/// matches inside `\r\n` and `.` is one code point), `\Z` as the absolute end, `(?P<name>)`
/// groups, `findall`'s return shapes and `sub`'s replacement templates (`\1`, `\g<name>`).
///
/// ```swift
/// let regex = try PythonRegex("#### (\\-?[0-9\\.\\,]+)")
/// regex.findall("so #### 42")   // [.string("42")]
/// ```
public struct PythonRegex: @unchecked Sendable {
    /// Swift's engine, or ICU's for the lookbehinds Swift's does not have yet (`(?<=...)`,
    /// as BBH's answer filter uses); both match code point by code point.
    private enum Engine {
        case swift(Regex<AnyRegexOutput>)
        case icu(NSRegularExpression)
    }
    // Regex<AnyRegexOutput> and NSRegularExpression are immutable once built.
    private let engine: Engine
    public let pattern: String
    /// Capturing groups in the pattern.
    public let groupCount: Int
    private let groupNames: [String: Int]

    /// - Throws: ``PythonRegex/Failure`` with the compiler's reason when the pattern is invalid.
    public init(_ pattern: String) throws(Failure) {
        self.pattern = pattern
        do {
            if pattern.contains("(?<=") || pattern.contains("(?<!") {
                engine = .icu(try NSRegularExpression(pattern: Self.translate(pattern, forICU: true)))
            } else {
                engine = .swift(try Regex(Self.translate(pattern)).matchingSemantics(.unicodeScalar))
            }
        } catch {
            throw Failure(message: "invalid regular expression '\(pattern)': \(error)")
        }
        var names: [String: Int] = [:]
        var count = 0
        for (offset, name) in Self.groups(in: pattern) {
            count += 1
            if let name { names[name] = offset }
        }
        groupCount = count
        groupNames = names
    }

    public struct Failure: Error, Sendable, Equatable {
        public var message: String
    }

    /// What `re.findall` returns for one match: the whole match without groups, the group
    /// with one, a tuple of groups with several (`nil` for a group that did not take part is
    /// Python's empty string).
    public enum Found: Sendable, Equatable {
        case string(String)
        case tuple([String])
    }

    /// One match: where it is, and its groups' texts (`nil`: the group did not take part).
    private struct Match {
        var range: Range<String.UnicodeScalarView.Index>
        var groups: [String?]
    }

    private func matchList(_ text: String, firstOnly: Bool = false) -> [Match] {
        switch engine {
        case .swift(let regex):
            let found = firstOnly ? text.firstMatch(of: regex).map { [$0] } ?? [] : text.matches(of: regex)
            return found.map { match in
                Match(range: match.range, groups: (0..<match.output.count).map { match.output[$0].substring.map(String.init) })
            }
        case .icu(let regex):
            let all = regex.matches(in: text, range: NSRange(location: 0, length: text.utf16.count))
            return (firstOnly ? Array(all.prefix(1)) : all).compactMap { result in
                func part(_ range: NSRange) -> Range<String.UnicodeScalarView.Index>? {
                    guard range.location != NSNotFound, let r = Range(range, in: text) else { return nil }
                    guard let lower = r.lowerBound.samePosition(in: text.unicodeScalars),
                          let upper = r.upperBound.samePosition(in: text.unicodeScalars) else { return nil }
                    return lower..<upper
                }
                guard let whole = part(result.range) else { return nil }
                let groups = (0..<result.numberOfRanges).map { i in part(result.range(at: i)).map { String(text.unicodeScalars[$0]) } }
                return Match(range: whole, groups: groups)
            }
        }
    }

    /// `re.findall(pattern, text)`.
    public func findall(_ text: String) -> [Found] {
        matchList(text).map { match in
            switch groupCount {
            case 0: return .string(String(text.unicodeScalars[match.range]))
            case 1: return .string(match.groups.count > 1 ? match.groups[1] ?? "" : "")
            default: return .tuple((1...groupCount).map { i in i < match.groups.count ? match.groups[i] ?? "" : "" })
            }
        }
    }

    /// `re.search(pattern, text) is not None`.
    public func matches(_ text: String) -> Bool { !matchList(text, firstOnly: true).isEmpty }

    /// `re.sub(pattern, replacement, text, count=count)`: `count` 0 replaces every match.
    public func sub(_ replacement: String, in text: String, count: Int = 0) -> String {
        var out = String.UnicodeScalarView()
        var last = text.unicodeScalars.startIndex
        var done = 0
        for match in matchList(text) {
            if count > 0 && done >= count { break }
            out.append(contentsOf: text.unicodeScalars[last..<match.range.lowerBound])
            out.append(contentsOf: expand(replacement, match.groups).unicodeScalars)
            last = match.range.upperBound
            done += 1
        }
        out.append(contentsOf: text.unicodeScalars[last...])
        return String(out)
    }

    /// A replacement template with its group references filled.
    private func expand(_ template: String, _ groups: [String?]) -> String {
        func group(_ i: Int) -> String { i < groups.count ? groups[i] ?? "" : "" }
        var out = ""
        let chars = Array(template.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c == "\\", i + 1 < chars.count else { out.unicodeScalars.append(c); i += 1; continue }
            let e = chars[i + 1]
            if ("0"..."9").contains(e) {
                var j = i + 1
                var number = 0
                while j < chars.count, j < i + 3, ("0"..."9").contains(chars[j]) { number = number * 10 + Int(chars[j].value - 48); j += 1 }
                out += group(number)
                i = j
                continue
            }
            if e == "g", i + 2 < chars.count, chars[i + 2] == "<", let close = chars[(i + 3)...].firstIndex(of: ">") {
                let name = String(String.UnicodeScalarView(chars[(i + 3)..<close]))
                out += Int(name).map(group) ?? groupNames[name].map(group) ?? ""
                i = close + 1
                continue
            }
            switch e {
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "\\": out += "\\"
            case "a": out += "\u{07}"
            case "f": out += "\u{0C}"
            case "v": out += "\u{0B}"
            default: out.unicodeScalars.append(c); out.unicodeScalars.append(e)
            }
            i += 2
        }
        return out
    }

    /// Python-only spellings turned into the engine's: `\Z` (absolute end) is `\z`; for ICU,
    /// `(?P<name>` is `(?<name>`.
    static func translate(_ pattern: String, forICU: Bool = false) -> String {
        var out = ""
        var escaped = false
        let source = forICU ? pattern.replacingOccurrences(of: "(?P<", with: "(?<") : pattern
        for c in source.unicodeScalars {
            if escaped {
                out += c == "Z" ? "z" : String(c)
                escaped = false
            } else {
                if c == "\\" { escaped = true }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// The capturing groups in order, with their names: `(`, `(?P<name>`, `(?<name>`; not
    /// `(?:`, lookarounds, flags or escaped and bracketed parentheses.
    static func groups(in pattern: String) -> [(Int, String?)] {
        let chars = Array(pattern.unicodeScalars)
        var result: [(Int, String?)] = []
        var i = 0
        var inClass = false
        while i < chars.count {
            let c = chars[i]
            if c == "\\" { i += 2; continue }
            if inClass { if c == "]" { inClass = false }; i += 1; continue }
            if c == "[" { inClass = true; i += 1; if i < chars.count, chars[i] == "]" { i += 1 }; continue }
            if c == "(" {
                if i + 1 < chars.count, chars[i + 1] == "?" {
                    var j = i + 2
                    if j < chars.count, chars[j] == "P" { j += 1 }
                    if j < chars.count, chars[j] == "<", j + 1 < chars.count, chars[j + 1] != "=", chars[j + 1] != "!",
                       let close = chars[(j + 1)...].firstIndex(of: ">") {
                        result.append((result.count + 1, String(String.UnicodeScalarView(chars[(j + 1)..<close]))))
                    }
                } else {
                    result.append((result.count + 1, nil))
                }
            }
            i += 1
        }
        return result
    }
}
