/// A template that cannot be read or rendered: the message, and where in the template.
import Config

public struct ChatTemplateError: Error, Sendable, CustomStringConvertible, Equatable, UserFacingError {
    public var message: String
    public var line: Int
    public var column: Int
    /// The message of the template's own `raise_exception(...)`.
    public var raised: Bool

    public init(_ message: String, line: Int = 0, column: Int = 0, raised: Bool = false) {
        self.message = message
        self.line = line
        self.column = column
        self.raised = raised
    }

    public var description: String {
        raised || line == 0 ? message : "line \(line), column \(column): \(message)"
    }

    /// A template that cannot be read or rendered is bad input (the checkpoint's or the task's).
    public var userError: UserError { UserError(.data, "chat template: " + description) }
}
