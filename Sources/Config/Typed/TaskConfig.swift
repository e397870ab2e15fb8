/// An evaluation task: where its items come from, how they become prompts, how answers are
/// scored (`conf/task/<name>.yaml` under `task`).
public struct TaskConfig: Decodable, Sendable, Equatable {
    public var name: String
    public var dataset: DatasetConfig
    public var prompt: PromptConfig
    public var scoring: ScoringConfig

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, dataset, prompt, scoring
    }
}

/// A local JSONL or CSV file and how its fields map to the task's fields.
public struct DatasetConfig: Decodable, Sendable, Equatable {
    public enum Format: String, ConfigEnum { case jsonl, csv }

    public var path: String
    public var format: Format
    /// Task field name to column/key name in the file (`question: q`).
    public var fields: [String: String]?
    /// Use at most this many items (after shuffling).
    public var limit: Int?
    public var shuffle: Bool?
    public var seed: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, format, fields, limit, shuffle, seed
    }
}

/// How an item becomes a prompt: a template with `{field}` placeholders, an optional system
/// prompt and few-shot examples.
public struct PromptConfig: Decodable, Sendable, Equatable {
    public var template: String
    public var system: String?
    /// Number of few-shot examples to prepend.
    public var fewShot: Int?
    /// Where few-shot examples come from (defaults to the dataset itself).
    public var fewShotPath: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case template, system
        case fewShot = "few_shot"
        case fewShotPath = "few_shot_path"
    }
}

/// How answers are scored.
public struct ScoringConfig: Decodable, Sendable, Equatable {
    public enum Mode: String, ConfigEnum {
        case generate, loglikelihood
        case chatLogprobs = "chat_logprobs"
        case exactMatch = "exact_match"
    }

    public var mode: Mode
    /// Option letters for multiple choice.
    public var letters: [String]?
    /// Metric names to report.
    public var metrics: [String]?
    /// Normalise case, punctuation, articles and whitespace before comparing (qa).
    public var normalize: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mode, letters, metrics, normalize
    }
}
