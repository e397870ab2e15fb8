import Models

/// One record of a dataset: its id, its fields by the task's names, and where it came from.
public struct DatasetItem: Sendable, Equatable {
    public var id: String
    /// Every key of the record, plus the task's field names mapped onto it.
    public var fields: [String: JSONValue]
    /// `file:line` of the record, for errors.
    public var place: String
    /// The item's position in its task's ``DatasetItems`` (after shuffling and `limit`).
    public var index: Int

    public init(id: String, fields: [String: JSONValue], place: String, index: Int = 0) {
        self.id = id
        self.fields = fields
        self.place = place
        self.index = index
    }

    public subscript(field: String) -> JSONValue? { fields[field] }

    /// A place that names both the line and the item, for errors about one item.
    public var itemPlace: String { "\(place) (item \(id))" }
}

extension JSONValue {
    /// The value as prompt text: strings as they are, numbers and booleans as written in JSON.
    var promptText: String {
        switch self {
        case .string(let s): return s
        case .null: return ""
        case .double(let d): return OrderedJSON.number(d)
        case .array(let items): return items.map(\.promptText).joined(separator: ", ")
        default: return canonicalString
        }
    }
}
