import Config

/// The settings of the tasks written in this runner's own vocabulary (`mcq`, `qa`): a dataset,
/// a prompt and a scoring section. Decoded from the `task` section by the task itself.
public struct StandardTaskConfig: Decodable, Sendable, Equatable {
    public var name: String
    public var dataset: DatasetConfig
    public var prompt: PromptConfig
    public var scoring: ScoringConfig

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, dataset, prompt, scoring
    }
}

extension TaskConfig {
    /// The section decoded as a task's own settings type, with errors that name the key and
    /// its file position (`conf/task/mcq.yaml:7:3: error: unknown key 'shufle' in 'task.dataset'`).
    public func decode<T: Decodable>(_ type: T.Type) throws(ConfigError) -> T {
        try ConfigDecoder().decode(T.self, from: section, at: "task")
    }
}
