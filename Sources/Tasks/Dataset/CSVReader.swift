import Models

/// Reads a CSV file as RFC 4180 writes it: a header row, commas, fields in double quotes
/// when they hold commas, quotes (doubled) or line breaks.
enum CSVReader {
    /// The records (header name to text) with the line each starts on.
    ///
    /// - Throws: ``TaskError`` naming `file:line` for an unclosed quote or a row with the
    ///   wrong number of fields.
    static func read(_ text: String, file: String) throws(TaskError) -> [(line: Int, record: [String: JSONValue])] {
        let rows = try rows(text, file: file)
        guard let header = rows.first else { return [] }
        var records: [(Int, [String: JSONValue])] = []
        for (rowLine, values) in rows.dropFirst() {
            guard values.count == header.fields.count else {
                throw TaskError("row has \(values.count) fields, the header has \(header.fields.count)", at: "\(file):\(rowLine)",
                                hint: "quote fields that contain commas or line breaks")
            }
            var record: [String: JSONValue] = [:]
            for (name, value) in zip(header.fields, values) { record[name] = .string(value) }
            records.append((rowLine, record))
        }
        return records
    }

    /// The rows as text fields, the header first, each with the line it starts on.
    ///
    /// - Throws: ``TaskError`` naming `file:line` for an unclosed quote.
    static func rows(_ text: String, file: String, delimiter: Character = ",") throws(TaskError) -> [(line: Int, fields: [String])] {
        let separator = delimiter.unicodeScalars.first!
        var rows: [(Int, [String])] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var fieldStarted = false
        var line = 1
        var rowLine = 1
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRow() {
            row.append(field)
            if !(row.count == 1 && row[0].isEmpty) { rows.append((rowLine, row)) }
            row = []
            field = ""
            fieldStarted = false
        }

        while let c = pending ?? scalars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = scalars.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where !fieldStarted:
                quoted = true
                fieldStarted = true
            case separator:
                row.append(field)
                field = ""
                fieldStarted = false
            case "\r":
                continue
            case "\n":
                endRow()
                line += 1
                rowLine = line
            default:
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        if quoted {
            throw TaskError("a quoted field is never closed", at: "\(file):\(rowLine)",
                            hint: "close the field with \"; write a quote inside a field as \"\"")
        }
        if fieldStarted || !row.isEmpty { endRow() }
        return rows
    }
}
