import Config

/// A problem with a task's data or settings, found before or while running it.
///
/// It names the place (`data/mcq.jsonl:7`, `task.prompt.template`, `item q12`) and says how
/// to fix it, and prints as one line plus a hint, like ``Config/ConfigError``:
///
/// ```
/// data/mcq.jsonl:7: error: line is not valid JSON (unexpected end of line)
/// hint: each line of a JSONL file must be one complete JSON object
/// ```
public struct TaskError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Where the problem is: `file:line`, a config key path, or an item id.
    public var place: String?
    public var message: String
    public var hint: String?
    /// The offending line with a caret under the column, when the text is at hand.
    public var snippet: String?
    /// True when writing the run's own files failed (disk full, permissions), not the data.
    public var isIO = false

    public init(_ message: String, at place: String? = nil, hint: String? = nil) {
        self.place = place
        self.message = message
        self.hint = hint
    }

    /// Writing one of the run's files failed.
    public static func io(_ message: String, at place: String, hint: String) -> TaskError {
        var error = TaskError(message, at: place, hint: hint)
        error.isIO = true
        return error
    }

    public var description: String { userError.description }
}

extension TaskError: UserFacingError {
    /// A problem at a config key is a config mistake; one in a file or item is a data mistake.
    public var userError: UserError {
        let where_ = place.map { Place(parsing: $0) } ?? Place()
        let kind: UserError.Kind = isIO ? .io : where_.file == nil && where_.keyPath != nil ? .config : .data
        return UserError(kind, message, place: where_, hint: hint, snippet: snippet)
    }
}
