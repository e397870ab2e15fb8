/// Which task to run: `conf/task/<name>.yaml` under `task`.
///
/// `name` picks the task from the task registry; the rest of the section stays a
/// ``ConfigNode`` because each task decodes (and checks) its own settings, as each backend
/// decodes its own `model.params`: Config knows no task's options.
///
/// ```yaml
/// name: mcq
/// dataset: {path: data/mcq_example.jsonl}
/// scoring: {mode: generate}
/// ```
public struct TaskConfig: Decodable, Sendable, Equatable {
    public var name: String
    /// The whole `task` section, `name` included, with its file positions (without the keys
    /// every task shares, such as `max_null_rate`, which are read here).
    public var section: ConfigNode
    /// Above this share of scored items whose answer could not be read, the run warns with the
    /// first unreadable answers (a parser that does not fit the model reads as a bad model).
    public var maxNullRate: Double

    public init(name: String, section: ConfigNode, maxNullRate: Double = 0.5) {
        self.name = name
        self.section = section
        self.maxNullRate = maxNullRate
    }

    enum CodingKeys: String, CodingKey {
        case name
        case maxNullRate = "max_null_rate"
    }

    public init(from decoder: any Decoder) throws {
        section = try ConfigNode(from: decoder)
        guard section.mapping != nil else {
            throw ConfigError(.typeMismatch, "'task' must be a mapping, not \(section.kindDescription)", keyPath: "task",
                              location: section.location, hint: "choose a task with +task=<OPTION>")
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        maxNullRate = try container.decodeIfPresent(Double.self, forKey: .maxNullRate) ?? 0.5
        if !(0...1).contains(maxNullRate) {
            throw ConfigError(.invalidValue, "'task.max_null_rate' must be between 0 and 1", keyPath: "task.max_null_rate",
                              location: section.child("max_null_rate")?.location, hint: "set task.max_null_rate=0.5 (the default), or 1 to never warn")
        }
        // Each task decodes the rest strictly: the shared key is not one of its own.
        _ = section.removeNode(at: "max_null_rate")
    }
}
