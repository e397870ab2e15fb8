internal import CLibYAML

/// Loads YAML text into a ``ConfigNode`` tree with OmegaConf's typing rules and source positions.
///
/// Parsing is libyaml's (the same C parser under PyYAML), read event by event; the tree is
/// built here so that every node keeps its file, line and column.
public enum YAMLLoader {
    /// Parses one YAML document.
    ///
    /// - Parameters:
    ///   - text: The YAML source.
    ///   - file: The path to show in errors and locations.
    /// - Returns: The root node; an empty document gives an empty mapping.
    ///   - keepingFunctionTags: keep `!function module.name` as a string node tagged `!function`
    ///     (lm-eval task files, whose reader runs the hook); otherwise, as for every config
    ///     file, the tag is an error.
    /// - Throws: ``ConfigError`` with code `.yamlSyntax`, naming file, line and column.
    ///   - lastKeyWins: a repeated key replaces the earlier value instead of being an error,
    ///     as PyYAML reads it (lm-evaluation-harness task files rely on that).
    public static func load(_ text: String, file: String, lastKeyWins: Bool = false, keepingFunctionTags: Bool = false) throws(ConfigError) -> ConfigNode {
        let composer = EventComposer(text: text, file: file, lastKeyWins: lastKeyWins, keepingFunctionTags: keepingFunctionTags)
        return try composer.composeDocument()
    }

    /// The `# @key value` directives in the comment block at the top of a config file
    /// (Hydra reads `# @package` from there).
    public static func header(of text: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(text)
        while !rest.isEmpty {
            // Walk line by line and stop at the first line that is not a comment or blank.
            let end = rest.firstIndex(of: "\n") ?? rest.endIndex
            let line = rest[..<end].trimmingWhitespace()
            rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
            if line.isEmpty { continue }
            guard line.hasPrefix("#") else { break }
            var directive = line.dropFirst().trimmingWhitespace()
            guard directive.hasPrefix("@") else { continue }
            directive = directive.dropFirst()
            let parts = directive.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard let key = parts.first else { continue }
            result[String(key)] = parts.count > 1 ? String(parts[1].trimmingWhitespace()) : ""
        }
        return result
    }

    /// The source line with a caret under the column, for error messages.
    public static func caretSnippet(_ text: String, line: Int, column: Int) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        let source = lines[line - 1]
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        let caretColumn = max(0, min(column - 1, source.unicodeScalars.count))
        return " \(gutter) | \(source)\n \(pad) | " + String(repeating: " ", count: caretColumn) + "^"
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
