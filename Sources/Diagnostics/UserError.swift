/// The one shape of every mistake a user can cause or meet: what went wrong, where (a file
/// position, a key path, the override as typed, an item), a hint, and the underlying cause,
/// rendered in one way and mapped to the exit code in one place.
///
/// Each part of the runner keeps its own error type, which carries its own detail (a config
/// error's code, a model error's retry class), and converts to this shape
/// (``UserFacingError``), as swift-argument-parser keeps `ParserError` apart from the
/// `MessageInfo` that is printed:
///
/// ```
/// conf/model/openai_chat.yaml:4:3: error: unknown key 'temprature' in 'model.params'
/// hint: did you mean 'temperature'?
/// ```
public struct UserError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is, which decides the exit code.
    public enum Kind: String, Sendable {
        /// A command-line mistake (an unknown flag, a bad override).
        case usage
        /// A configuration mistake: YAML, groups, keys, types, values.
        case config
        /// Bad input data: a dataset line, a task file, a checkpoint.
        case data
        /// A failure while running: a server that cannot be reached or refuses, too many errors.
        case runtime
        /// Reading or writing the run's own files failed (disk full, permissions).
        case io
    }

    public var kind: Kind
    public var message: String
    public var place: Place
    public var hint: String?
    /// What a lower layer said (the system's error text, libcurl's message).
    public var cause: String?
    /// The source line with a caret under the column, when the text is known.
    public var snippet: String?

    public init(_ kind: Kind, _ message: String, place: Place = Place(), hint: String? = nil, cause: String? = nil, snippet: String? = nil) {
        self.kind = kind
        self.message = message
        self.place = place
        self.hint = hint
        self.cause = cause
        self.snippet = snippet
    }

    /// 2 for usage, config and data mistakes (nothing ran); 1 for failures while running,
    /// including the run's own files. Interrupted runs exit 130, decided where they stop.
    public var exitCode: Int32 {
        switch kind {
        case .usage, .config, .data: return 2
        case .runtime, .io: return 1
        }
    }

    /// `place: error: message (in override '...')`, then the snippet, `hint:` and `cause:` lines.
    public var description: String {
        var text = ""
        if let prefix = place.prefix { text += prefix + ": " }
        text += "error: \(message)"
        if let override = place.override, !message.contains(override) { text += " (in override '\(override)')" }
        if let snippet { text += "\n" + snippet }
        if let hint { text += "\nhint: \(hint)" }
        if let cause, !message.contains(cause) { text += "\ncause: \(cause)" }
        return text
    }
}

/// Where a problem is. Any part may be missing; the most precise one leads the message.
public struct Place: Sendable, Equatable {
    public var file: String?
    /// 1-based; 0 when unknown.
    public var line: Int
    public var column: Int
    /// The config key (`task.scoring.mode`).
    public var keyPath: String?
    /// The override as typed on the command line, already masked if it holds a secret.
    public var override: String?
    /// The item or document (`item mcq-007`, `doc 12`).
    public var item: String?

    public init(file: String? = nil, line: Int = 0, column: Int = 0, keyPath: String? = nil, override: String? = nil, item: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.override = override
        self.item = item
    }

    /// `file:line:col (key) (item)`, else the key path, else nothing (an override is named after the message).
    public var prefix: String? {
        var text: String?
        if let file, !file.isEmpty, override == nil {
            text = line > 0 ? (column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)") : file
            if let keyPath { text! += " (\(keyPath))" }
        } else if let keyPath, override == nil {
            text = keyPath
        }
        if let item { text = (text.map { $0 + " " } ?? "") + "(\(item))" }
        return text
    }

    /// Reads the places other parts write as text: `file:line[:col]` with an optional trailing
    /// `(key)` or `(item ...)`, a bare config key (`task.prompt.few_shot`), or a file.
    public init(parsing text: String) {
        self.init()
        var rest = Substring(text)
        if rest.hasSuffix(")"), let open = rest.lastIndex(of: "("), open > rest.startIndex {
            let inner = String(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)])
            rest = rest[..<open]
            while rest.last == " " { rest = rest.dropLast() }
            if inner.hasPrefix("item ") || inner.hasPrefix("doc ") { item = inner } else { keyPath = inner }
        }
        var parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var numbers: [Int] = []
        while parts.count > 1, numbers.count < 2, let n = Int(parts.last!) {
            numbers.insert(n, at: 0)
            parts.removeLast()
        }
        if !numbers.isEmpty {
            file = parts.joined(separator: ":")
            line = numbers[0]
            column = numbers.count > 1 ? numbers[1] : 0
        } else if Self.looksLikeKeyPath(rest) {
            keyPath = String(rest)
        } else if !rest.isEmpty {
            file = String(rest)
        }
    }

    /// `task.scoring.mode`: dotted words, not a file name.
    private static func looksLikeKeyPath(_ text: Substring) -> Bool {
        guard text.contains("."), !text.contains("/"), !text.contains(" ") else { return false }
        let last = text.split(separator: ".").last.map(String.init) ?? ""
        return !["yaml", "yml", "json", "jsonl", "csv", "gguf", "safetensors", "txt"].contains(last)
    }
}

/// An error that has the one shape users see.
public protocol UserFacingError: Error {
    var userError: UserError { get }
}

extension UserError: UserFacingError {
    public var userError: UserError { self }
}
