/// A template that cannot be read or rendered: the message, and where in the template.
public struct ChatTemplateError: Error, Sendable, CustomStringConvertible, Equatable {
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
}
