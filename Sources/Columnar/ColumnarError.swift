import Diagnostics

/// A Parquet or Arrow file that cannot be read: the file, the column when one is at fault, and
/// the byte offset where reading stopped.
public struct ColumnarError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var column: String?
    public var offset: Int?
    public var message: String
    public var hint: String?

    public init(_ message: String, file: String, column: String? = nil, offset: Int? = nil, hint: String? = nil) {
        self.file = file
        self.column = column
        self.offset = offset
        self.message = message
        self.hint = hint
    }

    public var description: String { userError.description }
}

extension ColumnarError: UserFacingError {
    public var userError: UserError {
        var text = message
        if let column { text += " (column '\(column)')" }
        if let offset { text += " at byte \(offset)" }
        return UserError(.data, text, place: Place(file: file), hint: hint)
    }
}
