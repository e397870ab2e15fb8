import Config
import Models

/// How a dataset record becomes an item: the task's field names mapped onto the record's keys
/// (`task.dataset.fields`), the fields every item must have, and its id (`id`, else its number).
struct RecordMapping: Sendable {
    var fields: [String: FieldSource]
    var required: [String]

    /// - Parameters:
    ///   - number: the record's 0-based position in the file (the id of a record without one).
    ///   - place: `file:line`, for errors.
    /// - Throws: ``TaskError`` at `place` for a missing field.
    func item(from record: [String: JSONValue], number: Int, place: String) throws(TaskError) -> DatasetItem {
        var mapped = record
        for (name, source) in fields {
            switch source {
            case .column(let column):
                guard let value = record[column] else {
                    if required.contains(name) { throw Self.missingField(name, column: column, record: record, place: place) }
                    continue
                }
                mapped[name] = value
            case .columns(let columns):
                var values: [JSONValue] = []
                for column in columns {
                    guard let value = record[column] else { throw Self.missingField(name, column: column, record: record, place: place) }
                    values.append(value)
                }
                mapped[name] = .array(values)
            }
        }
        for name in required where name != "id" && mapped[name] == nil {
            throw Self.missingField(name, column: name, record: record, place: place)
        }
        let id = mapped["id"].map(\.promptText) ?? String(number)
        return DatasetItem(id: id, fields: mapped, place: place)
    }

    private static func missingField(_ name: String, column: String, record: [String: JSONValue], place: String) -> TaskError {
        let keys = record.keys.sorted()
        var hint = "the record has: \(keys.joined(separator: ", "))"
        hint = DidYouMean.hint(column, among: keys, then: hint)
        hint += "; map it with task.dataset.fields.\(name)=<key>"
        let what = name == column ? "field '\(name)'" : "field '\(name)' (key '\(column)')"
        return TaskError("record has no \(what)", at: place, hint: hint)
    }
}
