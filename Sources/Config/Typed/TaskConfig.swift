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
    /// The whole `task` section, `name` included, with its file positions.
    public var section: ConfigNode

    public init(name: String, section: ConfigNode) {
        self.name = name
        self.section = section
    }

    enum CodingKeys: String, CodingKey {
        case name
    }

    public init(from decoder: any Decoder) throws {
        section = try ConfigNode(from: decoder)
        guard section.mapping != nil else {
            throw ConfigError(.typeMismatch, "'task' must be a mapping, not \(section.kindDescription)", keyPath: "task",
                              location: section.location, hint: "choose a task with +task=<OPTION>")
        }
        name = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .name)
    }
}
