/// Errors for JSON data that does not parse: where it breaks (line and column, the line with a
/// caret) and what the file must hold, for JSON Lines and for one JSON document alike.
enum JSONDataError {
    /// A JSON Lines line that is not one JSON value.
    ///
    /// The failure is located with ``PythonJSON`` (Foundation's decoder names no position).
    /// - Parameters:
    ///   - line: the line's text, without its line break.
    ///   - file: the data file.
    ///   - number: the line's 1-based number.
    static func invalidLine(_ line: Substring, file: String, number: Int) -> TaskError {
        let hint = "each line of a JSON Lines file is one whole JSON object, like {\"question\": ..., \"answer\": ...}"
        let failure: PythonJSON.Failure
        do {
            _ = try PythonJSON.parse(line)
            // Python's reader takes NaN and Infinity, which JSON proper refuses.
            let nonStandard = line.contains("NaN") || line.contains("Infinity")
            return TaskError(nonStandard ? "line is not valid JSON (NaN and Infinity are not JSON numbers)" : "line is not valid JSON",
                             at: "\(file):\(number)", hint: nonStandard ? "write them as null or as strings; " + hint : hint)
        } catch {
            failure = error
        }
        let column = Self.column(of: failure.offset, in: line)
        var error = TaskError("line is not valid JSON: \(failure.message)", at: "\(file):\(number):\(column)", hint: hint)
        if failure.message.hasSuffix("found the end") || failure.message == "unterminated string" {
            error.hint = hint + "; this line ends before its value does, and a value may not continue on the next line"
        }
        error.snippet = snippet(line, number: number, column: column)
        return error
    }

    /// A JSON document (a `.json` data file) that does not parse, at the line and column of
    /// `offset` (UTF-8 bytes from the start of `text`).
    static func invalidDocument(_ text: String, offset: Int, message: String, file: String, hint: String) -> TaskError {
        var line = 1
        var lineStart = text.utf8.startIndex
        var index = text.utf8.startIndex
        var consumed = 0
        while index < text.utf8.endIndex, consumed < offset {
            if text.utf8[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = text.utf8.index(after: index)
            }
            index = text.utf8.index(after: index)
            consumed += 1
        }
        let lineEnd = text.utf8[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? text.utf8.endIndex
        let source = Substring(text.utf8[lineStart..<lineEnd])
        let column = Self.column(of: consumed - text.utf8.distance(from: text.utf8.startIndex, to: lineStart), in: source)
        var error = TaskError("file is not valid JSON: \(message)", at: "\(file):\(line):\(column)", hint: hint)
        error.snippet = snippet(source, number: line, column: column)
        return error
    }

    /// The 1-based column (in Unicode scalars) of a UTF-8 offset within `line`.
    static func column(of offset: Int, in line: Substring) -> Int {
        var count = 0
        var bytes = 0
        for scalar in line.unicodeScalars {
            if bytes >= offset { break }
            bytes += UTF8.width(scalar)
            count += 1
        }
        return count + 1
    }

    /// The line with a caret under `column`, as the config errors show theirs; a long line is
    /// cut to the part around the column.
    static func snippet(_ line: Substring, number: Int, column: Int) -> String {
        let scalars = Array(line.unicodeScalars.map { $0 == "\t" || $0.value < 0x20 ? " " : $0 })
        let width = 100
        var start = 0, end = scalars.count
        if scalars.count > width {
            start = max(0, min(column - 1 - width * 2 / 3, scalars.count - width))
            end = min(scalars.count, start + width)
        }
        var shown = String(String.UnicodeScalarView(scalars[start..<end]))
        var caret = max(0, min(column - 1, scalars.count) - start)
        if start > 0 { shown = "…" + shown; caret += 1 }
        if end < scalars.count { shown += "…" }
        let gutter = String(number)
        return " \(gutter) | \(shown)\n \(String(repeating: " ", count: gutter.count)) | " + String(repeating: " ", count: caret) + "^"
    }
}
