import Diagnostics

/// A mistake in configuration that the user can fix: bad YAML, an unknown key or option,
/// a malformed override, a wrong type, a value that was never given.
///
/// Every error carries where it happened (a file position, a key path, or the override as
/// typed) and, when we can guess it, a hint. ``description`` renders it the way compilers do:
///
/// ```
/// conf/model/openai_chat.yaml:4:3: error: unknown key 'temprature' in 'model.params'
/// hint: did you mean 'temperature'?
/// ```
public struct ConfigError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, for tests and for callers that branch on it.
    public enum Code: String, Sendable {
        case yamlSyntax
        case fileNotFound
        case primaryConfigNotFound
        case overrideSyntax
        case keyNotFound
        case keyExists
        case deleteMismatch
        case groupNotFound
        case optionNotFound
        case optionRequired
        case defaultsList
        case interpolation
        case missingValue
        /// An interpolation reached a `???` value; the resolver turns the whole value into `???`.
        case interpolationToMissing
        case typeMismatch
        case unknownKey
        case invalidValue
        case sweep
        case usage
    }

    public var code: Code
    public var message: String
    public var keyPath: String?
    public var location: SourceLocation?
    public var hint: String?
    /// The source line and a caret under the column, when the text is known.
    public var snippet: String?

    public init(_ code: Code, _ message: String, keyPath: String? = nil, location: SourceLocation? = nil,
                hint: String? = nil, snippet: String? = nil) {
        self.code = code
        self.message = message
        self.keyPath = keyPath
        self.location = location
        self.hint = hint
        self.snippet = snippet
    }

    public var description: String { userError.description }
}

extension ConfigError: UserFacingError {
    /// The one shape: usage for malformed command lines, config for everything else.
    public var userError: UserError {
        // The file position says where; the key path is kept for errors that have none.
        var place = Place(keyPath: location == nil ? keyPath : nil)
        if let location {
            if let override = location.override {
                // The override may carry a secret (`+model.params.api_key=...`): mask it.
                place.override = Redactor.redact(override: override)
            } else if !location.file.isEmpty {
                place.file = location.file
                place.line = location.line
                place.column = location.column
            }
        }
        let kind: UserError.Kind
        switch code {
        case .usage, .overrideSyntax: kind = .usage
        default: kind = .config
        }
        return UserError(kind, message, place: place, hint: hint, snippet: snippet)
    }
}

extension ConfigError {
    static func keyNotFound(_ path: String, known: [String], override: String, location: SourceLocation?) -> ConfigError {
        var hint = "to add a new key use '+\(override)'"
        if let guess = DidYouMean.hint(path.split(separator: ".").last.map(String.init) ?? path, among: known) {
            hint = guess + " To add a new key use '+\(override)'"
        }
        return ConfigError(.keyNotFound, "could not override '\(path)': no such key in the config",
                           keyPath: path, location: location, hint: hint)
    }

    static func unknownOption(group: String, option: String, available: [String], in parent: String?,
                              location: SourceLocation?) -> ConfigError {
        let prefix = parent.map { "in '\($0)': " } ?? ""
        var hint = available.isEmpty ? "the group '\(group)' has no options"
            : "available options in '\(group)': \(available.joined(separator: ", "))"
        hint = DidYouMean.hint(option, among: available, then: hint)
        return ConfigError(.optionNotFound, "\(prefix)could not find '\(group)/\(option)'",
                           keyPath: group, location: location, hint: hint)
    }
}
