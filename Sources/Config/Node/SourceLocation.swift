/// Where a value came from: a file position, or an override typed on the command line.
///
/// Locations travel with ``ConfigNode`` values so that an error found long after loading
/// (an unknown key, a wrong type, a missing value) can still name the line that caused it.
/// Locations never take part in equality.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file as it should be shown to the user (relative to the working directory when possible).
    public var file: String
    /// 1-based line, or 0 when unknown.
    public var line: Int
    /// 1-based column (in Unicode scalars), or 0 when unknown.
    public var column: Int
    /// The override as typed, when the value came from the command line.
    public var override: String?

    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
        self.override = nil
    }

    /// A location for a value given on the command line.
    public static func commandLine(_ override: String) -> SourceLocation {
        var location = SourceLocation(file: "<command line>")
        location.override = override
        return location
    }

    public var description: String {
        if let override { return "override '\(Redactor.redact(override: override))'" }
        if line > 0 { return column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)" }
        return file
    }
}
